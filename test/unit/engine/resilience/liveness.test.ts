/** The host liveness check behind the connect timeout: its state, the shared ping, and its place in the attempt loop. */
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import { TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import type { EnginePorts, OllamaPort } from '../../../../nodes/AiDispatcher/engine/ports';
import {
	afterCall,
	answered,
	checkHost,
	firstLiveHost,
	LIVENESS_WINDOW_MS,
	livenessNeed,
	pingFailed,
	suspected,
} from '../../../../nodes/AiDispatcher/engine/resilience/liveness';
import type { HostLiveness } from '../../../../nodes/AiDispatcher/engine/resilience/registry';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import type { FailureKind } from '../../../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../../../support/fakes';

let state = createDispatcherState();

const A = 'http://a:11434';
const B = 'http://b:11434';
const T = 1_800_000_000_000;
const W = LIVENESS_WINDOW_MS;
const UNKNOWN: HostLiveness = { answeredAtMs: null, suspect: false, failed: null };
const FAILURE = {
	atMs: T,
	kind: 'timeout' as const,
	error: 'host did not answer GET / within 300 ms (connect timeout)',
};

beforeEach(() => {
	state = createDispatcherState();
});

describe('livenessNeed', () => {
	it.each<[string, HostLiveness, number, ReturnType<typeof livenessNeed>['need']]>([
		['never seen', UNKNOWN, T, 'ping'],
		['answered just now', answered(UNKNOWN, T), T, 'none'],
		['answered within the window', answered(UNKNOWN, T), T + W - 1, 'none'],
		['answered exactly one window ago (stale)', answered(UNKNOWN, T), T + W, 'ping'],
		['answered long ago (stale)', answered(UNKNOWN, T), T + 5 * W, 'ping'],
		[
			'fresh, but its last call could not connect or timed out',
			suspected(answered(UNKNOWN, T)),
			T + 1,
			'ping',
		],
		['failed a check within the window', pingFailed(UNKNOWN, FAILURE), T + W - 1, 'down'],
		['failed a check one window ago: check again', pingFailed(UNKNOWN, FAILURE), T + W, 'ping'],
		['failed a check, then answered', answered(pingFailed(UNKNOWN, FAILURE), T + 5), T + 6, 'none'],
	])('%s → %s', (_, state, nowMs, need) => {
		expect(livenessNeed(state, nowMs).need).toBe(need);
	});

	it('uses the window it is given', () => {
		expect(livenessNeed(answered(UNKNOWN, T), T + 500, 1_000).need).toBe('none');
		expect(livenessNeed(answered(UNKNOWN, T), T + 1_000, 1_000).need).toBe('ping');
	});
});

describe('firstLiveHost (whose view the live signals use)', () => {
	it('skips a host that failed its connect check within the window, and comes back to it after', () => {
		expect(firstLiveHost(state.resilience, [A, B], T)).toBe(A);
		state.resilience.setLiveness(A, pingFailed(UNKNOWN, FAILURE));
		expect(firstLiveHost(state.resilience, [A, B], T + 1)).toBe(B);
		expect(firstLiveHost(state.resilience, [A, B], T + W)).toBe(A);
	});

	it('falls back to the first host when every host is down', () => {
		state.resilience.setLiveness(A, pingFailed(UNKNOWN, FAILURE));
		state.resilience.setLiveness(B, pingFailed(UNKNOWN, FAILURE));
		expect(firstLiveHost(state.resilience, [A, B], T + 1)).toBe(A);
	});
});

describe('afterCall', () => {
	it.each<[string, FailureKind | undefined, 'answered' | 'suspect' | 'unchanged']>([
		['success', undefined, 'answered'],
		['HTTP 500 (the host answered)', 'http_5xx', 'answered'],
		['503 busy', 'busy', 'answered'],
		['404 model missing', 'not_found', 'answered'],
		['broken stream', 'stream_error', 'answered'],
		['invalid JSON reply', 'invalid_json', 'answered'],
		['refused or reset', 'connection', 'suspect'],
		['first-token or total timeout', 'timeout', 'suspect'],
		['stopped workflow', 'aborted', 'unchanged'],
	])('%s → %s', (_, kind, expected) => {
		afterCall(state.resilience, A, kind, T);
		const liveness = state.resilience.getLiveness(A);
		if (expected === 'answered')
			expect(liveness).toEqual({ answeredAtMs: T, suspect: false, failed: null });
		if (expected === 'suspect')
			expect(liveness).toEqual({ answeredAtMs: null, suspect: true, failed: null });
		if (expected === 'unchanged') expect(liveness).toEqual(UNKNOWN);
	});
});

/** An OllamaPort whose ping is answered by hand; counts pings per host. */
function manualPing() {
	const pings: string[] = [];
	const pending: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
	const ollama: OllamaPort = {
		...scriptedOllama({}).ollama,
		ping: (baseUrl) => {
			pings.push(baseUrl);
			return new Promise<void>((resolve, reject) => pending.push({ resolve, reject }));
		},
	};
	return { ollama, pings, pending };
}

/** Ports with a clock the test sets. */
function clockPorts(ollama: OllamaPort, extra: Partial<EnginePorts> = {}) {
	const clock = { now: T };
	return { clock, ports: fakePorts(ollama, { clock: { nowMs: () => clock.now }, ...extra }) };
}

const limits = { connectTimeoutMs: 300 };
const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('checkHost', () => {
	it('shares one ping among concurrent items (single flight), then trusts the answer for the window', async () => {
		const { ollama, pings, pending } = manualPing();
		const { clock, ports } = clockPorts(ollama);
		const waiting = Array.from({ length: 5 }, () => checkHost(state.resilience, A, limits, ports));
		await flush();
		expect(pings).toEqual([A]);
		pending[0].resolve();
		expect(await Promise.all(waiting)).toEqual(Array(5).fill({ ok: true }));

		clock.now += W - 1;
		expect(await checkHost(state.resilience, A, limits, ports)).toEqual({ ok: true });
		expect(pings).toHaveLength(1);
		clock.now += 1; // stale: checked again
		const again = checkHost(state.resilience, A, limits, ports);
		await flush();
		expect(pings).toEqual([A, A]);
		pending[1].resolve();
		expect(await again).toEqual({ ok: true });
		expect(state.resilience.counters()).toMatchObject({ pings: 2, pingFailures: 0 });
	});

	it('a failed ping fails every waiter, then fails at once without pinging for the window', async () => {
		const { ollama, pings, pending } = manualPing();
		const { clock, ports } = clockPorts(ollama);
		const waiting = [
			checkHost(state.resilience, A, limits, ports),
			checkHost(state.resilience, A, limits, ports),
		];
		await flush();
		clock.now += 300;
		pending[0].reject(new TransportError('timeout', 'no complete reply within 300 ms (timed out)'));
		const expected = {
			ok: false,
			kind: 'timeout',
			error: 'host did not answer GET / within 300 ms (connect timeout)',
		};
		expect(await Promise.all(waiting)).toEqual([expected, expected]);

		clock.now += 1_200;
		expect(await checkHost(state.resilience, A, limits, ports)).toEqual({
			...expected,
			error: `${expected.error} (checked 1200 ms ago)`,
		});
		expect(pings).toHaveLength(1);
		clock.now += W;
		const later = checkHost(state.resilience, A, limits, ports);
		await flush();
		expect(pings).toHaveLength(2);
		pending[1].reject(
			new TransportError('connection', 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1'),
		);
		expect(await later).toEqual({
			ok: false,
			kind: 'connection',
			error: 'host did not answer GET / (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:1)',
		});
		expect(state.resilience.counters()).toMatchObject({ pings: 2, pingFailures: 2 });
	});

	it('counts any HTTP reply to the ping as alive (a proxy that serves only /api/* answers 404)', async () => {
		const { ollama, pending } = manualPing();
		const { ports } = clockPorts(ollama);
		const waiting = checkHost(state.resilience, A, limits, ports);
		await flush();
		pending[0].reject(new TransportError('not_found', 'HTTP 404: 404 page not found', 404));
		expect(await waiting).toEqual({ ok: true });
		expect(state.resilience.getLiveness(A).failed).toBeNull();
	});

	it('does not ping a host that answered a generation lately, and pings one whose last call timed out', async () => {
		const { ollama, pings, pending } = manualPing();
		const { ports } = clockPorts(ollama);
		afterCall(state.resilience, A, undefined, T - 5);
		expect(await checkHost(state.resilience, A, limits, ports)).toEqual({ ok: true });
		afterCall(state.resilience, A, 'timeout', T);
		const waiting = checkHost(state.resilience, A, limits, ports);
		await flush();
		expect(pings).toEqual([A]);
		pending[0].resolve();
		expect(await waiting).toEqual({ ok: true });
	});

	it('leaves at once when its execution is stopped, while the shared ping goes on for the others', async () => {
		const { ollama, pings, pending } = manualPing();
		const controller = new AbortController();
		const { ports } = clockPorts(ollama);
		const stopped = checkHost(state.resilience, A, limits, { ...ports, cancel: controller.signal });
		const other = checkHost(state.resilience, A, limits, ports);
		await flush();
		controller.abort();
		expect(await stopped).toEqual({ ok: false, kind: 'aborted', error: 'request cancelled' });
		pending[0].resolve();
		expect(await other).toEqual({ ok: true });
		expect(pings).toHaveLength(1);
	});

	it('asks once more on a fresh socket when the check fails with a reset (an idle keep-alive socket the host closed)', async () => {
		const pinged: string[] = [];
		const ollama = {
			...scriptedOllama({}).ollama,
			ping: async (url: string) => {
				pinged.push(url);
				if (pinged.length === 1) throw new TransportError('connection', 'ECONNRESET: fetch failed');
			},
		};
		const { ports } = clockPorts(ollama);
		expect(await checkHost(state.resilience, A, limits, ports)).toEqual({ ok: true });
		expect(pinged).toEqual([A, A]);
		const refused = {
			...ollama,
			ping: async (url: string) => {
				pinged.push(url);
				throw new TransportError('connection', 'ECONNREFUSED');
			},
		};
		expect(await checkHost(state.resilience, B, limits, clockPorts(refused).ports)).toMatchObject({
			ok: false,
			kind: 'connection',
		});
		expect(pinged).toEqual([A, A, B]); // a refused connection is not asked twice
	});

	it('keeps each state to itself: a ping in flight in one state is neither shared nor recorded by another', async () => {
		const { ollama, pending } = manualPing();
		const { ports } = clockPorts(ollama);
		const other = createDispatcherState();
		const waiting = checkHost(state.resilience, A, limits, ports);
		await flush();
		expect(other.resilience.pingInFlight(A)).toBeUndefined();
		pending[0].reject(new TransportError('timeout', 'timed out'));
		await waiting;
		expect(state.resilience.getLiveness(A).failed).toMatchObject({ kind: 'timeout' });
		expect(other.resilience.getLiveness(A)).toEqual(UNKNOWN);
	});
});

describe('in the attempt loop', () => {
	const request = {
		prompt: 'Explain this',
		task: 'auto' as const,
		complexity: 'low' as const,
		format: { type: 'text' as const },
	};
	const config = {
		baseUrls: [A, B],
		models: [{ name: 'small', tier: 'low' as const, tasks: [], options: {} }],
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
	};

	it('records a failed check as an attempt on that host, counts it against its breaker, and moves on to the next host', async () => {
		const { ollama: scripted, calls } = scriptedOllama({ small: ['ok'] });
		const pinged: string[] = [];
		const ollama: OllamaPort = {
			...scripted,
			ping: async (baseUrl) => {
				pinged.push(baseUrl);
				if (baseUrl === A)
					throw new TransportError('timeout', 'no complete reply within 300 ms (timed out)');
			},
		};
		const ports = fakePorts(ollama);
		const resilience = { connectTimeoutMs: 300 };
		const first = await dispatch(request, { ...config, resilience }, state, ports);
		expect(first.host).toBe(B);
		expect(first.attempts).toEqual([
			{
				model: 'small',
				ok: false,
				kind: 'timeout',
				error: 'host did not answer GET / within 300 ms (connect timeout)',
				ms: expect.any(Number),
				host: A,
			},
			{ model: 'small', ok: true, error: null, ms: expect.any(Number), host: B },
		]);
		expect(calls.map((c) => c.baseUrl)).toEqual([B]);
		expect(state.resilience.getBreaker(A, 'small')).toMatchObject({ state: 'closed', failures: 1 });

		// Within the window, A fails at once (no second ping); the third failure opens its breaker.
		await dispatch(request, { ...config, resilience }, state, ports);
		await dispatch(request, { ...config, resilience }, state, ports);
		expect(pinged).toEqual([A, B]);
		expect(state.resilience.getBreaker(A, 'small').state).toBe('open');
		const later = await dispatch(request, { ...config, resilience }, state, ports);
		expect(later.attempts.map((a) => a.host)).toEqual([B]);
		expect(calls.map((c) => c.baseUrl)).toEqual([B, B, B, B]);
	});

	it('a stopped execution during the check ends the item as aborted', async () => {
		const controller = new AbortController();
		const { ollama: scripted, calls } = scriptedOllama({ small: ['ok'] });
		const ollama: OllamaPort = { ...scripted, ping: () => new Promise(() => controller.abort()) };
		const error = (await dispatch(
			request,
			config,
			state,
			fakePorts(ollama, { cancel: controller.signal }),
		).catch((e: unknown) => e)) as { code: string };
		expect(error.code).toBe('ABORTED');
		expect(calls).toHaveLength(0);
	});
});
