/** The attempt loop with scripted hosts: retries, backoff, failover between hosts, breakers in decisions. */
import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import { DispatcherError, TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import type { GenerateCall, OllamaPort } from '../../../../nodes/AiDispatcher/engine/ports';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import type {
	DispatchRequest,
	FailureKind,
	ModelSpec,
	Tier,
} from '../../../../nodes/AiDispatcher/engine/types';
import { fakePorts } from '../../../support/fakes';

let state = createDispatcherState();

const A = 'http://a:11434';
const B = 'http://b:11434';
type Step = string | FailureKind;

/** Replies per `host|model` (or `model` for any host); the last step repeats. */
function hostScript(script: Record<string, Step[]>) {
	const calls: GenerateCall[] = [];
	const counts = new Map<string, number>();
	const ollama: OllamaPort = {
		async generate(call) {
			calls.push(call);
			const key = script[`${call.baseUrl}|${call.model}`]
				? `${call.baseUrl}|${call.model}`
				: call.model;
			const steps = script[key] ?? ['not_found'];
			const n = counts.get(key) ?? 0;
			counts.set(key, n + 1);
			const step = steps[Math.min(n, steps.length - 1)];
			if (!step.startsWith('ok')) throw new TransportError(step as FailureKind, `boom ${step}`);
			return {
				text: step,
				usage: { prompt_tokens: 1, completion_tokens: 1, total_ms: 1, load_ms: 0, tokens_per_s: 1 },
			};
		},
		tags: async () => [],
		ps: async () => [],
		version: async () => '0',
		ping: async () => undefined,
	};
	return { ollama, calls };
}

const model = (name: string, tier: Tier): ModelSpec => ({ name, tier, tasks: [], options: {} });
const config = (extra: Partial<DispatchConfig> = {}): DispatchConfig => ({
	baseUrls: [A],
	models: [model('big', 'high'), model('small', 'low')],
	timeoutsMs: DEFAULT_TIMEOUTS_MS,
	...extra,
});
const request: DispatchRequest = {
	prompt: 'Explain this',
	task: 'auto',
	complexity: 'high',
	format: { type: 'text' },
};

beforeEach(() => {
	state = createDispatcherState();
});

describe('retries', () => {
	it.each<FailureKind>([
		'busy',
		'rate_limited',
		'connection',
		'http_5xx',
		'stream_error',
		'truncated',
		'garbage',
	])('retries the same model after %s, with a backoff drawn within the cap', async (kind) => {
		const { ollama, calls } = hostScript({ big: [kind, 'ok big'] });
		const sleeps: number[] = [];
		const ports = fakePorts(ollama, {
			sleep: async (ms) => void sleeps.push(ms),
			random: () => 0.999,
		});
		const result = await dispatch(
			request,
			config({ resilience: { backoff: { baseDelayMs: 100, maxDelayMs: 1_000 } } }),
			state,
			ports,
		);
		expect(result.model).toBe('big');
		expect(result.attempts.map((a) => [a.kind ?? 'ok', a.retry])).toEqual([
			[kind, undefined],
			['ok', 1],
		]);
		expect(sleeps).toEqual([99]);
		expect(calls).toHaveLength(2);
	});

	it.each<FailureKind>(['not_found', 'bad_request', 'timeout', 'invalid_json'])(
		'does not retry %s: the next model answers',
		async (kind) => {
			const { ollama, calls } = hostScript({ big: [kind], small: ['ok small'] });
			const result = await dispatch(request, config(), state, fakePorts(ollama));
			expect(result.model).toBe('small');
			expect(calls.map((c) => c.model)).toEqual(['big', 'small']);
		},
	);

	it('honours maxRetries and grows the backoff exponentially', async () => {
		const { ollama, calls } = hostScript({ big: ['busy'], small: ['ok small'] });
		const sleeps: number[] = [];
		const ports = fakePorts(ollama, {
			sleep: async (ms) => void sleeps.push(ms),
			random: () => 0.5,
		});
		const resilience = {
			retry: { maxRetries: 3 },
			backoff: { baseDelayMs: 100, maxDelayMs: 10_000 },
			breaker: { failureThreshold: 10 },
		};
		await dispatch(request, config({ resilience }), state, ports);
		expect(calls.filter((c) => c.model === 'big')).toHaveLength(4);
		expect(sleeps).toEqual([50, 100, 200]);
	});

	it('stops retrying at once when the execution is cancelled during the backoff', async () => {
		const { ollama, calls } = hostScript({ big: ['busy'], small: ['ok'] });
		const controller = new AbortController();
		const ports = fakePorts(ollama, {
			cancel: controller.signal,
			sleep: async () => {
				controller.abort();
				throw new Error('aborted');
			},
		});
		const error = (await dispatch(request, config(), state, ports).catch(
			(e: unknown) => e,
		)) as DispatcherError;
		expect(error.code).toBe('ABORTED');
		expect(calls).toHaveLength(1);
	});
});

describe('circuit breakers in the attempt loop', () => {
	it('opens after 3 failures and then skips the model, saying so in the decision', async () => {
		const { ollama, calls } = hostScript({ big: ['http_5xx'], small: ['ok small'] });
		const ports = fakePorts(ollama);
		await dispatch(request, config(), state, ports); // big: try + retry = 2 failures
		await dispatch(request, config(), state, ports); // third failure opens it
		expect(state.resilience.getBreaker(A, 'big').state).toBe('open');
		const before = calls.length;
		const result = await dispatch(request, config(), state, ports);
		expect(calls.slice(before).map((c) => c.model)).toEqual(['small']);
		expect(result.decision.reason).toMatch(
			/; skipped big: circuit open since \d{4}-\d\d-\d\dT.*, retry after /,
		);
		expect(result.decision.candidates.find((c) => c.model === 'big')?.excluded).toMatch(
			/^circuit open since /,
		);
	});

	it('fails fast with every skip listed when every circuit is open', async () => {
		const { ollama, calls } = hostScript({ big: ['connection'], small: ['connection'] });
		const ports = fakePorts(ollama);
		await dispatch(request, config(), state, ports).catch(() => undefined);
		await dispatch(request, config(), state, ports).catch(() => undefined);
		const before = calls.length;
		const error = (await dispatch(request, config(), state, ports).catch(
			(e: unknown) => e,
		)) as DispatcherError;
		expect(calls.length).toBe(before);
		expect(error.code).toBe('ALL_CANDIDATES_FAILED');
		expect(error.attempts.map((a) => [a.model, a.kind, a.ms])).toEqual([
			['big', 'circuit_open', 0],
			['small', 'circuit_open', 0],
		]);
		expect(error.message).toBe(
			'All 2 models failed: big and small skipped after repeated failures',
		);
		expect(error.details).toMatch(
			/^Attempts: 1\. big \(0 ms\): circuit open since .* \| 2\. small \(0 ms\): circuit open since /,
		);
	});

	it('does not count a bad request or invalid JSON against the breaker', async () => {
		const { ollama } = hostScript({ big: ['invalid_json'], small: ['ok'] });
		const ports = fakePorts(ollama);
		for (let i = 0; i < 5; i++) await dispatch(request, config(), state, ports);
		expect(state.resilience.getBreaker(A, 'big').state).toBe('closed');
	});
});

describe('several hosts', () => {
	it('fails over to the other host at once (no backoff, no retry used) when one host is down', async () => {
		const { ollama, calls } = hostScript({
			[`${A}|big`]: ['connection'],
			[`${B}|big`]: ['ok from b'],
		});
		const sleeps: number[] = [];
		const result = await dispatch(
			request,
			config({ baseUrls: [A, B] }),
			state,
			fakePorts(ollama, { sleep: async (ms) => void sleeps.push(ms) }),
		);
		expect(result).toMatchObject({ model: 'big', host: B, response: 'ok from b' });
		expect(result.attempts.map((a) => [a.host, a.kind ?? 'ok'])).toEqual([
			[A, 'connection'],
			[B, 'ok'],
		]);
		expect(sleeps).toEqual([]);
	});

	it('routes around a host whose circuit is open, so later items go straight to the healthy host', async () => {
		const { ollama, calls } = hostScript({ [`${A}|big`]: ['connection'], [`${B}|big`]: ['ok'] });
		const ports = fakePorts(ollama);
		for (let i = 0; i < 3; i++) await dispatch(request, config({ baseUrls: [A, B] }), state, ports);
		expect(state.resilience.getBreaker(A, 'big').state).toBe('open');
		const before = calls.length;
		const result = await dispatch(request, config({ baseUrls: [A, B] }), state, ports);
		expect(result.host).toBe(B);
		expect(calls.slice(before).map((c) => c.baseUrl)).toEqual([B]);
		expect(result.decision.reason).not.toContain('skipped');
	});

	it('names the host in the failure list when several hosts are configured', async () => {
		const { ollama } = hostScript({ big: ['not_found'], small: ['not_found'] });
		const error = (await dispatch(
			request,
			config({ baseUrls: [A, B] }),
			state,
			fakePorts(ollama),
		).catch((e: unknown) => e)) as DispatcherError;
		expect(error.message).toBe('All 2 models failed: big and small not installed');
		expect(error.details).toMatch(
			new RegExp(
				`1\\. big on ${A} \\(\\d+ ms\\): boom not_found \\| 2\\. big on ${B} \\(\\d+ ms\\): boom not_found`,
			),
		);
		expect(error.hint).toContain(`big and small: not installed at ${B}`);
	});
});
