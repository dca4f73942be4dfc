import { DEFAULT_BREAKER_OPTIONS } from '../../../../nodes/AiDispatcher/engine/resilience/breaker';
import { circuitExclusion, pickHost } from '../../../../nodes/AiDispatcher/engine/resilience/hosts';
import {
	LATENCY_WINDOW,
	MAX_ENTRIES,
} from '../../../../nodes/AiDispatcher/engine/resilience/registry';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';

let state = createDispatcherState();

const A = 'http://a:11434';
const B = 'http://b:11434';
const T = 1_800_000_000_000;
const open = { state: 'open' as const, sinceMs: T, untilMs: T + 30_000 };

beforeEach(() => {
	state = createDispatcherState();
});

describe('resilience registry', () => {
	it('keeps one breaker per (URL, model), closed by default, and reports the open ones', () => {
		state.resilience.setBreaker(A, 'm', open);
		expect(state.resilience.getBreaker(A, 'm')).toEqual(open);
		expect(state.resilience.getBreaker(B, 'm').state).toBe('closed');
		expect(state.resilience.openBreakers()).toEqual([
			{
				model: 'm',
				host: A,
				state: 'open',
				since: new Date(T).toISOString(),
				retryAfter: new Date(T + 30_000).toISOString(),
			},
		]);
		expect(state.resilience.counters().breakerOpens).toBe(1);
	});

	it('keeps a bounded latency window and a bounded number of entries', () => {
		for (let i = 0; i < LATENCY_WINDOW + 10; i++) state.resilience.recordLatency(A, 'm', i);
		expect(state.resilience.latencies(A, 'm')).toHaveLength(LATENCY_WINDOW);
		expect(state.resilience.latencies(A, 'm')[0]).toBe(10);
		for (let i = 0; i < MAX_ENTRIES + 5; i++) state.resilience.recordLatency(A, `model-${i}`, 1);
		expect(state.resilience.latencies(A, 'm')).toHaveLength(0); // the least recently used was dropped
	});

	it('counts requests in flight per host; release is idempotent', () => {
		const r1 = state.resilience.acquireHost(A);
		const r2 = state.resilience.acquireHost(A);
		expect(state.resilience.inFlight(A)).toBe(2);
		r1();
		r1();
		expect(state.resilience.inFlight(A)).toBe(1);
		r2();
		expect(state.resilience.inFlight(A)).toBe(0);
	});
});

describe('host pool', () => {
	it('picks the least busy host, the first on ties, skipping tried and open ones', () => {
		expect(pickHost(state.resilience, [A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBe(A);
		const release = state.resilience.acquireHost(A);
		expect(pickHost(state.resilience, [A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBe(B);
		release();
		expect(pickHost(state.resilience, [A, B], 'm', T, DEFAULT_BREAKER_OPTIONS, new Set([A]))).toBe(
			B,
		);
		state.resilience.setBreaker(A, 'm', open);
		expect(pickHost(state.resilience, [A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBe(B);
		expect(circuitExclusion(state.resilience, [A, B], 'm', T, DEFAULT_BREAKER_OPTIONS)).toBeNull();
	});

	it('explains an exclusion when the circuit is open on every host', () => {
		state.resilience.setBreaker(A, 'm', open);
		expect(circuitExclusion(state.resilience, [A], 'm', T + 1, DEFAULT_BREAKER_OPTIONS)).toBe(
			`circuit open since ${new Date(T).toISOString()}, retry after ${new Date(T + 30_000).toISOString()}`,
		);
		state.resilience.setBreaker(B, 'm', open);
		expect(circuitExclusion(state.resilience, [A, B], 'm', T + 1, DEFAULT_BREAKER_OPTIONS)).toMatch(
			/^circuit open on every host \(http:\/\/a:11434 since .*; http:\/\/b:11434 since/,
		);
		expect(pickHost(state.resilience, [A, B], 'm', T + 30_000, DEFAULT_BREAKER_OPTIONS)).toBe(A); // cooldown over: probe
	});
});
