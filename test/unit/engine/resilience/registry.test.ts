import { DEFAULT_BREAKER_OPTIONS } from '../../../../nodes/AiDispatcher/engine/resilience/breaker';
import { circuitExclusion, pickHost } from '../../../../nodes/AiDispatcher/engine/resilience/hosts';
import {
	acquireHost,
	getBreaker,
	inFlight,
	LATENCY_WINDOW,
	latencies,
	MAX_ENTRIES,
	openBreakers,
	recordLatency,
	resetResilienceState,
	resilienceCounters,
	setBreaker,
} from '../../../../nodes/AiDispatcher/engine/resilience/registry';

const A = 'http://a:11434';
const B = 'http://b:11434';
const T = 1_800_000_000_000;
const open = { state: 'open' as const, sinceMs: T, untilMs: T + 30_000 };

beforeEach(() => resetResilienceState());

describe('resilience registry', () => {
	it('keeps one breaker per (URL, model), closed by default, and reports the open ones', () => {
		setBreaker(A, 'm', open);
		expect(getBreaker(A, 'm')).toEqual(open);
		expect(getBreaker(B, 'm').state).toBe('closed');
		expect(openBreakers()).toEqual([
			{ model: 'm', host: A, state: 'open', since: new Date(T).toISOString(), retryAfter: new Date(T + 30_000).toISOString() },
		]);
		expect(resilienceCounters().breakerOpens).toBe(1);
	});

	it('keeps a bounded latency window and a bounded number of entries', () => {
		for (let i = 0; i < LATENCY_WINDOW + 10; i++) recordLatency(A, 'm', i);
		expect(latencies(A, 'm')).toHaveLength(LATENCY_WINDOW);
		expect(latencies(A, 'm')[0]).toBe(10);
		for (let i = 0; i < MAX_ENTRIES + 5; i++) recordLatency(A, `model-${i}`, 1);
		expect(latencies(A, 'm')).toHaveLength(0); // the least recently used was dropped
	});

	it('counts requests in flight per host; release is idempotent', () => {
		const r1 = acquireHost(A);
		const r2 = acquireHost(A);
		expect(inFlight(A)).toBe(2);
		r1();
		r1();
		expect(inFlight(A)).toBe(1);
		r2();
		expect(inFlight(A)).toBe(0);
	});
});

describe('host pool', () => {
	it('picks the least busy host, the first on ties, skipping tried and open ones', () => {
		expect(pickHost([A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBe(A);
		const release = acquireHost(A);
		expect(pickHost([A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBe(B);
		release();
		expect(pickHost([A, B], 'm', T, DEFAULT_BREAKER_OPTIONS, new Set([A]))).toBe(B);
		setBreaker(A, 'm', open);
		expect(pickHost([A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBe(B);
		expect(circuitExclusion([A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBeNull();
	});

	it('explains an exclusion when the circuit is open on every host', () => {
		setBreaker(A, 'm', open);
		expect(circuitExclusion([A], 'm', T + 1, DEFAULT_BREAKER_OPTIONS)).toBe(
			`circuit open since ${new Date(T).toISOString()}, retry after ${new Date(T + 30_000).toISOString()}`,
		);
		setBreaker(B, 'm', open);
		expect(circuitExclusion([A, B], 'm', T + 1, DEFAULT_BREAKER_OPTIONS)).toMatch(/^circuit open on every host \(http:\/\/a:11434 since .*; http:\/\/b:11434 since/);
		expect(pickHost([A, B], 'm', T + 30_000, DEFAULT_BREAKER_OPTIONS)).toBe(A); // cooldown over: probe
	});
});
