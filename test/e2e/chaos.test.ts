/**
 * End to end: the chaos scenario once in a real n8n (smaller than the unit one): 120 items, 3 models,
 * two of them failing ~30 % of calls with every fault kind, 4 items at a time. Every item must be
 * answered exactly once, in order and paired. Needs `npm run build` first.
 */
import { exampleCredentials, startN8nWithSimulator } from '../support/e2e-run';
import { nodeOutput, pairedIndex, runError, type N8nInstance } from '../support/n8n-harness';
import type { FaultSpec, OllamaSimulator } from '../support/simulator';
import { chain, codeNode, manualTrigger } from '../support/workflow';

const ITEMS = 120;
const FAULTS: FaultSpec[] = (
	['reset', 'http500', 'busy', 'hang', 'midstream', 'truncated', 'garbage'] as const
).map((kind) => ({ kind, rate: 0.05 }));

const workflow = {
	id: 'aiDispatcherChaos',
	name: 'AI Dispatcher chaos',
	active: false,
	settings: { executionOrder: 'v1' },
	connections: chain('Start', 'Items', 'AI Dispatcher'),
	nodes: [
		manualTrigger('c0000000-0000-4000-8000-000000000001'),
		codeNode(
			'c0000000-0000-4000-8000-000000000002',
			'Items',
			`const tiers = ['low', 'medium', 'high'];\nreturn Array.from({ length: ${ITEMS} }, (_, i) => ({ json: { n: i, tier: tiers[i % 3], text: '#' + i + ' please summarize the weekly status update' } }));`,
			{ mode: 'runOnceForAllItems' },
		),
		{
			id: 'c0000000-0000-4000-8000-000000000003',
			name: 'AI Dispatcher',
			type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
			typeVersion: 1,
			position: [440, 0],
			onError: 'continueRegularOutput',
			credentials: { aiDispatcherApi: { id: 'aiDispatcherCred1', name: 'AI Dispatcher account' } },
			parameters: {
				operation: 'generate',
				inputMode: 'prompt',
				prompt: '={{ $json.text }}',
				taskType: 'auto',
				complexity: '={{ $json.tier }}',
				outputFormat: 'text',
				modelSource: 'list',
				models: {
					model: [
						{ name: 'phi3:mini', tier: 'low' },
						{ name: 'llama3.2:3b', tier: 'medium' },
						{ name: 'qwen2.5:7b', tier: 'high' },
					],
				},
				simplifyOutput: false,
				// The 2 s first-token limit cuts the injected hangs, not a healthy answer on a busy machine.
				options: {
					concurrency: 4,
					firstTokenTimeoutMs: 2_000,
					retryDelayMs: 20,
					breakerCooldownMs: 300,
				},
			},
		},
	],
};

describe('chaos on a real n8n', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator({
			timeScale: 0.002,
			numParallel: 4,
			seed: 20261122,
			preloaded: ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'],
			faults: { 'llama3.2:3b': FAULTS, 'qwen2.5:7b': FAULTS },
		}));
		await n8n.importCredentials(exampleCredentials(sim.url));
		await n8n.importWorkflow(workflow);
	});

	afterAll(async () => {
		await sim?.close();
		await n8n?.cleanup();
	});

	test(`all ${ITEMS} items answered exactly once, in order and paired`, async () => {
		const res = await n8n.execute('aiDispatcherChaos');
		if (res.exitCode !== 0)
			throw new Error(
				`n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stderr.slice(-3000)}`,
			);
		const answers = nodeOutput(res.run, 'AI Dispatcher');
		expect(answers).toHaveLength(ITEMS);
		expect(answers.map(pairedIndex)).toEqual(Array.from({ length: ITEMS }, (_, i) => i));
		expect(answers.filter((a) => a.json.error !== undefined).map((a) => a.json.error)).toEqual([]);
		expect(answers.map((a) => String(a.json.response).split(' ')[1])).toEqual(
			Array.from({ length: ITEMS }, (_, i) => `#${i}`),
		);

		const attempts = answers.flatMap(
			(a) => a.json.attempts as Array<{ kind?: string; retry?: number }>,
		);
		const byKind: Record<string, number> = {};
		for (const a of attempts) byKind[a.kind ?? 'ok'] = (byKind[a.kind ?? 'ok'] ?? 0) + 1;
		const nodeMs = res.run?.data.resultData.runData['AI Dispatcher']?.[0]?.executionTime;
		console.log(
			`[chaos e2e] n8n: ${ITEMS}/${ITEMS} answered, none lost or duplicated; AI Dispatcher node ${nodeMs ?? '?'} ms; ` +
				`attempts by kind ${JSON.stringify(byKind)}; retries ${attempts.filter((a) => a.retry).length}; ` +
				`faults injected ${JSON.stringify(sim.stats().faultsInjected)}`,
		);
		expect(byKind.ok).toBe(ITEMS);
	});
});
