/**
 * End to end: ONE reasoning model (the simulator's qwen3:8b: ~400 thinking tokens per reply unless
 * `think: false`) on a real n8n 2.40.7 with the packed package, over a mixed digest of the 235
 * held-out router prompts (their labels never tuned anything):
 *
 *  1. the AI Dispatcher (Generate, one model): which items thought, per label;
 *  2. n8n's HTTP Request node (/api/chat) on the same model with `think: true` on every item, then with `think`
 *     exactly where the labels say (high);
 *  3. a Basic LLM Chain with the AI Dispatcher Chat Model (one model) over the same prompts.
 *
 * Time is model time computed from each reply's token counts at the model's simulated speeds
 * (deterministic); n8n's own node times are printed next to it. Needs `npm run build` first.
 */
import {
	nodeOutput,
	pairedIndex,
	runError,
	type ExecuteResult,
	type N8nInstance,
	type N8nItem,
} from '../support/n8n-harness';
import { chatCalls } from '../support/chat-calls';
import { exampleCredentials, startN8nWithSimulator } from '../support/e2e-run';
import { THINKING_SIM_MODELS, type OllamaSimulator } from '../support/simulator';
import { heldoutDigest, modelSeconds, shareOf, type DigestItem } from '../support/thinking-digest';
import { triggeredWorkflow } from '../support/workflow';

const MODEL = THINKING_SIM_MODELS[0]; // qwen3:8b
const DIGEST = heldoutDigest();
const CRED = { aiDispatcherApi: { id: 'aiDispatcherCred1', name: 'AI Dispatcher account' } };

/** Manual trigger → Code node emitting the digest → `node`. */
function workflow(
	id: string,
	node: Record<string, unknown>,
	extra: Array<Record<string, unknown>> = [],
	extraConnections: Record<string, unknown> = {},
): Record<string, unknown> {
	return triggeredWorkflow({
		id,
		itemsName: 'Digest',
		jsCode: `return ${JSON.stringify(DIGEST)}.map((json) => ({ json }));`,
		node: { name: 'Answer', ...node },
		extra,
		extraConnections,
	});
}

const ONE_MODEL = { modelSource: 'list', models: { model: [{ name: MODEL.name, tier: 'high' }] } };

const httpNode = (think: string, url: string) => ({
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: {
		method: 'POST',
		url,
		sendBody: true,
		specifyBody: 'json',
		// /api/chat: the reply carries no token `context` array (the run JSON n8n prints stays small).
		jsonBody: `={{ JSON.stringify({ model: '${MODEL.name}', messages: [{ role: 'user', content: $json.prompt }], stream: false, think: ${think} }) }}`,
		options: {},
	},
});

describe('one reasoning model: thinking only where the prompt needs it (real n8n)', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	const figures: string[] = [];
	const seconds: Record<string, number> = {};
	const nodeMs: Record<string, number> = {};

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator({
			timeScale: 0.001,
			numParallel: 1,
			models: THINKING_SIM_MODELS,
		}));
		await n8n.importCredentials(exampleCredentials(sim.url));
		const http = (think: string) => httpNode(think, `${sim.url}/api/chat`);
		await n8n.importWorkflow([
			workflow('thinkDispatcher', {
				type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
				typeVersion: 1,
				credentials: CRED,
				parameters: {
					operation: 'generate',
					inputMode: 'prompt',
					prompt: '={{ $json.prompt }}',
					outputFormat: 'text',
					...ONE_MODEL,
					simplifyOutput: false,
					options: {},
				},
			}),
			workflow('thinkEverywhere', http('true')),
			workflow('thinkWhereLabelled', http("$json.tier === 'high'")),
			workflow(
				'thinkChain',
				{
					type: '@n8n/n8n-nodes-langchain.chainLlm',
					typeVersion: 1.9,
					parameters: { promptType: 'define', text: '={{ $json.prompt }}', batching: {} },
				},
				[
					{
						id: 'thinkChain-4',
						name: 'AI Dispatcher Chat Model',
						type: 'n8n-nodes-ai-dispatcher.lmChatAiDispatcher',
						typeVersion: 1,
						position: [440, 220],
						credentials: CRED,
						parameters: { ...ONE_MODEL, options: {} },
					},
				],
				{
					'AI Dispatcher Chat Model': {
						ai_languageModel: [[{ node: 'Answer', type: 'ai_languageModel', index: 0 }]],
					},
				},
			),
		]);
	});

	afterAll(async () => {
		await sim?.close();
		if (n8n) await n8n.cleanup();
		console.log(
			`[thinking-digest e2e] ${DIGEST.length} held-out prompts, one model ${MODEL.name}\n  ${figures.join('\n  ')}`,
		);
	});

	async function run(workflowId: string): Promise<N8nItem[]> {
		const res: ExecuteResult = await n8n.execute(workflowId, { timeoutMs: 240_000 });
		if (res.exitCode !== 0)
			throw new Error(
				`${workflowId}: n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stderr.slice(-2000)}`,
			);
		const answers = nodeOutput(res.run, 'Answer');
		// One answer per prompt, paired with it, in order: none dropped or duplicated.
		expect(answers.map(pairedIndex)).toEqual(DIGEST.map((_, i) => i));
		nodeMs[workflowId] = res.run?.data.resultData.runData.Answer?.[0]?.executionTime ?? NaN;
		if (workflowId === 'thinkChain') chainCalls = chatCalls(res.run, 'AI Dispatcher Chat Model');
		return answers;
	}
	let chainCalls: ReturnType<typeof chatCalls> = [];

	function report(
		label: string,
		workflowId: string,
		thought: boolean[],
		tokens: Array<[number, number]>,
	): void {
		seconds[workflowId] = tokens.reduce((sum, [p, c]) => sum + modelSeconds(MODEL, p, c), 0);
		const items = DIGEST.map((d, i) => ({ ...d, thought: thought[i] }));
		const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
		figures.push(
			`${label}: thought on ${thought.filter(Boolean).length}/${DIGEST.length} (high ${pct(shareOf(items, 'high', (i) => i.thought))}, medium ${pct(shareOf(items, 'medium', (i) => i.thought))}, low ${pct(shareOf(items, 'low', (i) => i.thought))}); model time ${seconds[workflowId].toFixed(0)} s; n8n node ${nodeMs[workflowId]} ms`,
		);
	}

	test('AI Dispatcher, one model: thinks on ≥ 90 % of high-tier prompts, off on ≥ 80 % of low-tier ones', async () => {
		const answers = await run('thinkDispatcher');
		const thought = answers.map((a) => a.json.thinking?.thought === true);
		for (const [i, a] of answers.entries()) {
			expect(a.json.model).toBe(MODEL.name);
			// The thinking text is kept apart: never in the response.
			expect({ i, mixed: String(a.json.response).includes('Let me think') }).toEqual({
				i,
				mixed: false,
			});
			expect(a.json.thinking.text.length > 0).toBe(thought[i]);
			expect(a.json.thinking.reason).toMatch(/-tier prompt/);
			// Token counts include the thinking tokens.
			if (thought[i])
				expect(a.json.usage.completion_tokens).toBeGreaterThanOrEqual(MODEL.thinkTokens as number);
		}
		report(
			'AI Dispatcher (think per item)',
			'thinkDispatcher',
			thought,
			answers.map((a) => [a.json.usage.prompt_tokens, a.json.usage.completion_tokens]),
		);
		const items = DIGEST.map((d, i) => ({ ...d, thought: thought[i] }));
		expect(shareOf(items, 'high', (i) => i.thought)).toBeGreaterThanOrEqual(0.9);
		expect(shareOf(items, 'low', (i) => !i.thought)).toBeGreaterThanOrEqual(0.8);
	});

	test.each([
		['HTTP Request, think on every item', 'thinkEverywhere', (_: DigestItem) => true],
		[
			'HTTP Request, think where the labels say (high)',
			'thinkWhereLabelled',
			(d: DigestItem) => d.tier === 'high',
		],
	])('%s (same model)', async (label, workflowId, expected) => {
		const answers = await run(workflowId);
		const thought = answers.map(
			(a) => typeof a.json.message?.thinking === 'string' && a.json.message.thinking.length > 0,
		);
		for (const a of answers) expect(String(a.json.message?.content)).toMatch(/^\[qwen3:8b\] /);
		expect(thought).toEqual(DIGEST.map(expected));
		report(
			label,
			workflowId,
			thought,
			answers.map((a) => [a.json.prompt_eval_count as number, a.json.eval_count as number]),
		);
	});

	test('AI Dispatcher time ≤ 0.6× thinking on every item; ratio to thinking where labelled printed', () => {
		const vsAll = seconds.thinkDispatcher / seconds.thinkEverywhere;
		const vsLabels = seconds.thinkDispatcher / seconds.thinkWhereLabelled;
		figures.push(
			`model time: AI Dispatcher / think everywhere ${vsAll.toFixed(2)}×; AI Dispatcher / think where labelled ${vsLabels.toFixed(2)}×; think everywhere / where labelled ${(seconds.thinkEverywhere / seconds.thinkWhereLabelled).toFixed(2)}×`,
		);
		expect(vsAll).toBeLessThanOrEqual(0.6);
		// Thinking exactly where labelled is the least any router could spend: ours is at least that.
		expect(vsLabels).toBeGreaterThanOrEqual(1);
	});

	test('Basic LLM Chain + AI Dispatcher Chat Model, one model: the same effect, logged per call', async () => {
		const answers = await run('thinkChain');
		for (const a of answers) expect(String(a.json.text)).not.toContain('Let me think');
		expect(chainCalls).toHaveLength(DIGEST.length);
		const byPrompt = new Map(chainCalls.map((c) => [c.input.analysedText, c]));
		const calls = DIGEST.map((d) => byPrompt.get(d.prompt));
		expect(calls.every((c) => c !== undefined)).toBe(true);
		const thought = calls.map(
			(c) =>
				(c?.output as { thinking?: { thought: boolean } } | undefined)?.thinking?.thought === true,
		);
		const usage = calls.map(
			(c) =>
				(c?.output as unknown as { usage: { prompt_tokens: number; completion_tokens: number } })
					.usage,
		);
		report(
			'Basic LLM Chain + AI Dispatcher Chat Model',
			'thinkChain',
			thought,
			usage.map((u) => [u.prompt_tokens, u.completion_tokens]),
		);
		const items = DIGEST.map((d, i) => ({ ...d, thought: thought[i] }));
		expect(shareOf(items, 'high', (i) => i.thought)).toBeGreaterThanOrEqual(0.9);
		expect(shareOf(items, 'low', (i) => !i.thought)).toBeGreaterThanOrEqual(0.8);
		expect(seconds.thinkChain / seconds.thinkEverywhere).toBeLessThanOrEqual(0.6);
	});
});
