/**
 * End to end, on a box that holds one model: a real n8n with the packed package against the Ollama
 * simulator configured as a one-model box (`maxLoadedModels: 1`, loads of 5 s / 8 s / 12 s, scaled).
 * Two workflows, each running the same items three ways one after the other, every model unloaded
 * (`keep_alive: 0`) before each way:
 *
 *  1. AI Dispatcher with default settings (Item Order "Grouped by Model");
 *  2. AI Dispatcher with Item Order "As Received" (the per-item order of earlier versions);
 *  3. n8n's HTTP Request node calling the strong model (qwen2.5:7b) for every item.
 *
 * Workflows: the shipped Gmail example's 20 emails, and a 60-item mixed digest of held-out router
 * corpus prompts (36 low / 12 medium / 12 high by label; never used for tuning). Asserted: every item
 * answered once, in order, paired; grouped loads ≤ models used + 1 and the loads the items report
 * match the simulator's count; the same model per item in both orders (high-tier recall unchanged).
 * Times are printed (ratios), not asserted: the bench (`npm run bench`) prints the same figures.
 *
 * Needs `npm run build` first (the package is packed from dist).
 */
import { loadRouterCorpus } from '../../scripts/router/corpus';
import { digest } from '../bench/small-box';
import { exampleCredentials, readExample, startN8nWithSimulator } from '../support/e2e-run';
import {
	nodeOutput,
	pairedIndex,
	runError,
	type N8nInstance,
	type N8nItem,
	type N8nRun,
} from '../support/n8n-harness';
import { DEFAULT_SIM_MODELS, type OllamaSimulator } from '../support/simulator';

const TIME_SCALE = 0.02;
const LOAD_MS: Record<string, number> = {
	'phi3:mini': 5_000,
	'llama3.2:3b': 8_000,
	'qwen2.5:7b': 12_000,
};
const STRONG = 'qwen2.5:7b';
const REPLY_TOKENS = { low: 40, medium: 120, high: 280 } as const;
const GROUPED = 'AI Dispatcher (grouped)';
const AS_RECEIVED = 'AI Dispatcher (as received)';
const HTTP = 'HTTP Request (strong model)';

type Node = {
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, unknown>;
};

const heldout = digest(loadRouterCorpus().heldout);
const tierOfPrompt = new Map(heldout.map((e) => [e.text, e.tier]));

/** One workflow: items → (unload all → way) × 3, each way on the same items. */
function workflow(
	id: string,
	ollamaUrl: string,
	itemsNode: Node,
	dispatcher: Node,
	promptExpr: string,
): Record<string, unknown> {
	const unloadList: Node = {
		name: 'Models',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [0, 0],
		parameters: {
			mode: 'runOnceForAllItems',
			jsCode: `return ${JSON.stringify(Object.keys(LOAD_MS))}.map((model) => ({ json: { model } }));`,
		},
	};
	const nodes: Node[] = [
		{
			name: 'Start',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{ ...itemsNode, name: 'Items' },
	];
	const chain = ['Start', 'Items'];
	const ways: Node[] = [
		// A system prompt of its own per way: identical requests of one execution are answered once
		// (answer reuse), so without it the second way would reuse the first way's answers. The system
		// prompt is not analysed, so every item keeps its tier.
		{
			...dispatcher,
			name: GROUPED,
			parameters: { ...dispatcher.parameters, systemPrompt: 'Digest entry (way 1).', options: {} },
		},
		{
			...dispatcher,
			name: AS_RECEIVED,
			parameters: {
				...dispatcher.parameters,
				systemPrompt: 'Digest entry (way 2).',
				options: { itemOrder: 'asReceived' },
			},
		},
		{
			name: HTTP,
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [0, 0],
			parameters: {
				method: 'POST',
				url: `${ollamaUrl}/api/generate`,
				sendBody: true,
				specifyBody: 'json',
				jsonBody: `={{ JSON.stringify({ model: '${STRONG}', prompt: ${promptExpr}, stream: false }) }}`,
				options: {},
			},
		},
	];
	ways.forEach((way, i) => {
		nodes.push(
			{ ...unloadList, name: `Models ${i}` },
			{
				name: `Unload ${i}`,
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [0, 0],
				parameters: {
					method: 'POST',
					url: `${ollamaUrl}/api/generate`,
					sendBody: true,
					specifyBody: 'json',
					jsonBody: '={{ JSON.stringify({ model: $json.model, keep_alive: 0 }) }}',
					options: { batching: { batch: { batchSize: 1 } } },
				},
			},
			{
				name: `Restore ${i}`,
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [0, 0],
				parameters: {
					mode: 'runOnceForAllItems',
					jsCode: "return $('Items').all().map((item) => ({ json: item.json }));",
				},
			},
			way,
		);
		chain.push(`Models ${i}`, `Unload ${i}`, `Restore ${i}`, way.name);
	});
	const connections = Object.fromEntries(
		chain
			.slice(0, -1)
			.map((from, i) => [from, { main: [[{ node: chain[i + 1], type: 'main', index: 0 }]] }]),
	);
	return {
		id,
		name: id,
		active: false,
		nodes: nodes.map((n, i) => ({ ...n, id: `node-${i}`, position: [i * 200, 0] })),
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

interface Way {
	name: string;
	ms: number;
	items: N8nItem[];
	/** Items whose model was not loaded when their call started (the AI Dispatcher's own output). */
	loads: number | null;
}

function way(run: N8nRun | null, name: string): Way {
	const items = nodeOutput(run, name);
	const ms = run?.data.resultData.runData[name]?.[0]?.executionTime ?? Number.NaN;
	const loads =
		name === HTTP ? null : items.filter((i) => i.json.modelAlreadyLoaded === false).length;
	return { name, ms, items, loads };
}

describe('a one-model box: grouped by model vs as received vs HTTP Request on the strong model', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	const figures: string[] = [];

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator({
			timeScale: TIME_SCALE,
			numParallel: 1,
			maxLoadedModels: 1,
			keepAliveMs: -1,
			models: DEFAULT_SIM_MODELS.filter((m) => m.name in LOAD_MS).map((m) => ({
				...m,
				loadMs: LOAD_MS[m.name],
			})),
			respond: ({ model, prompt }) =>
				`[${model}] ${Array.from({ length: REPLY_TOKENS[tierOfPrompt.get(prompt) ?? 'medium'] }, (_, i) => `w${i}`).join(' ')}`,
		}));
		await n8n.importCredentials(exampleCredentials(sim.url));
	});

	afterAll(async () => {
		await sim?.close();
		await n8n?.cleanup();
		console.log(`[small-box e2e]\n  ${figures.join('\n  ')}`);
	});

	async function runScenario(
		label: string,
		wf: Record<string, unknown>,
		count: number,
	): Promise<Way[]> {
		await n8n.importWorkflow(wf);
		sim.resetStats();
		const res = await n8n.execute(wf.id as string);
		if (res.exitCode !== 0)
			throw new Error(
				`${label}: n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`,
			);
		const ways = [GROUPED, AS_RECEIVED, HTTP].map((name) => way(res.run, name));
		for (const w of ways) {
			// One answer per item, each paired with its own input, in input order.
			expect({ way: w.name, count: w.items.length }).toEqual({ way: w.name, count });
			expect(w.items.map(pairedIndex)).toEqual(Array.from({ length: count }, (_, i) => i));
			for (const item of w.items) expect(String(item.json.response ?? '')).toMatch(/^\[/);
		}
		const [grouped, asReceived, http] = ways;
		for (const item of http.items) expect(item.json.model).toBe(STRONG);
		// Every item of both dispatcher ways called a model (none reused another way's answer).
		for (const w of [grouped, asReceived])
			expect({
				way: w.name,
				reused: w.items.filter((i) => i.json.reused !== undefined).length,
			}).toEqual({ way: w.name, reused: 0 });
		// The same model per item in both orders: grouping changes when, not who (high-tier recall unchanged).
		expect(grouped.items.map((i) => i.json.model)).toEqual(
			asReceived.items.map((i) => i.json.model),
		);
		const used = new Set(grouped.items.map((i) => i.json.model as string)).size;
		expect(grouped.loads).toBeLessThanOrEqual(used + 1);
		expect(asReceived.loads).toBeGreaterThan(grouped.loads as number);
		// What the items report is what the simulator counted: each way starts with nothing loaded, and
		// the HTTP Request way loads the strong model once.
		const simLoads = Object.values(sim.stats().loads).reduce((a, b) => a + b, 0);
		expect(simLoads).toBe((grouped.loads as number) + (asReceived.loads as number) + 1);
		figures.push(
			`${label} (${count} items, ${used} models used, timeScale ${TIME_SCALE}): loads grouped ${grouped.loads}, as received ${asReceived.loads}, HTTP Request 1; ` +
				`node time grouped ${(grouped.ms / 1000).toFixed(1)} s, as received ${(asReceived.ms / 1000).toFixed(1)} s, HTTP Request ${(http.ms / 1000).toFixed(1)} s; ` +
				`grouped ÷ HTTP Request ${(grouped.ms / http.ms).toFixed(2)}×, as received ÷ HTTP Request ${(asReceived.ms / http.ms).toFixed(2)}×, grouped ÷ as received ${(grouped.ms / asReceived.ms).toFixed(2)}×; ` +
				`models per item ${JSON.stringify(Object.fromEntries([...new Set(grouped.items.map((i) => i.json.model as string))].map((m) => [m, grouped.items.filter((i) => i.json.model === m).length])))}`,
		);
		return ways;
	}

	test('the Gmail example (20 emails)', async () => {
		const example = readExample<{ nodes: Node[] }>('gmail-digest.json');
		const fetch = example.nodes.find((n) => n.name === 'Fetch emails') as Node;
		const dispatcher = example.nodes.find((n) => n.type.endsWith('.aiDispatcher')) as Node;
		const prompt = String(dispatcher.parameters.prompt)
			.replace(/^=\{\{\s*/, '')
			.replace(/\s*\}\}$/, '');
		await runScenario(
			'Gmail example',
			workflow('smallBoxGmail', sim.url, fetch, dispatcher, prompt),
			20,
		);
	});

	test('a 60-item mixed digest of held-out prompts', async () => {
		expect(heldout).toHaveLength(60);
		const example = readExample<{ nodes: Node[] }>('gmail-digest.json');
		const dispatcher = example.nodes.find((n) => n.type.endsWith('.aiDispatcher')) as Node;
		const items: Node = {
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [0, 0],
			parameters: {
				mode: 'runOnceForAllItems',
				jsCode: `return ${JSON.stringify(heldout.map((e) => ({ id: e.id, prompt: e.text })))}.map((json) => ({ json }));`,
			},
		};
		const digestDispatcher = {
			...dispatcher,
			parameters: { ...dispatcher.parameters, prompt: '={{ $json.prompt }}' },
		};
		const [grouped] = await runScenario(
			'60-item digest',
			workflow('smallBoxDigest', sim.url, items, digestDispatcher, '$json.prompt'),
			60,
		);
		const highLabelled = heldout
			.map((e, i) => [e.tier, grouped.items[i].json.tier] as const)
			.filter(([label]) => label === 'high');
		figures.push(
			`60-item digest: high-labelled prompts answered on the high tier ${highLabelled.filter(([, t]) => t === 'high').length}/${highLabelled.length}`,
		);
	});
});
