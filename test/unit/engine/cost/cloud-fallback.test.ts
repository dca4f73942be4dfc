/** Local first, cloud when needed: the engine's one path (planItem → runPlan) with a priced model beside local ones. */
import {
	callCostPico,
	picoToDecimal,
	type Price,
} from '../../../../nodes/AiDispatcher/engine/cost/price';
import type { CostConfig } from '../../../../nodes/AiDispatcher/engine/cost/gate';
import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { DispatcherError, TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import type { GenerateCall, OllamaPort } from '../../../../nodes/AiDispatcher/engine/ports';
import type { Rule } from '../../../../nodes/AiDispatcher/engine/rules/types';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../../nodes/AiDispatcher/engine/state';
import type {
	DispatchRequest,
	FailureKind,
	ModelSpec,
	Tier,
} from '../../../../nodes/AiDispatcher/engine/types';
import { fakePorts } from '../../../support/fakes';

const OLLAMA = 'http://ollama:11434';
const CLOUD = 'https://cloud.example/v1';
const price: Price = { inputMicrosPerMTok: 150_000, outputMicrosPerMTok: 600_000, currency: 'EUR' };
const local = (name: string, tier: Tier): ModelSpec => ({ name, tier, tasks: [], options: {} });
const cloud = (name: string, tier: Tier, p: Price = price): ModelSpec => ({
	name,
	tier,
	tasks: [],
	options: {},
	backend: { kind: 'openai', baseUrl: CLOUD, price: p },
});

const cost = (extra: Partial<CostConfig> = {}): CostConfig => ({
	scope: { credential: 'cloud-cred', executionId: 'exec-1' },
	budgets: {},
	currency: 'EUR',
	...extra,
});
const config = (extra: Partial<DispatchConfig> = {}): DispatchConfig => ({
	baseUrls: [OLLAMA],
	models: [local('phi3:mini', 'low'), cloud('gpt-cloud', 'low'), local('llama3.2:3b', 'medium')],
	timeoutsMs: DEFAULT_TIMEOUTS_MS,
	resilience: { retry: { maxRetries: 0 } },
	cost: cost(),
	...extra,
});
const request = (prompt = 'Summarize: lunch moved to 1pm'): DispatchRequest => ({
	prompt,
	task: 'auto',
	complexity: 'auto',
	format: { type: 'text' },
});

/** A model port where local models fail with `localFailure` (or answer) and the cloud answers with fixed usage. */
function backends(localFailure?: FailureKind, cloudFailure?: () => TransportError | undefined) {
	const calls: GenerateCall[] = [];
	const port: OllamaPort = {
		async generate(call) {
			calls.push(call);
			if (call.baseUrl === CLOUD) {
				const failure = cloudFailure?.();
				if (failure) throw failure;
				return {
					text: `cloud says hi`,
					usage: {
						prompt_tokens: 15,
						completion_tokens: 7,
						total_ms: 0,
						load_ms: 0,
						tokens_per_s: 0,
					},
				};
			}
			if (localFailure) throw new TransportError(localFailure, `local ${localFailure}`);
			return {
				text: `local ${call.model}`,
				usage: {
					prompt_tokens: 15,
					completion_tokens: 7,
					total_ms: 10,
					load_ms: 0,
					tokens_per_s: 100,
				},
			};
		},
		tags: async () => [],
		ps: async () => [],
		version: async () => '0.9.0',
		ping: async (baseUrl) => {
			if (baseUrl === OLLAMA && localFailure === 'connection')
				throw new TransportError('connection', 'ECONNREFUSED');
		},
	};
	return { port, calls, cloudCalls: () => calls.filter((c) => c.baseUrl === CLOUD).length };
}

let state: DispatcherState;
beforeEach(() => {
	state = createDispatcherState();
});

describe('local first', () => {
	it('local healthy: the priced model is never called; the reason says it is the last resort; cost 0 in the prices currency', async () => {
		const b = backends();
		for (let i = 0; i < 5; i++) {
			const result = await dispatch(request(), config(), state, fakePorts(b.port));
			expect(result.model).toBe('phi3:mini');
			expect(result.decision.reason).toContain(
				'local first: gpt-cloud only if every local model fails',
			);
			expect(result.decision.alternatives.at(-1)).toBe('gpt-cloud');
			expect(result.cost).toEqual({
				currency: 'EUR',
				inputTokens: 15,
				outputTokens: 7,
				amount: '0',
				priced: false,
			});
		}
		expect(b.cloudCalls()).toBe(0);
	});

	it('every local model down: the cloud answers, the cost is tokens × price exactly, the reason says why', async () => {
		const b = backends('connection');
		const result = await dispatch(request(), config(), state, fakePorts(b.port));
		expect(result.model).toBe('gpt-cloud');
		expect(result.host).toBe(CLOUD);
		expect(result.cost).toEqual({
			currency: 'EUR',
			inputTokens: 15,
			outputTokens: 7,
			amount: picoToDecimal(callCostPico(price, 15, 7)),
			priced: true,
		});
		expect(result.cost?.amount).toBe('0.00000645');
		expect(result.decision.reason).toMatch(
			/cloud used: phi3:mini: connection, llama3\.2:3b: connection/,
		);
		expect(
			state.costs.report({ credential: 'cloud-cred', executionId: 'exec-1', nowMs: Date.now() })
				.execution.byModel,
		).toEqual({ 'gpt-cloud': '0.00000645' });
	});

	it('Priced Models: Ordinary Candidates keeps the ranking (the cloud model of the tier can be first)', async () => {
		const b = backends();
		const result = await dispatch(
			request(),
			config({
				models: [cloud('gpt-cloud', 'low'), local('phi3:mini', 'low')],
				cost: cost({ pricedAsCandidates: true }),
			}),
			state,
			fakePorts(b.port),
		);
		expect(result.model).toBe('gpt-cloud');
		expect(result.decision.reason).toContain('priced models are ordinary candidates');
	});

	it('a rule that sends the item to the priced model keeps it first', async () => {
		const b = backends();
		const rules: Rule[] = [
			{
				name: 'P1 to cloud',
				condition: { fact: 'text', operator: 'contains', value: 'P1' },
				action: { useModel: 'gpt-cloud' },
			},
		];
		const result = await dispatch(
			request('P1: the site is down'),
			config({ rules }),
			state,
			fakePorts(b.port),
		);
		expect(result.model).toBe('gpt-cloud');
		expect(result.decision.reason).toContain(
			'cloud: rule "P1 to cloud" sends the item to gpt-cloud',
		);
		expect(b.calls.map((c) => c.model)).toEqual(['gpt-cloud']);
	});
});

describe('budgets', () => {
	it('a budget for N calls: exactly N priced calls, the others fail naming the budget, its limit and the spend', async () => {
		const b = backends('connection');
		const perCall = callCostPico(price, 15, 7);
		const budgeted = config({ cost: cost({ budgets: { perExecutionPico: 4n * perCall } }) });
		const outcomes: Array<'answered' | string> = [];
		for (let i = 0; i < 12; i++) {
			const result = await dispatch(request(), budgeted, state, fakePorts(b.port)).then(
				(r) => (r.model === 'gpt-cloud' ? 'answered' : 'other'),
				(e: unknown) => (e instanceof DispatcherError ? `${e.code}: ${e.message}` : String(e)),
			);
			outcomes.push(result);
		}
		expect(b.cloudCalls()).toBe(4);
		expect(outcomes.filter((o) => o === 'answered')).toHaveLength(4);
		const failed = outcomes.filter((o) => o !== 'answered');
		expect(failed).toHaveLength(8);
		for (const text of failed) {
			expect(text).toMatch(
				/^BUDGET_EXCEEDED: gpt-cloud not called: Budget per Execution of 0\.0000258 EUR would be exceeded \(spent 0\.0000258 EUR/,
			);
			expect(text).toMatch(/before that: phi3:mini: (ECONNREFUSED|circuit open)/);
		}
	});

	it('a budget for N calls holds with items in flight at once (no Max Tokens): exactly N priced calls, the first call of the model learns its size', async () => {
		const b = backends('connection');
		let inFlight = 0;
		let most = 0;
		const slow: OllamaPort = {
			...b.port,
			async generate(call) {
				inFlight += call.baseUrl === CLOUD ? 1 : 0;
				most = Math.max(most, inFlight);
				for (let t = 0; t < 5; t++) await new Promise((r) => setImmediate(r)); // the other items reach the gate meanwhile
				try {
					return await b.port.generate(call);
				} finally {
					inFlight -= call.baseUrl === CLOUD ? 1 : 0;
				}
			},
		};
		const perCall = callCostPico(price, 15, 7);
		const budgeted = config({ cost: cost({ budgets: { perExecutionPico: 4n * perCall } }) });
		const outcomes = await Promise.all(
			Array.from({ length: 12 }, async () =>
				dispatch(request(), budgeted, state, fakePorts(slow)).then(
					(r) => (r.model === 'gpt-cloud' ? 'answered' : 'other'),
					(e: unknown) => (e instanceof DispatcherError ? e.code : String(e)),
				),
			),
		);
		// The prompt alone is estimated far below a real call: without the learning call all 12 would fit the budget.
		expect(b.cloudCalls()).toBe(4);
		expect(outcomes.filter((o) => o === 'answered')).toHaveLength(4);
		expect(outcomes.filter((o) => o === 'BUDGET_EXCEEDED')).toHaveLength(8);
		expect(most).toBeGreaterThan(1); // after the first call settled, the others ran at once
	});

	it('a learning call that fails hands over to the next call of the model (no item waits forever)', async () => {
		let failFirst = true;
		const b = backends('connection', () => {
			if (!failFirst) return undefined;
			failFirst = false;
			return new TransportError('http_5xx', 'upstream 502');
		});
		const perCall = callCostPico(price, 15, 7);
		const budgeted = config({ cost: cost({ budgets: { perExecutionPico: 2n * perCall } }) });
		const outcomes = await Promise.all(
			Array.from({ length: 5 }, async () =>
				dispatch(request(), budgeted, state, fakePorts(b.port)).then(
					(r) => r.model,
					(e: unknown) => (e instanceof DispatcherError ? e.code : String(e)),
				),
			),
		);
		expect(outcomes.filter((o) => o === 'gpt-cloud')).toHaveLength(2);
		expect(b.cloudCalls()).toBe(3); // the failed call and the two the budget covers
	});

	it('the day budget counts across executions of the same credential', async () => {
		const b = backends('connection');
		const perCall = callCostPico(price, 15, 7);
		const run = (executionId: string) =>
			dispatch(
				request(),
				config({
					cost: cost({
						scope: { credential: 'cloud-cred', executionId },
						budgets: { perDayPico: 2n * perCall },
					}),
				}),
				state,
				fakePorts(b.port),
			);
		await run('a');
		await run('b');
		await expect(run('c')).rejects.toThrow(/Budget per Day of 0\.0000129 EUR/);
		expect(b.cloudCalls()).toBe(2);
	});
});

describe('endpoint errors in the fallback', () => {
	it('401/403 (auth) is never retried: one call, then the next candidate', async () => {
		const b = backends(
			undefined,
			() =>
				new TransportError(
					'auth',
					"HTTP 401: bad key — the OpenAI-Compatible Endpoint API credential's API key was refused",
					401,
				),
		);
		const models = [cloud('gpt-cloud', 'low'), local('phi3:mini', 'low')];
		const result = await dispatch(
			request(),
			config({
				models,
				resilience: { retry: { maxRetries: 3 } },
				cost: cost({ pricedAsCandidates: true }),
			}),
			state,
			fakePorts(b.port),
		);
		expect(result.model).toBe('phi3:mini');
		expect(b.cloudCalls()).toBe(1);
		expect(result.attempts[0]).toMatchObject({ model: 'gpt-cloud', kind: 'auth' });
	});

	it('context_length moves to the next model without a retry', async () => {
		const b = backends(
			undefined,
			() => new TransportError('context_length', 'HTTP 400 context_length_exceeded: too long', 400),
		);
		const models = [cloud('gpt-cloud', 'low'), local('phi3:mini', 'low')];
		const result = await dispatch(
			request(),
			config({
				models,
				resilience: { retry: { maxRetries: 3 } },
				cost: cost({ pricedAsCandidates: true }),
			}),
			state,
			fakePorts(b.port),
		);
		expect(result.model).toBe('phi3:mini');
		expect(b.cloudCalls()).toBe(1);
	});

	it('429 with Retry-After within the call limit: waits that long, then retries', async () => {
		let n = 0;
		const b = backends('connection', () =>
			n++ === 0 ? new TransportError('rate_limited', 'HTTP 429', 429, 1_500) : undefined,
		);
		const slept: number[] = [];
		const result = await dispatch(
			request(),
			config({ resilience: { retry: { maxRetries: 2 } } }),
			state,
			fakePorts(b.port, { sleep: async (ms) => void slept.push(ms) }),
		);
		expect(result.model).toBe('gpt-cloud');
		expect(b.cloudCalls()).toBe(2);
		expect(slept).toContain(1_500);
		expect(result.attempts.find((a) => a.kind === 'rate_limited')).toMatchObject({
			retryAfterMs: 1_500,
		});
	});

	it('429 with a Retry-After beyond the call limit: no wait, the item fails over at once', async () => {
		const b = backends(
			'connection',
			() => new TransportError('rate_limited', 'HTTP 429', 429, 3_600_000),
		);
		const slept: number[] = [];
		const error = (await dispatch(
			request(),
			config({ resilience: { retry: { maxRetries: 2 } } }),
			state,
			fakePorts(b.port, { sleep: async (ms) => void slept.push(ms) }),
		).catch((e: unknown) => e)) as { message: string; details?: string };
		// The headline names the cause in words; the raw reply is in the details.
		expect(error.message).toMatch(/gpt-cloud busy/);
		expect(error.details).toMatch(/gpt-cloud \(\d+ ms\): HTTP 429/);
		expect(slept).not.toContain(3_600_000);
		expect(b.cloudCalls()).toBe(1);
	});
});

describe('context length', () => {
	it('after context_length_exceeded, models with no larger context are skipped; a larger one answers', async () => {
		const b = backends(
			undefined,
			() => new TransportError('context_length', 'HTTP 400 context_length_exceeded: too long', 400),
		);
		const withCtx = (m: ModelSpec, numCtx: number): ModelSpec => ({
			...m,
			options: { num_ctx: numCtx },
		});
		const models = [
			withCtx(cloud('gpt-cloud', 'low'), 8192),
			withCtx(local('phi3:mini', 'low'), 4096),
			withCtx(local('llama3.2:3b', 'low'), 32768),
		];
		const result = await dispatch(
			request(),
			config({ models, cost: cost({ pricedAsCandidates: true }) }),
			state,
			fakePorts(b.port),
		);
		expect(result.model).toBe('llama3.2:3b');
		expect(result.attempts.map((a) => [a.model, a.kind ?? 'ok'])).toEqual([
			['gpt-cloud', 'context_length'],
			['phi3:mini', 'context_length'],
			['llama3.2:3b', 'ok'],
		]);
		expect(result.attempts[1].error).toContain("no larger than gpt-cloud's (8192)");
		expect(b.calls.map((c) => c.model)).toEqual(['gpt-cloud', 'llama3.2:3b']);
	});
});

describe('a free OpenAI-compatible server as an ordinary local host', () => {
	it('a model of the endpoint without a price is not held back by local first, and costs 0', async () => {
		const free = { inputMicrosPerMTok: 0, outputMicrosPerMTok: 0, currency: 'EUR' };
		const b = backends();
		const result = await dispatch(
			request(),
			config({ models: [cloud('vllm-local', 'low', free), local('phi3:mini', 'low')] }),
			state,
			fakePorts(b.port),
		);
		expect(result.model).toBe('vllm-local');
		expect(result.host).toBe(CLOUD);
		expect(result.decision.reason).not.toContain('local first');
		expect(result.cost).toMatchObject({ amount: '0', priced: false });
	});
});

describe('endpoint models of unknown price (Auto-Discover)', () => {
	const discovered = (name: string): ModelSpec => ({
		name,
		tier: 'high',
		tasks: [],
		options: {},
		backend: { kind: 'openai', baseUrl: CLOUD, priceUnknown: true },
	});
	const models = [
		discovered('gpt-found'),
		local('phi3:mini', 'low'),
		local('llama3.2:3b', 'medium'),
	];

	it('local healthy: never called, even with Priced Models: Ordinary Candidates; tried last; cost 0, not priced', async () => {
		const b = backends();
		for (const pricedAsCandidates of [false, true]) {
			const result = await dispatch(
				request('Write a detailed architecture review of our payment system with trade-offs'),
				config({ models, cost: cost({ pricedAsCandidates }) }),
				state,
				fakePorts(b.port),
			);
			expect(result.model).not.toBe('gpt-found');
			expect(result.decision.alternatives.at(-1)).toBe('gpt-found');
			expect(result.decision.reason).toContain(
				'endpoint models of unknown price last: gpt-found only if every other model fails',
			);
			expect(result.cost).toMatchObject({ priced: false, amount: '0' });
		}
		expect(b.cloudCalls()).toBe(0);
	});

	it('a rule that names it does not put it ahead of local models', async () => {
		const b = backends();
		const rules: Rule[] = [
			{
				name: 'P1 to found',
				condition: { fact: 'text', operator: 'contains', value: 'P1' },
				action: { useModel: 'gpt-found' },
			},
		];
		const result = await dispatch(
			request('P1: the site is down'),
			config({ models, rules }),
			state,
			fakePorts(b.port),
		);
		expect(result.model).not.toBe('gpt-found');
		expect(b.cloudCalls()).toBe(0);
	});

	it('every local model down: it answers, at cost 0 marked not priced (no price is known)', async () => {
		const b = backends('connection');
		const result = await dispatch(request(), config({ models }), state, fakePorts(b.port));
		expect(result.model).toBe('gpt-found');
		expect(result.host).toBe(CLOUD);
		expect(result.cost).toEqual({
			currency: 'EUR',
			inputTokens: 15,
			outputTokens: 7,
			amount: '0',
			priced: false,
		});
	});
});
