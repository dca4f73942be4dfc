/**
 * End to end: `examples/gmail-digest-chain.json` (Basic LLM Chain + AI Dispatcher Chat Model over 20
 * emails) on a real n8n 2.40.7 with the packed package, against the Ollama simulator:
 *
 *  1. healthy: every email answered, simple ones on phi3:mini (low), complex ones on qwen2.5:7b
 *     (high), one decision per call in the sub-node's run data;
 *  2. qwen2.5:7b answers HTTP 500: every email still answered, complex ones by fallback;
 *  3. the same chain with n8n's own Ollama Chat Model pointed at qwen2.5:7b, then the dispatcher
 *     chain again with the models as warm, for the time comparison (figures printed; no timed
 *     assertion: the machine's load makes single runs noisy).
 *
 * The simulator keeps realistic relative speeds (qwen2.5:7b decodes at 12 tok/s, phi3:mini at 45)
 * at timeScale 0.25, so that model time, not n8n start-up, dominates the comparison. Needs `npm run build` first.
 */
import type { OllamaSimulator } from '../support/simulator';
import { startExample, type ExampleRun } from '../support/e2e-run';
import {
	nodeOutput,
	pairedIndex,
	runError,
	type ExecuteResult,
	type N8nInstance,
} from '../support/n8n-harness';
import { chatCalls, perModel, subNodeRuns, type ChatCallEntry } from '../support/chat-calls';

const COMPLEX_IDS = new Set([
	'197342a1c0d41a11',
	'197342a1c0d41a44',
	'197342a1c0d41a77',
	'197342a1c0d41a99',
	'197342a1c0d41acc',
	'197342a1c0d41aee',
	'197342a1c0d41b10',
	'197342a1c0d41b32',
]);
const EMAIL_COUNT = 20;
const SUB_NODE = 'AI Dispatcher Chat Model';
const CHAIN = 'Summarize email';

describe('examples/gmail-digest-chain.json: Basic LLM Chain + AI Dispatcher Chat Model on n8n', () => {
	let example: ExampleRun;
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	const figures: string[] = [];
	const chainMs: Record<string, number> = {};

	beforeAll(async () => {
		// These scenarios pin the heuristic analyser's known tiers for the example's emails (simple → low,
		// complex → high), as the main node's gmail-digest e2e does; the trained router is the default.
		example = await startExample(
			'gmail-digest-chain.json',
			{ timeScale: 0.25, numParallel: 2 },
			{ options: { analyser: 'heuristic' } },
			'AI Dispatcher Chat Model',
		);
		({ n8n, sim } = example);
		expect(example.workflow.id).toBe('gmailChainExample');
	});

	afterAll(async () => {
		await sim?.close();
		if (n8n) {
			figures.push(
				`n8n ${await n8n.version()}; command timings: ${n8n.timings.map((t) => `${t.what.split(' ')[0]} ${(t.ms / 1000).toFixed(1)}s`).join(', ')}`,
			);
			await n8n.cleanup();
		}
		console.log(`[chat-gmail-digest e2e]\n  ${figures.join('\n  ')}`);
	});

	async function run(workflowId: string, label: string): Promise<ExecuteResult> {
		sim.resetStats();
		const res = await n8n.execute(workflowId);
		if (res.exitCode !== 0) {
			throw new Error(
				`${label}: n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`,
			);
		}
		const emails = nodeOutput(res.run, 'Fetch emails');
		const answers = nodeOutput(res.run, CHAIN);
		expect(emails).toHaveLength(EMAIL_COUNT);
		// One answer per email, paired with its email, in order: none dropped or duplicated.
		expect(answers.map(pairedIndex)).toEqual(emails.map((_, i) => i));
		for (const [i, a] of answers.entries()) {
			expect({ i, text: typeof a.json.text }).toEqual({ i, text: 'string' });
			expect(a.json.text).toMatch(/^\[[\w.:]+\] \S/);
		}
		const digest = nodeOutput(res.run, 'Build digest');
		expect(digest[0].json.count).toBe(EMAIL_COUNT);
		chainMs[label] = res.run?.data.resultData.runData[CHAIN]?.[0]?.executionTime ?? NaN;
		figures.push(
			`${label}: chain node ${chainMs[label]} ms, n8n execute wall ${(res.ms / 1000).toFixed(1)}s; simulator generations ${JSON.stringify(sim.stats().generations)}`,
		);
		return res;
	}

	/** Our per-call entries, matched to emails by the subject in the analysed text. */
	function callsByEmail(
		res: ExecuteResult,
	): Array<{ id: string; subject: string; call: ChatCallEntry }> {
		const emails = nodeOutput(res.run, 'Fetch emails');
		const calls = chatCalls(res.run, SUB_NODE);
		expect(calls).toHaveLength(EMAIL_COUNT); // one call per email, each logged with its decision
		// One entry per call in the logs panel: n8n's own tracing entry is not logged next to ours.
		expect(subNodeRuns(res.run, SUB_NODE)).toBe(EMAIL_COUNT);
		return emails.map((e) => {
			const matching = calls.filter((c) =>
				c.input.analysedText.includes(`Subject: ${e.json.subject}\n`),
			);
			expect({ subject: e.json.subject, calls: matching.length }).toEqual({
				subject: e.json.subject,
				calls: 1,
			});
			return { id: e.json.id as string, subject: e.json.subject as string, call: matching[0] };
		});
	}

	test('healthy: simple emails on phi3:mini, complex ones on qwen2.5:7b, a decision per call', async () => {
		const res = await run('gmailChainExample', 'dispatcher healthy');
		const byEmail = callsByEmail(res);
		for (const { id, subject, call } of byEmail) {
			const want = COMPLEX_IDS.has(id)
				? { model: 'qwen2.5:7b', tier: 'high' }
				: { model: 'phi3:mini', tier: 'low' };
			expect({ subject, model: call.output?.model, tier: call.output?.tier }).toEqual({
				subject,
				...want,
			});
			expect(call.output?.reason).toEqual(expect.stringContaining(`chose ${want.model}`));
			expect(call.output?.summary).toMatch(
				new RegExp(`: chose ${want.model.replace(/\./g, '\\.')} \\(${want.tier} tier\\)$`),
			);
			expect(call.output?.attempts).toEqual([
				expect.objectContaining({ model: want.model, ok: true }),
			]);
			expect(call.output?.response.startsWith(`[${want.model}]`)).toBe(true);
		}
		figures.push(
			`dispatcher healthy: calls per model ${JSON.stringify(perModel(byEmail.map((b) => b.call)))}`,
		);
	});

	test('qwen2.5:7b answers HTTP 500: every email still answered, complex ones by fallback', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'http500' });
		try {
			const res = await run('gmailChainExample', 'dispatcher, qwen2.5:7b HTTP 500');
			const byEmail = callsByEmail(res);
			for (const { id, subject, call } of byEmail) {
				const out = call.output;
				expect({ subject, error: call.error }).toEqual({ subject, error: undefined });
				expect(out?.model).not.toBe('qwen2.5:7b');
				// The plain summary names the model that answered.
				expect(out?.summary).toContain(String(out?.model));
				if (COMPLEX_IDS.has(id)) {
					const first = out?.attempts[0];
					// Tried first until its breaker opens, then skipped with the reason in the decision.
					if (first?.model === 'qwen2.5:7b')
						expect(first).toMatchObject({ ok: false, error: expect.stringMatching(/HTTP 500/) });
					else expect(out?.reason).toMatch(/skipped qwen2\.5:7b: circuit open/);
				} else {
					expect({ subject, model: out?.model }).toEqual({ subject, model: 'phi3:mini' });
				}
			}
			figures.push(
				`dispatcher, qwen2.5:7b HTTP 500: calls per model ${JSON.stringify(perModel(byEmail.map((b) => b.call)))}`,
			);
		} finally {
			sim.clearFaults();
		}
	});

	test("the same chain with n8n's Ollama Chat Model on qwen2.5:7b (time comparison)", async () => {
		await n8n.importCredentials([
			{ id: 'ollamaCred1', name: 'Ollama account', type: 'ollamaApi', data: { baseUrl: sim.url } },
		]);
		const workflow = JSON.parse(JSON.stringify(example.workflow)) as ExampleRun['workflow'] &
			Record<string, unknown>;
		workflow.id = 'gmailChainOllama';
		workflow.name = 'Gmail digest chain with Ollama Chat Model';
		const sub = workflow.nodes.find((n) => n.name === SUB_NODE) as Record<string, unknown>;
		Object.assign(sub, {
			type: '@n8n/n8n-nodes-langchain.lmChatOllama',
			typeVersion: 1,
			parameters: { model: 'qwen2.5:7b', options: {} },
			credentials: { ollamaApi: { id: 'ollamaCred1', name: 'Ollama account' } },
		});
		await n8n.importWorkflow(workflow);
		const res = await run('gmailChainOllama', 'Ollama Chat Model (qwen2.5:7b)');
		expect(sim.stats().generations).toMatchObject({ 'qwen2.5:7b': EMAIL_COUNT });
		const answers = nodeOutput(res.run, CHAIN);
		for (const a of answers) expect(a.json.text.startsWith('[qwen2.5:7b]')).toBe(true);
	});

	test('the dispatcher chain again, models warm as in the Ollama run (time comparison)', async () => {
		const res = await run('gmailChainExample', 'dispatcher warm');
		expect(perModel(callsByEmail(res).map((b) => b.call))).toEqual({
			'phi3:mini': 12,
			'qwen2.5:7b': 8,
		});
		const ollama = chainMs['Ollama Chat Model (qwen2.5:7b)'];
		for (const label of ['dispatcher healthy', 'dispatcher warm']) {
			figures.push(
				`20-email chain: ${label} ${chainMs[label]} ms vs Ollama Chat Model on qwen2.5:7b ${ollama} ms (Ollama/dispatcher ${(ollama / chainMs[label]).toFixed(2)})`,
			);
		}
	});
});
