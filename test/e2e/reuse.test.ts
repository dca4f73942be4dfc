/**
 * End to end, in a real n8n: the issue's digest twice in ONE n8n process. A parent workflow runs a
 * published sub-workflow (the digest: Execute Workflow Trigger → AI Dispatcher → a Code node that
 * reads each answer's paired input) twice in one execution — two sub-executions in one process,
 * sharing the package's process state. Run 1 sends 30 mails (25 distinct, 5 exact duplicates), run 2
 * sends 30 (24 of run 1's and 6 new): 60 items, 31 distinct prompts. Model calls are counted at the
 * Ollama simulator.
 *
 *  1. with Options › Reuse Answers on: 31 model calls (the issue's target: ≤ 32, from 60);
 *  2. with it off: the 5 duplicates within run 1 still cost no call (25 + 30 = 55 calls);
 *  3. the same digest as an LLM chain on the AI Dispatcher Chat Model, Reuse Answers on: 31 calls;
 *  and in each, every output in order, paired with its own input, answering its own mail, and the
 *  Status operation, run in the same process after both runs, shows the store (entries, hits, misses).
 *
 * Needs `npm run build` first (the package is packed from dist).
 */
import { exampleCredentials } from '../support/e2e-run';
import {
	createN8nInstance,
	ensureN8nRuntime,
	nodeOutput,
	withPackedPackage,
	runError,
	type N8nInstance,
	type N8nItem,
} from '../support/n8n-harness';
import { startOllamaSimulator, type OllamaSimulator } from '../support/simulator';

const SUB_ON = 'reuseDigestOn';
const SUB_OFF = 'reuseDigestOff';
const SUB_CHAIN = 'reuseChainOn';
const PARENT_ON = 'reuseParentOn';
const PARENT_OFF = 'reuseParentOff';
const PARENT_CHAIN = 'reuseParentChain';
const PROMPT =
	"={{ 'Summarize this email for a daily digest. Say what the sender needs and by when.\\n\\nFrom: ' + $json.from + '\\nSubject: ' + $json.subject + '\\n\\n' + $json.body }}";
const MODELS = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{ name: 'qwen2.5:7b', tier: 'high' },
	],
};
type CredentialRef = { id: string; name: string };

interface Mail {
	from: string;
	subject: string;
	body: string;
}

/** Mail n: a distinct subject and body (the simulator's reply opens with `Re "<subject>"`). */
function mail(n: number): Mail {
	const topics = [
		'invoice',
		'meeting',
		'parcel',
		'ticket',
		'report',
		'contract',
		'release',
		'order',
	];
	const topic = topics[n % topics.length];
	return {
		from: `sender${n}@example.com`,
		subject: `About the ${topic} #${n}`,
		body: `Hello, the ${topic} #${n} needs your answer by ${1 + (n % 28)} March. Please confirm the figures in line ${n}. Thanks.`,
	};
}
const RUN1: Mail[] = [
	...Array.from({ length: 25 }, (_, i) => mail(i)),
	...[0, 5, 10, 15, 20].map(mail),
];
const RUN2: Mail[] = [
	...Array.from({ length: 24 }, (_, i) => mail(i + 1)),
	...Array.from({ length: 6 }, (_, i) => mail(100 + i)),
];

function subWorkflow(id: string, reuseAnswers: boolean, credential: CredentialRef) {
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-1`,
				name: 'Start',
				type: 'n8n-nodes-base.executeWorkflowTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				parameters: { inputSource: 'passthrough' },
			},
			{
				id: `${id}-2`,
				name: 'AI Dispatcher',
				type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					operation: 'generate',
					inputMode: 'prompt',
					prompt: PROMPT,
					modelSource: 'list',
					models: MODELS,
					simplifyOutput: true,
					options: reuseAnswers ? { reuseAnswers: true } : {},
				},
				credentials: { aiDispatcherApi: credential },
			},
			{
				id: `${id}-3`,
				name: 'Pair',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [440, 0],
				parameters: {
					// n8n's own pairing: the input item each answer is paired with.
					jsCode:
						"return $input.all().map((item, i) => ({ json: { ...item.json, index: i, pairedSubject: $('Start').itemMatching(i).json.subject } }));",
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'AI Dispatcher', type: 'main', index: 0 }]] },
			'AI Dispatcher': { main: [[{ node: 'Pair', type: 'main', index: 0 }]] },
		},
	};
}

/** The same digest as an LLM chain whose model is the AI Dispatcher Chat Model (Reuse Answers on). */
function chainSubWorkflow(id: string, credential: CredentialRef) {
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-1`,
				name: 'Start',
				type: 'n8n-nodes-base.executeWorkflowTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				parameters: { inputSource: 'passthrough' },
			},
			{
				id: `${id}-2`,
				name: 'Summarize email',
				type: '@n8n/n8n-nodes-langchain.chainLlm',
				typeVersion: 1.9,
				position: [220, 0],
				parameters: { promptType: 'define', text: PROMPT, batching: {} },
			},
			{
				id: `${id}-3`,
				name: 'AI Dispatcher Chat Model',
				type: 'n8n-nodes-ai-dispatcher.lmChatAiDispatcher',
				typeVersion: 1,
				position: [220, 220],
				parameters: { modelSource: 'list', models: MODELS, options: { reuseAnswers: true } },
				credentials: { aiDispatcherApi: credential },
			},
			{
				id: `${id}-4`,
				name: 'Pair',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [440, 0],
				parameters: {
					jsCode:
						"return $input.all().map((item, i) => ({ json: { response: item.json.text, index: i, pairedSubject: $('Start').itemMatching(i).json.subject } }));",
				},
			},
		],
		connections: {
			Start: { main: [[{ node: 'Summarize email', type: 'main', index: 0 }]] },
			'Summarize email': { main: [[{ node: 'Pair', type: 'main', index: 0 }]] },
			'AI Dispatcher Chat Model': {
				ai_languageModel: [[{ node: 'Summarize email', type: 'ai_languageModel', index: 0 }]],
			},
		},
	};
}

function parentWorkflow(id: string, subId: string, credential: CredentialRef) {
	const mails = (name: string, list: Mail[], x: number) => ({
		id: `${id}-${name}`,
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [x, 0],
		parameters: { jsCode: `return ${JSON.stringify(list)}.map((json) => ({ json }));` },
	});
	const digest = (name: string, x: number) => ({
		id: `${id}-${name}`,
		name,
		type: 'n8n-nodes-base.executeWorkflow',
		typeVersion: 1.2,
		position: [x, 0],
		parameters: {
			source: 'database',
			workflowId: { __rl: true, mode: 'id', value: subId },
			mode: 'once',
			options: { waitForSubWorkflow: true },
		},
	});
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-t`,
				name: 'Manual',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			mails('Mails run 1', RUN1, 200),
			digest('Digest run 1', 400),
			mails('Mails run 2', RUN2, 600),
			digest('Digest run 2', 800),
			{
				// Status in the same process: what the process's store holds after both runs.
				id: `${id}-status`,
				name: 'Reuse status',
				type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
				typeVersion: 1,
				position: [1000, 0],
				parameters: { operation: 'status' },
				credentials: { aiDispatcherApi: credential },
			},
		],
		connections: {
			Manual: { main: [[{ node: 'Mails run 1', type: 'main', index: 0 }]] },
			'Mails run 1': { main: [[{ node: 'Digest run 1', type: 'main', index: 0 }]] },
			'Digest run 1': { main: [[{ node: 'Mails run 2', type: 'main', index: 0 }]] },
			'Mails run 2': { main: [[{ node: 'Digest run 2', type: 'main', index: 0 }]] },
			'Digest run 2': { main: [[{ node: 'Reuse status', type: 'main', index: 0 }]] },
		},
	};
}

describe('answer reuse in a real n8n: the same digest twice in one process', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	const figures: string[] = [];

	beforeAll(async () => {
		const runtime = await ensureN8nRuntime();
		// Sub-workflows run from their published version; without the publication service the CLI's
		// publish:workflow makes it so.
		n8n = await withPackedPackage((tgz) =>
			createN8nInstance({
				runtime,
				tgz,
				env: { N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false' },
			}),
		);
		sim = await startOllamaSimulator({ timeScale: 0.02, numParallel: 2 });
		const [credential] = exampleCredentials(sim.url);
		await n8n.importCredentials([credential]);
		const ref = { id: credential.id, name: credential.name };
		await n8n.importWorkflow([
			subWorkflow(SUB_ON, true, ref),
			subWorkflow(SUB_OFF, false, ref),
			chainSubWorkflow(SUB_CHAIN, ref),
			parentWorkflow(PARENT_ON, SUB_ON, ref),
			parentWorkflow(PARENT_OFF, SUB_OFF, ref),
			parentWorkflow(PARENT_CHAIN, SUB_CHAIN, ref),
		]);
		for (const id of [SUB_ON, SUB_OFF, SUB_CHAIN]) {
			const res = await n8n.run(['publish:workflow', `--id=${id}`]);
			if (res.exitCode !== 0)
				throw new Error(`publish:workflow --id=${id} failed: ${res.stderr.slice(-2000)}`);
		}
	});

	afterAll(async () => {
		if (figures.length > 0) console.log(`[reuse e2e]\n  ${figures.join('\n  ')}`);
		await sim?.close();
		await n8n?.cleanup();
	});

	const calls = () => Object.values(sim.stats().generations).reduce((a, b) => a + b, 0);

	async function runParent(id: string): Promise<{
		run1: N8nItem[];
		run2: N8nItem[];
		calls: number;
		ms: number;
		status: Record<string, number>;
	}> {
		sim.resetStats();
		const res = await n8n.execute(id);
		if (res.exitCode !== 0)
			throw new Error(
				`${id}: n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stderr.slice(-3000)}`,
			);
		const [status] = nodeOutput(res.run, 'Reuse status');
		return {
			run1: nodeOutput(res.run, 'Digest run 1'),
			run2: nodeOutput(res.run, 'Digest run 2'),
			calls: calls(),
			ms: res.ms,
			status: status.json.reuse,
		};
	}

	/** Every output in order, paired (by n8n) with its own mail, answering that mail. */
	function expectOwnAnswers(items: N8nItem[], mails: Mail[]): void {
		expect(items).toHaveLength(mails.length);
		items.forEach((item, i) => {
			expect([i, item.json.index, item.json.pairedSubject]).toEqual([i, i, mails[i].subject]);
			expect([i, String(item.json.response)]).toEqual([
				i,
				expect.stringContaining(`Re "${mails[i].subject}"`),
			]);
		});
	}

	const how = (items: N8nItem[]) =>
		items.map((i) => (i.json.reused as { how?: string } | undefined)?.how ?? 'called');
	const tally = (values: string[]) =>
		values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

	it('Reuse Answers on: 60 items, 31 distinct prompts, 31 model calls; every answer its own mail’s', async () => {
		const { run1, run2, calls: n, ms, status } = await runParent(PARENT_ON);
		expectOwnAnswers(run1, RUN1);
		expectOwnAnswers(run2, RUN2);
		expect(how(run1).slice(25)).toEqual(Array(5).fill('this execution'));
		expect(how(run2).slice(0, 24)).toEqual(Array(24).fill('earlier execution'));
		expect(how(run2).slice(24)).toEqual(Array(6).fill('called'));
		expect(n).toBe(31);
		expect(status).toMatchObject({ entries: 31, hits: 29, misses: 31, evictions: 0 });
		figures.push(`Status after both runs: ${JSON.stringify(status)}`);
		figures.push(
			`reuse on: ${n} model calls for 60 items (target ≤ 32, before 60); run 1 ${JSON.stringify(tally(how(run1)))}, run 2 ${JSON.stringify(tally(how(run2)))}; n8n execute ${ms} ms`,
		);
	});

	it('Reuse Answers off: the 5 duplicates of run 1 cost no call; run 2 calls again (55 calls)', async () => {
		const { run1, run2, calls: n, ms, status } = await runParent(PARENT_OFF);
		expectOwnAnswers(run1, RUN1);
		expectOwnAnswers(run2, RUN2);
		expect(how(run1).slice(25)).toEqual(Array(5).fill('this execution'));
		expect(how(run2)).toEqual(Array(30).fill('called'));
		expect(n).toBe(55);
		expect(status).toMatchObject({ hits: 5, misses: 55 });
		figures.push(
			`reuse off: ${n} model calls for 60 items (run 1: 25 for 30, its duplicates free); n8n execute ${ms} ms`,
		);
	});

	it('the chat model in an LLM chain, Reuse Answers on: 31 model calls for 60 items; every answer its own mail’s', async () => {
		const { run1, run2, calls: n, ms, status } = await runParent(PARENT_CHAIN);
		expectOwnAnswers(run1, RUN1);
		expectOwnAnswers(run2, RUN2);
		expect(n).toBe(31);
		expect(status).toMatchObject({ entries: 31, hits: 29, misses: 31 });
		figures.push(
			`chat model (LLM chain), reuse on: ${n} model calls for 60 items; Status ${JSON.stringify(status)}; n8n execute ${ms} ms`,
		);
	});
});
