/**
 * End to end: local first, cloud when needed, on a real n8n with the packed package. The Ollama
 * simulator is the local box; the OpenAI-compatible simulator (`/v1`, SSE, usage chunk, Bearer key)
 * is a priced "cloud" beside it, reached through the OpenAI-Compatible Endpoint API credential.
 *
 *  1. local healthy → 30/30 answered locally, 0 cloud calls;
 *  2. local down → 30/30 answered by the cloud, each item's cost = tokens × price exactly;
 *  3. a Budget per Execution covering N calls → exactly N cloud calls, the other items failing with
 *     the budget error under Continue On Fail, none lost;
 *  4. 429 with Retry-After from the cloud: waited, retried, every item answered;
 *  5. an AI Agent with the AI Dispatcher Chat Model (examples/jira-triage-agent.json), local models
 *     down: every question answered by the cloud model through the tool loop (OpenAI function calls);
 *  and the canary API key in no output or log. Needs `npm run build` first.
 */
import { callCostPico, picoToDecimal } from '../../nodes/AiDispatcher/engine/cost/price';
import { readExample, startN8nWithSimulator } from '../support/e2e-run';
import { closedPort } from '../support/loopback';
import {
	nodeOutput,
	pairedIndex,
	runError,
	type ExecuteResult,
	type N8nInstance,
	type N8nItem,
} from '../support/n8n-harness';
import {
	simTokens,
	startOpenAiSimulator,
	type OllamaSimulator,
	type OpenAiSimulator,
} from '../support/simulator';
import { triggeredWorkflow } from '../support/workflow';

const CANARY = 'sk-canary-e2e-5b0f1c2d9a7e-must-not-leak';
const ITEMS = 30;
const PROMPTS = Array.from(
	{ length: ITEMS },
	(_, i) => `Summarize: note ${i + 1} says lunch moved`,
);
const REPLY = 'cloud answer from cloud-small: ok';
const PRICE = { inputMicrosPerMTok: 500_000, outputMicrosPerMTok: 1_500_000, currency: 'USD' }; // 0.5 / 1.5 per MTok
const BUDGET_CALLS = 7;

const MODELS = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{
			name: 'cloud-small',
			tier: 'low',
			backend: 'openai',
			inputPricePerMTok: 0.5,
			outputPricePerMTok: 1.5,
		},
		{ name: 'llama3.2:3b', tier: 'medium' },
	],
};

function workflow(
	id: string,
	ollamaCredential: string,
	cloud: Record<string, unknown> = {},
	onError?: string,
): Record<string, unknown> {
	return triggeredWorkflow({
		id,
		itemsName: 'Notes',
		jsCode: `return ${JSON.stringify(PROMPTS)}.map((prompt) => ({ json: { prompt } }));`,
		node: {
			name: 'AI Dispatcher',
			type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
			typeVersion: 1,
			...(onError ? { onError } : {}),
			parameters: {
				operation: 'generate',
				prompt: '={{ $json.prompt }}',
				modelSource: 'list',
				models: MODELS,
				useOpenAiEndpoint: true,
				cloud,
				options: { concurrency: 1, analyser: 'heuristic' },
			},
			credentials: {
				aiDispatcherApi: { id: ollamaCredential, name: ollamaCredential },
				aiDispatcherOpenAiApi: { id: 'cloudCred1', name: 'Cloud' },
			},
		},
	});
}

/** examples/jira-triage-agent.json with its chat model's local models down and a priced cloud model beside them. */
function agentWorkflow(): Record<string, unknown> {
	const wf = readExample<{
		id: string;
		name: string;
		nodes: Array<{
			name: string;
			parameters: Record<string, unknown>;
			credentials?: Record<string, unknown>;
		}>;
	}>('jira-triage-agent.json');
	wf.id = 'cloudAgent';
	wf.name = 'cloudAgent';
	const chat = wf.nodes.find((n) => n.name === 'AI Dispatcher Chat Model');
	if (!chat) throw new Error('examples/jira-triage-agent.json has no AI Dispatcher Chat Model');
	chat.parameters = {
		...chat.parameters,
		models: {
			model: [
				...MODELS.model,
				{
					name: 'cloud-large',
					tier: 'high',
					backend: 'openai',
					inputPricePerMTok: 2,
					outputPricePerMTok: 8,
				},
			],
		},
		useOpenAiEndpoint: true,
		cloud: {},
	};
	chat.credentials = {
		aiDispatcherApi: { id: 'ollamaDown', name: 'ollamaDown' },
		aiDispatcherOpenAiApi: { id: 'cloudCred1', name: 'Cloud' },
	};
	return wf as unknown as Record<string, unknown>;
}

describe('cloud fallback on n8n: local first, priced cloud when needed, budgets that hold', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	let cloud: OpenAiSimulator;
	const logs: string[] = [];
	const figures: string[] = [];

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator({ timeScale: 0.002, numParallel: 2 }));
		cloud = await startOpenAiSimulator({ apiKey: CANARY });
		const down = `http://127.0.0.1:${await closedPort()}`;
		await n8n.importCredentials([
			{
				id: 'ollamaUp',
				name: 'ollamaUp',
				type: 'aiDispatcherApi',
				data: { baseUrl: sim.url, apiKey: '' },
			},
			{
				id: 'ollamaDown',
				name: 'ollamaDown',
				type: 'aiDispatcherApi',
				data: { baseUrl: down, apiKey: '' },
			},
			{
				id: 'cloudCred1',
				name: 'Cloud',
				type: 'aiDispatcherOpenAiApi',
				data: { baseUrl: cloud.url, apiKey: CANARY, currency: 'USD', allowInsecureHttp: false },
			},
		]);
		const perCall = Number(callCostPico(PRICE, simTokens(PROMPTS[0]), simTokens(REPLY))) / 1e12;
		await n8n.importWorkflow([
			workflow('cloudHealthy', 'ollamaUp'),
			workflow('cloudDown', 'ollamaDown'),
			workflow(
				'cloudBudget',
				'ollamaDown',
				{ budgetPerExecution: Number((perCall * BUDGET_CALLS).toPrecision(12)) },
				'continueRegularOutput',
			),
			agentWorkflow(),
		]);
	}, 300_000);

	afterAll(async () => {
		await cloud?.close();
		await sim?.close();
		await n8n?.cleanup();
		console.log(`[cloud-fallback e2e]\n  ${figures.join('\n  ')}`);
	});

	async function run(
		id: string,
	): Promise<{ items: N8nItem[]; res: ExecuteResult; cloudCalls: number }> {
		const before = cloud.stats().chatCalls['cloud-small'] ?? 0;
		const res = await n8n.execute(id, { timeoutMs: 120_000 });
		logs.push(res.stdout, res.stderr);
		expect(runError(res.run)).toBeUndefined();
		const items = nodeOutput(res.run, 'AI Dispatcher');
		expect(items).toHaveLength(ITEMS);
		expect(items.map(pairedIndex)).toEqual(PROMPTS.map((_, i) => i));
		return { items, res, cloudCalls: (cloud.stats().chatCalls['cloud-small'] ?? 0) - before };
	}

	it('local healthy: every item answered locally, 0 cloud calls, cost 0', async () => {
		const { items, cloudCalls } = await run('cloudHealthy');
		expect(cloudCalls).toBe(0);
		for (const item of items) {
			expect(item.json.model).not.toBe('cloud-small');
			expect(item.json.cost).toMatchObject({
				amount: 0,
				amountExact: '0',
				currency: 'USD',
				priced: false,
			});
			expect(String(item.json.reason)).toContain(
				'local first: cloud-small only if every local model fails',
			);
		}
		figures.push(
			`local healthy: ${items.length}/${ITEMS} answered locally, ${cloudCalls} cloud calls`,
		);
	}, 180_000);

	it('local down: 30/30 answered by the cloud, each cost = tokens × price exactly', async () => {
		const { items, cloudCalls } = await run('cloudDown');
		expect(cloudCalls).toBe(ITEMS);
		let total = 0n;
		for (const [i, item] of items.entries()) {
			expect(item.json.model).toBe('cloud-small');
			const cost = item.json.cost as {
				inputTokens: number;
				outputTokens: number;
				amountExact: string;
				currency: string;
				priced: boolean;
			};
			expect(cost.inputTokens).toBe(simTokens(PROMPTS[i]));
			expect(cost.outputTokens).toBe(simTokens(REPLY));
			const exact = callCostPico(PRICE, cost.inputTokens, cost.outputTokens);
			expect(cost.amountExact).toBe(picoToDecimal(exact));
			expect(cost).toMatchObject({ currency: 'USD', priced: true });
			total += exact;
		}
		figures.push(
			`local down: ${items.length}/${ITEMS} answered by the cloud, ${cloudCalls} cloud calls, total ${picoToDecimal(total)} USD (exact)`,
		);
	}, 180_000);

	it(`a budget for ${BUDGET_CALLS} calls: exactly ${BUDGET_CALLS} cloud calls, the rest fail with the budget error, 0 lost`, async () => {
		const { items, cloudCalls } = await run('cloudBudget');
		expect(cloudCalls).toBe(BUDGET_CALLS);
		const answered = items.filter((i) => i.json.model === 'cloud-small');
		const refused = items.filter((i) =>
			/Budget per Execution of [\d.]+ USD would be exceeded \(spent [\d.]+ USD/.test(
				String(i.json.error ?? ''),
			),
		);
		expect(answered).toHaveLength(BUDGET_CALLS);
		expect(refused).toHaveLength(ITEMS - BUDGET_CALLS);
		figures.push(
			`budget for ${BUDGET_CALLS} calls: ${cloudCalls} cloud calls, ${answered.length} answered, ${refused.length} budget errors, ${ITEMS - answered.length - refused.length} lost`,
		);
	}, 180_000);

	it('429 with Retry-After: the cloud call is retried (the wait itself: test/unit/engine/cost/cloud-fallback.test.ts), every item answered', async () => {
		cloud.setFault(
			{
				kind: 'status',
				status: 429,
				code: 'rate_limit_exceeded',
				message: 'Rate limit reached',
				retryAfterS: 1,
			},
			1,
		);
		const { items, cloudCalls } = await run('cloudDown');
		expect(cloudCalls).toBe(ITEMS + 1);
		expect(items.every((i) => i.json.model === 'cloud-small')).toBe(true);
		const limited = items.filter((i) =>
			/cloud-small failed after [\d.]+ s: rate_limited → cloud-small \(retry 1\) answered/.test(
				String(i.json.attemptsSummary),
			),
		);
		expect(limited).toHaveLength(1);
		figures.push(
			`429 with Retry-After 1 s: ${cloudCalls} cloud calls for ${ITEMS} items, ${items.length} answered; ${String(limited[0].json.attemptsSummary)}`,
		);
	}, 180_000);

	it('an AI Agent with the chat model: local models down, every question answered by the cloud through the tool', async () => {
		const before = cloud.stats().bodies.length;
		const res = await n8n.execute('cloudAgent', { timeoutMs: 120_000 });
		logs.push(res.stdout, res.stderr);
		expect(runError(res.run)).toBeUndefined();
		const answers = nodeOutput(res.run, 'Triage agent');
		expect(answers).toHaveLength(3);
		// The simulated cloud model quotes the tool's result (the ticket as JSON, escaped once more by n8n's tool wrapper).
		const tickets = [
			['OPS-4101', 'Open'],
			['OPS-4107', 'Blocked'],
			['OPS-4112', 'In Progress'],
		];
		for (const [i, answer] of answers.entries())
			expect(String(answer.json.output)).toMatch(
				new RegExp(`the tool said: .*${tickets[i][0]}.*status[^A-Za-z]+${tickets[i][1]}`),
			);
		const bodies = cloud.stats().bodies.slice(before) as Array<{
			tools?: Array<{ type: string; function: { name: string } }>;
			messages: Array<{ role: string }>;
		}>;
		expect(
			bodies.filter(
				(b) => b.tools?.[0]?.function.name === 'lookup_ticket' && b.tools[0].type === 'function',
			).length,
		).toBe(bodies.length);
		expect(bodies.filter((b) => b.messages.some((m) => m.role === 'tool'))).toHaveLength(3);
		figures.push(
			`AI Agent, local down: 3/3 questions answered by the cloud, ${bodies.length} cloud calls (tool call + answer each)`,
		);
	}, 180_000);

	it('the API key is in no output and no log', () => {
		expect(logs.length).toBeGreaterThan(0);
		for (const text of logs) expect(text).not.toContain(CANARY);
		expect(cloud.stats().unauthorized).toBe(0); // the key did reach the endpoint, through the credential
	});
});
