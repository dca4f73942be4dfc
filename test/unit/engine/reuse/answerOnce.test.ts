/**
 * Answer reuse through `runPlan` (the one hook): within an execution always, across executions only
 * within the window, never across credentials, only from a model of the same or a higher tier called
 * with the same options, never a failed or cut-off answer; identical calls in flight share one call.
 */
import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { DispatcherError, TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import { planItem, runPlan, type Plan } from '../../../../nodes/AiDispatcher/engine/plan';
import type {
	EnginePorts,
	GenerateCall,
	GenerateOutcome,
	OllamaPort,
} from '../../../../nodes/AiDispatcher/engine/ports';
import type { ReuseConfig } from '../../../../nodes/AiDispatcher/engine/reuse/types';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest, ModelSpec, Tier } from '../../../../nodes/AiDispatcher/engine/types';
import type { Rule } from '../../../../nodes/AiDispatcher/engine/rules/types';

const model = (name: string, tier: Tier, options: ModelSpec['options'] = {}): ModelSpec => ({
	name,
	tier,
	tasks: [],
	options,
});
const MODELS = [
	model('phi3:mini', 'low'),
	model('llama3.2:3b', 'medium'),
	model('qwen2.5:7b', 'high'),
];
const REUSE: ReuseConfig = { scope: 'cred-a', executionId: 'exec-1', windowMs: 0 };

function config(extra: Partial<DispatchConfig> = {}): DispatchConfig {
	return {
		baseUrls: ['http://ollama:11434'],
		models: MODELS,
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: { retry: { maxRetries: 0 } },
		reuse: REUSE,
		...extra,
	};
}
const request = (prompt: string, complexity: Tier | 'auto' = 'low'): DispatchRequest => ({
	prompt,
	task: 'auto',
	complexity,
	format: { type: 'text' },
});

/** An Ollama whose replies echo the model and prompt; each call can be held open until released. */
function echoOllama(
	opts: {
		hold?: boolean;
		fail?: (call: GenerateCall) => TransportError | undefined;
		doneReason?: string;
	} = {},
) {
	const calls: GenerateCall[] = [];
	const held: Array<() => void> = [];
	const ollama: OllamaPort = {
		async generate(call): Promise<GenerateOutcome> {
			calls.push(call);
			if (opts.hold) await new Promise<void>((resolve) => held.push(resolve));
			const failure = opts.fail?.(call);
			if (failure) throw failure;
			return {
				text: `[${call.model}] ${call.prompt}`,
				...(call.think ? { thinking: `thought (${String(call.think)}) about ${call.prompt}` } : {}),
				usage: {
					prompt_tokens: 10,
					completion_tokens: 5,
					total_ms: 2500,
					load_ms: 0,
					tokens_per_s: 20,
				},
				...(opts.doneReason ? { doneReason: opts.doneReason } : {}),
			};
		},
		tags: async () => [],
		ps: async () => [],
		version: async () => '0.0.0',
		ping: async () => undefined,
	};
	return { ollama, calls, release: () => held.splice(0).forEach((r) => r()), held };
}

/** Ports with a clock the test moves. */
function ports(
	ollama: OllamaPort,
	clock = { now: 1_000_000 },
	extra: Partial<EnginePorts> = {},
): EnginePorts {
	return {
		ollama,
		clock: { nowMs: () => clock.now },
		sleep: async () => undefined,
		log: { debug: () => undefined, warn: () => undefined },
		random: () => 0.5,
		...extra,
	};
}

async function answer(
	req: DispatchRequest,
	cfg: DispatchConfig,
	state: DispatcherState,
	p: EnginePorts,
	thinking?: Plan['thinking'],
) {
	const plan = await planItem(req, cfg, state, p);
	return await runPlan(thinking ? { ...plan, thinking } : plan, p, state);
}

let state: DispatcherState;
beforeEach(() => {
	state = createDispatcherState();
});

describe('within one execution (always on)', () => {
	it('answers identical requests once; each duplicate gets the same answer, marked reused', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		const prompts = ['A', 'B', 'A', 'C', 'A', 'B'];
		const results = [];
		for (const prompt of prompts) results.push(await answer(request(prompt), config(), state, p));
		expect(calls.map((c) => c.prompt)).toEqual(['A', 'B', 'C']);
		expect(results.map((r) => r.response)).toEqual(prompts.map((x) => `[phi3:mini] ${x}`));
		expect(results.map((r) => r.reused?.kind ?? null)).toEqual([
			null,
			null,
			'this execution',
			null,
			'this execution',
			'this execution',
		]);
		expect(results[2]).toMatchObject({
			model: 'phi3:mini',
			tier: 'low',
			attempts: [],
			reused: { model: 'phi3:mini', tier: 'low', ageMs: 0, savedMs: 2500 },
		});
		expect(state.reuse.stats()).toMatchObject({ entries: 3, hits: 3, misses: 3, savedMs: 7500 });
	});

	it('without reuse in the config, every item calls a model (the engine used directly)', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		for (let i = 0; i < 3; i++) await answer(request('A'), config({ reuse: undefined }), state, p);
		expect(calls).toHaveLength(3);
		expect(state.reuse.stats()).toMatchObject({ entries: 0, hits: 0, misses: 0 });
	});

	it('gives a reused JSON answer as the parsed value again', async () => {
		const { ollama, calls } = echoOllama();
		ollama.generate = async (call) => {
			calls.push(call);
			return {
				text: '{"a":1,"b":[2]}',
				usage: {
					prompt_tokens: 1,
					completion_tokens: 1,
					total_ms: 10,
					load_ms: 0,
					tokens_per_s: 1,
				},
			};
		};
		const p = ports(ollama);
		const req = { ...request('J'), format: { type: 'json' as const } };
		const first = await answer(req, config(), state, p);
		const second = await answer(req, config(), state, p);
		expect(calls).toHaveLength(1);
		expect(second.response).toEqual({ a: 1, b: [2] });
		expect(second.response).toEqual(first.response);
	});
});

describe('across executions', () => {
	it('reuses nothing from another execution while Reuse Answers is off (window 0)', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		await answer(request('A'), config(), state, p);
		await answer(request('A'), config({ reuse: { ...REUSE, executionId: 'exec-2' } }), state, p);
		expect(calls).toHaveLength(2);
	});

	it('reuses within the window, with the answer’s age; not past it', async () => {
		const { ollama, calls } = echoOllama();
		const clock = { now: 1_000_000 };
		const p = ports(ollama, clock);
		const windowMs = 60 * 60_000;
		await answer(request('A'), config({ reuse: { ...REUSE, windowMs } }), state, p); // stored with Reuse Answers on
		clock.now += windowMs; // exactly at the window's edge: still reused
		const reused = await answer(
			request('A'),
			config({ reuse: { ...REUSE, executionId: 'exec-2', windowMs } }),
			state,
			p,
		);
		expect(reused.reused).toEqual({
			kind: 'earlier execution',
			model: 'phi3:mini',
			tier: 'low',
			ageMs: windowMs,
			savedMs: 2500,
		});
		clock.now += 1;
		const fresh = await answer(
			request('A'),
			config({ reuse: { ...REUSE, executionId: 'exec-3', windowMs } }),
			state,
			p,
		);
		expect(fresh.reused).toBeUndefined();
		expect(calls).toHaveLength(2);
	});

	it('never shares answers between credentials', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		const windowMs = 3_600_000;
		await answer(request('A'), config({ reuse: { ...REUSE, windowMs } }), state, p);
		await answer(
			request('A'),
			config({ reuse: { ...REUSE, scope: 'cred-b', windowMs } }),
			state,
			p,
		);
		await answer(
			request('A'),
			config({ reuse: { ...REUSE, scope: 'cred-b', executionId: 'exec-1', windowMs } }),
			state,
			p,
		);
		expect(calls).toHaveLength(2);
	});
});

describe('the tier rule and the options', () => {
	it('reuses an answer of a higher tier for an item that needs less, never a lower one for an item that needs more', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		const low = await answer(request('A', 'low'), config(), state, p);
		const high = await answer(request('A', 'high'), config(), state, p);
		expect([low.model, high.model, high.reused]).toEqual(['phi3:mini', 'qwen2.5:7b', undefined]);
		const medium = await answer(request('A', 'medium'), config(), state, p);
		expect(medium).toMatchObject({
			model: 'qwen2.5:7b',
			tier: 'high',
			reused: { model: 'qwen2.5:7b', kind: 'this execution' },
		});
		expect(calls.map((c) => c.model)).toEqual(['phi3:mini', 'qwen2.5:7b']);
	});

	it('takes the model’s tier as configured now: a model moved down is no longer good enough', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		await answer(request('A', 'high'), config(), state, p);
		const demoted = [
			model('phi3:mini', 'low'),
			model('llama3.2:3b', 'medium'),
			model('qwen2.5:7b', 'medium'),
			model('big:70b', 'high'),
		];
		const r = await answer(request('A', 'high'), config({ models: demoted }), state, p);
		expect([r.model, r.reused]).toEqual(['big:70b', undefined]);
		expect(calls).toHaveLength(2);
	});

	it('calls again when the model’s answer-changing options differ, not when only keep-alive or the timeout do', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		const withOptions = (options: ModelSpec['options']) => [
			model('phi3:mini', 'low', options),
			...MODELS.slice(1),
		];
		await answer(request('A'), config({ models: withOptions({ temperature: 0.2 }) }), state, p);
		await answer(
			request('A'),
			config({ models: withOptions({ temperature: 0.2, keep_alive: '1h', timeoutMs: 999 }) }),
			state,
			p,
		);
		expect(calls).toHaveLength(1);
		await answer(request('A'), config({ models: withOptions({ temperature: 0.9 }) }), state, p);
		await answer(
			request('A'),
			config({ models: withOptions({ temperature: 0.2, num_ctx: 4096 }) }),
			state,
			p,
		);
		expect(calls).toHaveLength(3);
	});

	it('the `think` the plan sends is part of the options: another effort calls again; a reuse keeps the thinking text', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		const think = (setting: boolean | 'low' | 'high') => ({
			'phi3:mini': {
				think: setting,
				effort: setting === true ? ('on' as const) : setting === false ? ('off' as const) : setting,
				reason: 'test',
			},
		});
		const first = await answer(request('A'), config(), state, p, think('high'));
		expect(first.thinking).toMatchObject({ think: 'high', text: 'thought (high) about A' });
		const again = await answer(request('A'), config(), state, p, think('high'));
		expect(again.reused?.kind).toBe('this execution');
		expect(again.thinking).toEqual(first.thinking);
		const off = await answer(request('A'), config(), state, p, think(false));
		const low = await answer(request('A'), config(), state, p, think('low'));
		expect([off.reused, low.reused]).toEqual([undefined, undefined]);
		expect(calls.map((c) => c.think)).toEqual(['high', false, 'low']);
	});

	it('a rule that forces a model takes only that model’s answer', async () => {
		const { ollama, calls } = echoOllama();
		const p = ports(ollama);
		await answer(request('A', 'high'), config(), state, p); // qwen2.5:7b answered
		const rules: Rule[] = [
			{
				name: 'to llama',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: { useModel: 'llama3.2:3b' },
			},
		];
		const r = await answer(request('A', 'auto'), config({ rules }), state, p);
		expect([r.model, r.reused]).toEqual(['llama3.2:3b', undefined]);
		expect(calls.map((c) => c.model)).toEqual(['qwen2.5:7b', 'llama3.2:3b']);
	});
});

describe('what is never stored', () => {
	it('a failed item stores nothing: the next identical item calls again', async () => {
		let failing = true;
		const { ollama, calls } = echoOllama({
			fail: () => (failing ? new TransportError('http_5xx', 'HTTP 500') : undefined),
		});
		const p = ports(ollama);
		await expect(answer(request('A'), config(), state, p)).rejects.toMatchObject({
			code: 'ALL_CANDIDATES_FAILED',
		});
		expect(state.reuse.stats().entries).toBe(0);
		failing = false;
		const ok = await answer(request('A'), config(), state, p);
		expect(ok.reused).toBeUndefined();
		expect(calls.length).toBeGreaterThan(3);
		expect(state.reuse.stats().entries).toBe(1);
	});

	it('an answer cut off at the token limit (done reason "length") is not stored', async () => {
		const { ollama, calls } = echoOllama({ doneReason: 'length' });
		const p = ports(ollama);
		await answer(request('A'), config(), state, p);
		const second = await answer(request('A'), config(), state, p);
		expect(second.reused).toBeUndefined();
		expect(calls).toHaveLength(2);
		expect(state.reuse.stats().entries).toBe(0);
	});
});

describe('identical calls in flight', () => {
	it('N concurrent identical items make one model call and get N answers', async () => {
		const { ollama, calls, release, held } = echoOllama({ hold: true });
		const p = ports(ollama);
		const n = 8;
		const running = Array.from({ length: n }, () => answer(request('A'), config(), state, p));
		while (held.length < 1) await new Promise((r) => setImmediate(r));
		for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
		expect(calls).toHaveLength(1);
		release();
		const results = await Promise.all(running);
		expect(calls).toHaveLength(1);
		expect(results.map((r) => r.response)).toEqual(Array(n).fill('[phi3:mini] A'));
		expect(results.filter((r) => r.reused?.kind === 'in flight')).toHaveLength(n - 1);
		expect(state.reuse.stats()).toMatchObject({ hits: n - 1, misses: 1, inFlight: 0 });
	});

	it('shares in flight across executions even with Reuse Answers off, never across credentials', async () => {
		const { ollama, calls, release, held } = echoOllama({ hold: true });
		const p = ports(ollama);
		const a = answer(request('A'), config(), state, p);
		while (held.length < 1) await new Promise((r) => setImmediate(r));
		const b = answer(
			request('A'),
			config({ reuse: { ...REUSE, executionId: 'exec-2' } }),
			state,
			p,
		);
		const c = answer(request('A'), config({ reuse: { ...REUSE, scope: 'cred-b' } }), state, p);
		while (held.length < 2) await new Promise((r) => setImmediate(r));
		release();
		const [ra, rb, rc] = await Promise.all([a, b, c]);
		expect(calls).toHaveLength(2);
		expect([ra.reused?.kind, rb.reused?.kind, rc.reused?.kind]).toEqual([
			undefined,
			'in flight',
			undefined,
		]);
	});

	it('when the shared call fails, each waiting item makes its own call (errors are not shared)', async () => {
		let n = 0;
		const { ollama, calls, release, held } = echoOllama({
			hold: true,
			fail: () => (++n === 1 ? new TransportError('http_5xx', 'HTTP 500') : undefined),
		});
		const p = ports(ollama);
		const one = config({ models: [MODELS[0]] }); // no fallback: the first item fails
		const first = answer(request('A'), one, state, p);
		const second = answer(request('A'), one, state, p);
		while (held.length < 1) await new Promise((r) => setImmediate(r));
		release();
		await expect(first).rejects.toBeInstanceOf(DispatcherError);
		while (held.length < 1) await new Promise((r) => setImmediate(r));
		release();
		const r2 = await second;
		expect(r2.reused).toBeUndefined();
		expect(r2.response).toBe('[phi3:mini] A');
		expect(calls).toHaveLength(2);
	});

	it('a waiting item whose execution is stopped ends at once with ABORTED', async () => {
		const { ollama, release, held } = echoOllama({ hold: true });
		const stop = new AbortController();
		const first = answer(request('A'), config(), state, ports(ollama));
		while (held.length < 1) await new Promise((r) => setImmediate(r));
		const waiting = answer(
			request('A'),
			config(),
			state,
			ports(ollama, undefined, { cancel: stop.signal }),
		);
		await new Promise((r) => setImmediate(r));
		stop.abort();
		await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
		release();
		await expect(first).resolves.toMatchObject({ response: '[phi3:mini] A' });
	});
});
