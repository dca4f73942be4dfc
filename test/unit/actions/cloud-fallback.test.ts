/**
 * The node with an OpenAI-compatible endpoint beside Ollama, through its real `execute`: local first,
 * the cloud when local models are down, cost on every item, budgets under Continue On Fail, and the
 * API key in no output, error or log.
 */
import { callCostPico } from '../../../nodes/AiDispatcher/engine/cost/price';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { closedPort } from '../../support/loopback';
import { runNode } from '../../support/node-run';
import {
	simTokens,
	startOllamaSimulator,
	startOpenAiSimulator,
	type OllamaSimulator,
	type OpenAiSimulator,
} from '../../support/simulator';

const CANARY = 'sk-canary-1d9c7e55-never-print-me';
let ollama: OllamaSimulator;
let cloud: OpenAiSimulator;

beforeAll(async () => {
	ollama = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
	cloud = await startOpenAiSimulator({ apiKey: CANARY });
});
afterAll(async () => {
	await ollama.close();
	await cloud.close();
});

const models = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{
			name: 'cloud-small',
			tier: 'low',
			backend: 'openai',
			inputPricePerMTok: 0.15,
			outputPricePerMTok: 0.6,
		},
		{ name: 'llama3.2:3b', tier: 'medium' },
	],
};
const PROMPTS = Array.from({ length: 6 }, (_, i) => `Summarize: lunch moved to ${i + 1}pm`);
const price = { inputMicrosPerMTok: 150_000, outputMicrosPerMTok: 600_000, currency: 'EUR' };

function run(
	baseUrl: string,
	extra: {
		cloud?: Record<string, unknown>;
		continueOnFail?: boolean;
		openAi?: Record<string, unknown>;
		state?: ReturnType<typeof createDispatcherState>;
	} = {},
) {
	return runNode({
		baseUrl,
		prompts: PROMPTS,
		state: extra.state ?? createDispatcherState(),
		continueOnFail: extra.continueOnFail,
		openAiCredentials: { baseUrl: cloud.url, apiKey: CANARY, currency: 'EUR', ...extra.openAi },
		params: {
			models,
			useOpenAiEndpoint: true,
			cloud: extra.cloud ?? {},
			simplifyOutput: true,
			options: { concurrency: 1 },
		},
	});
}

function expectNoKey(everything: unknown): void {
	expect(JSON.stringify(everything)).not.toContain(CANARY);
}

describe('AI Dispatcher with an OpenAI-compatible endpoint', () => {
	it('local healthy: 0 cloud calls, every item carries tokens and a zero cost', async () => {
		const before = cloud.stats().chatCalls['cloud-small'] ?? 0;
		const { result, ctx } = run(ollama.url);
		const [items] = await result;
		expect(items).toHaveLength(PROMPTS.length);
		for (const item of items) {
			expect(item.json.model).not.toBe('cloud-small');
			expect(item.json.cost).toMatchObject({
				amount: 0,
				amountExact: '0',
				currency: 'EUR',
				priced: false,
			});
			expect((item.json.cost as { outputTokens: number }).outputTokens).toBeGreaterThan(0);
			expect(item.json.reason).toContain(
				'local first: cloud-small only if every local model fails',
			);
		}
		expect((cloud.stats().chatCalls['cloud-small'] ?? 0) - before).toBe(0);
		expectNoKey([items, ctx.logs]);
	});

	it('local down: every item answered by the cloud, cost = tokens × price exactly, paired in order', async () => {
		const down = `http://127.0.0.1:${await closedPort()}`;
		const before = cloud.stats().chatCalls['cloud-small'] ?? 0;
		const { result, ctx } = run(down);
		const [items] = await result;
		expect(items.map((i) => i.pairedItem)).toEqual(PROMPTS.map((_, i) => ({ item: i })));
		expect(items[0].json.reason).toMatch(
			/cloud used: phi3:mini: connection, llama3\.2:3b: connection/,
		);
		for (const [i, item] of items.entries()) {
			expect(item.json.model).toBe('cloud-small');
			const c = item.json.cost as {
				inputTokens: number;
				outputTokens: number;
				amountExact: string;
				currency: string;
			};
			expect(c.inputTokens).toBe(simTokens(PROMPTS[i]));
			expect(c.outputTokens).toBe(simTokens('cloud answer from cloud-small: ok'));
			const exact = callCostPico(price, c.inputTokens, c.outputTokens);
			expect(
				BigInt(c.amountExact.replace('.', '').replace(/^0+/, '') || '0') *
					10n ** BigInt(12 - (c.amountExact.split('.')[1]?.length ?? 0)),
			).toBe(exact);
			expect(c.currency).toBe('EUR');
			// The first items find the local models down; once their breakers open, later ones skip them.
			expect(item.json.reason).toMatch(
				/cloud used: phi3:mini: connection|phi3:mini skipped: it failed repeatedly.*cloud: no local model is suitable, so cloud-small answers/,
			);
		}
		expect((cloud.stats().chatCalls['cloud-small'] ?? 0) - before).toBe(PROMPTS.length);
		expectNoKey([items, ctx.logs]);
	});

	it('a budget for 2 calls under Continue On Fail: exactly 2 cloud calls, 4 items with the budget error, none lost', async () => {
		const down = `http://127.0.0.1:${await closedPort()}`;
		const perCall = callCostPico(
			price,
			simTokens(PROMPTS[0]),
			simTokens('cloud answer from cloud-small: ok'),
		);
		const budget = Number(perCall * 2n) / 1e12;
		const before = cloud.stats().chatCalls['cloud-small'] ?? 0;
		const { result, ctx } = run(down, {
			cloud: { budgetPerExecution: budget },
			continueOnFail: true,
		});
		const [items] = await result;
		expect(items).toHaveLength(PROMPTS.length);
		expect((cloud.stats().chatCalls['cloud-small'] ?? 0) - before).toBe(2);
		const answered = items.filter((i) => i.json.model === 'cloud-small');
		const failed = items.filter((i) => i.json.error !== undefined);
		expect(answered).toHaveLength(2);
		expect(failed).toHaveLength(4);
		for (const item of failed)
			expect(String(item.json.error)).toMatch(
				/Budget per Execution of 0\.0000\d+ EUR would be exceeded \(spent 0\.0000\d+ EUR/,
			);
		expectNoKey([items, ctx.logs]);
	});

	it('a wrong key: the credential is named, never retried, the key not shown', async () => {
		const down = `http://127.0.0.1:${await closedPort()}`;
		const before = cloud.stats().unauthorized;
		const { result, ctx } = run(down, {
			continueOnFail: true,
			openAi: { apiKey: 'sk-wrong-canary-key' },
		});
		const [items] = await result;
		for (const item of items)
			expect(JSON.stringify(item.json)).toContain(
				"the OpenAI-Compatible Endpoint API credential's API key was refused",
			);
		// One call per item: a refused key is not retried (the default allows one retry of transient failures).
		expect(cloud.stats().unauthorized - before).toBe(PROMPTS.length);
		expect(JSON.stringify([items, ctx.logs])).not.toContain('sk-wrong-canary-key');
	});

	it('an API key for plain http on another machine is refused with a clear error, and nothing is sent', async () => {
		const { result } = run(ollama.url, {
			continueOnFail: true,
			openAi: { baseUrl: 'http://cloud.example.com/v1' },
		});
		const [items] = await result;
		expect(items).toHaveLength(PROMPTS.length);
		for (const item of items) {
			expect(String(item.json.error)).toContain(
				'OpenAI-Compatible Endpoint API › Base URL "http://cloud.example.com/v1" is plain http to another machine',
			);
			expectNoKey(item.json);
		}
	});

	it('…unless the credential allows it', async () => {
		const { result } = run(ollama.url, {
			openAi: { baseUrl: 'http://cloud.example.com/v1', allowInsecureHttp: true },
		});
		const [items] = await result;
		expect(items.every((i) => i.json.error === undefined)).toBe(true);
	});

	it('a cloud model without the endpoint switched on: the Backend field is named', async () => {
		const { result } = runNode({
			baseUrl: ollama.url,
			prompts: ['hi there'],
			continueOnFail: true,
			params: { models, simplifyOutput: true },
		});
		const [items] = await result;
		expect(String(items[0].json.error)).toContain('Backend');
		expect(String(items[0].json.error)).toContain('Use OpenAI-Compatible Endpoint is off');
	});
});

describe('Status with an OpenAI-compatible endpoint', () => {
	it('shows the spend per model for the day and the latest executions, exactly, without the key', async () => {
		const state = createDispatcherState();
		const down = `http://127.0.0.1:${await closedPort()}`;
		const [answered] = await run(down, { state }).result;
		const perItem = answered.map((i) => (i.json.cost as { amountExact: string }).amountExact);
		const { result } = runNode({
			baseUrl: ollama.url,
			prompts: ['-'],
			state,
			openAiCredentials: { baseUrl: cloud.url, apiKey: CANARY, currency: 'EUR' },
			params: { operation: 'status', useOpenAiEndpoint: true },
		});
		const [[status]] = await result;
		const cost = status.json.cost as {
			currency: string;
			today: { spent: string; calls: number; byModel: Record<string, string> };
			executions: Array<{ spent: string; byModel: Record<string, string> }>;
		};
		const total = perItem.reduce(
			(sum, amount) => sum + BigInt(Math.round(Number(amount) * 1e12)),
			0n,
		);
		expect(cost.currency).toBe('EUR');
		expect(cost.today.calls).toBe(PROMPTS.length);
		expect(cost.today.byModel).toEqual({ 'cloud-small': cost.today.spent });
		expect(BigInt(Math.round(Number(cost.today.spent) * 1e12))).toBe(total);
		expect(cost.executions[0].byModel['cloud-small']).toBe(cost.today.spent);
		expectNoKey(status.json);
	});
});

describe('the model dropdown with an OpenAI-compatible endpoint', () => {
	it("lists the endpoint's models after Ollama's, labelled with their backend", async () => {
		const { AiDispatcher } = await import('../../../nodes/AiDispatcher/AiDispatcher.node');
		const { createContext } = await import('../../support/n8n-context');
		const ctx = createContext({
			credentials: { baseUrl: ollama.url },
			openAiCredentials: { baseUrl: cloud.url, apiKey: CANARY },
			params: { useOpenAiEndpoint: true },
		});
		const options = await new AiDispatcher(
			createDispatcherState(),
		).methods.loadOptions.getModels.call(ctx.loadOptions);
		expect(options.map((o) => o.value)).toEqual([
			'llama3.2:3b',
			'phi3:mini',
			'qwen2.5:7b',
			'cloud-small',
			'cloud-large',
		]);
		expect(options[3].name).toBe('cloud-small (OpenAI-compatible endpoint)');
		expectNoKey(options);
	});
});

describe('Select Model with an OpenAI-compatible endpoint', () => {
	it("names the endpoint's URL as the base URL of a cloud model (the only low-tier model here)", async () => {
		const rules = { rule: [] };
		const select = (baseUrl: string) =>
			runNode({
				baseUrl,
				prompts: ['Summarize: lunch moved to 1pm'],
				state: createDispatcherState(),
				openAiCredentials: { baseUrl: cloud.url, apiKey: CANARY },
				params: {
					operation: 'selectModel',
					models: { model: [models.model[1], models.model[2]] },
					useOpenAiEndpoint: true,
					cloud: { pricedModels: 'candidate' },
					simplifyOutput: true,
					rules,
				},
			}).result;
		const [[chosen]] = await select(ollama.url);
		expect(chosen.json).toMatchObject({ model: 'cloud-small', baseUrl: cloud.url });
		expectNoKey(chosen.json);
	});
});

describe('the endpoint credential checks', () => {
	it('a Base URL with a user name or password is refused without showing them', async () => {
		const { result } = run(ollama.url, {
			continueOnFail: true,
			openAi: { baseUrl: 'https://me:s3cret-pass@cloud.example.com/v1' },
		});
		const [items] = await result;
		for (const item of items) {
			expect(String(item.json.error)).toContain(
				'Base URL holds a user name or password ("https://cloud.example.com/v1" without it)',
			);
			expect(JSON.stringify(item.json)).not.toContain('s3cret-pass');
		}
	});
});

describe('no Ollama request to the endpoint', () => {
	it("a batch with cloud items sends no Ollama request (ps, preload, release) to the endpoint's URL", async () => {
		const down = `http://127.0.0.1:${await closedPort()}`;
		const state = createDispatcherState();
		await run(down, { state }).result; // opens the local breakers: the next batch plans the cloud model first
		const { result, ctx } = run(down, { state });
		const [items] = await result;
		expect(
			items.every(
				(i) =>
					i.json.model === 'cloud-small' &&
					/cloud: no local model is suitable/.test(String(i.json.reason)),
			),
		).toBe(true);
		const toEndpoint = ctx.requests.filter((r) => r.url.startsWith(cloud.url));
		expect(toEndpoint.length).toBeGreaterThan(0);
		for (const r of toEndpoint) expect(r.url).toBe(`${cloud.url}/chat/completions`);
	});
});

describe('Auto-Discover with an OpenAI-compatible endpoint', () => {
	const discover = (baseUrl: string) =>
		runNode({
			baseUrl,
			prompts: PROMPTS.slice(0, 3),
			state: createDispatcherState(),
			openAiCredentials: { baseUrl: cloud.url, apiKey: CANARY, currency: 'EUR' },
			params: {
				modelSource: 'auto',
				useOpenAiEndpoint: true,
				cloud: {},
				simplifyOutput: false,
				options: { concurrency: 1 },
			},
		});

	it("lists the endpoint's models (GET /models) as candidates of unknown price, after every Ollama model: local healthy → 0 endpoint calls", async () => {
		const before = cloud.stats();
		const { result, ctx } = discover(ollama.url);
		const [items] = await result;
		expect(cloud.stats().modelListCalls - before.modelListCalls).toBeGreaterThanOrEqual(1);
		for (const item of items) {
			const decision = item.json as { model: string; alternatives?: string[]; reason: string };
			expect(['cloud-small', 'cloud-large']).not.toContain(decision.model);
			expect(JSON.stringify(item.json)).toContain('cloud-large');
			expect(decision.reason).toMatch(
				/endpoint models of unknown price last: cloud-small, cloud-large|endpoint models of unknown price last: cloud-large, cloud-small/,
			);
		}
		const chats = (stats: ReturnType<typeof cloud.stats>) =>
			Object.values(stats.chatCalls).reduce((a, b) => a + b, 0);
		expect(chats(cloud.stats()) - chats(before)).toBe(0);
		expectNoKey([items, ctx.logs]);
	});

	it('Ollama down: the discovered endpoint models answer, at cost 0 marked not priced', async () => {
		const { result, ctx } = discover(`http://127.0.0.1:${await closedPort()}`);
		const [items] = await result;
		expect(items).toHaveLength(3);
		for (const item of items) {
			expect(['cloud-small', 'cloud-large']).toContain(item.json.model);
			expect(item.json.cost).toMatchObject({ amount: 0, amountExact: '0', priced: false });
		}
		expectNoKey([items, ctx.logs]);
	});
});
