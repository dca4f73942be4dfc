/**
 * Generate on a small box: every item planned first, then answered grouped by model (Item Order
 * "Grouped by Model", the default), against the simulator as a one-model box with load times of
 * 5–12 s (scaled). The same items "As Received" are the baseline.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { METRICS } from '../../../nodes/AiDispatcher/engine/metrics/catalog';
import type { MetricsRecorder } from '../../../nodes/AiDispatcher/engine/metrics/recorder';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../nodes/AiDispatcher/engine/state';
import {
	DEFAULT_SIM_MODELS,
	startOllamaSimulator,
	type OllamaSimulator,
	type SimulatorOptions,
} from '../../support/simulator';
import { runNode } from '../../support/node-run';

/** Load times 5 s, 8 s, 12 s (before the time scale). */
const LOAD_MS: Record<string, number> = {
	'phi3:mini': 5_000,
	'llama3.2:3b': 8_000,
	'qwen2.5:7b': 12_000,
};
const SMALL_BOX_MODELS = DEFAULT_SIM_MODELS.filter((m) => m.name in LOAD_MS).map((m) => ({
	...m,
	loadMs: LOAD_MS[m.name],
}));
const TIERS = [
	'low',
	'high',
	'low',
	'medium',
	'high',
	'low',
	'medium',
	'medium',
	'high',
	'low',
	'medium',
	'low',
];
const MODEL_OF = { low: 'phi3:mini', medium: 'llama3.2:3b', high: 'qwen2.5:7b' } as const;
const ITEMS = 24;
const tierOf = (i: number) => TIERS[i % TIERS.length] as keyof typeof MODEL_OF;
const prompts = Array.from({ length: ITEMS }, (_, i) => `#${i} summarize: lunch moved to 1pm`);

let sim: OllamaSimulator;
let state: DispatcherState;

async function box(options: SimulatorOptions): Promise<void> {
	await sim?.close();
	sim = await startOllamaSimulator({
		models: SMALL_BOX_MODELS,
		timeScale: 0.01,
		keepAliveMs: -1,
		...options,
	});
	state = createDispatcherState();
}

afterAll(async () => {
	await sim?.close();
});

const loads = () => Object.values(sim.stats().loads).reduce((a, b) => a + b, 0);
const generations = () => Object.values(sim.stats().generations).reduce((a, b) => a + b, 0);
const loadOnlyCalls = () => (sim.stats().requests['/api/generate'] ?? 0) - generations();

interface Extra {
	concurrency?: number;
	params?: Record<string, unknown>;
	continueOnFail?: boolean;
	items?: unknown[];
	qualitySpeed?: 'quality' | 'balanced' | 'speed';
}

async function run(
	itemOrder: 'grouped' | 'asReceived' | undefined,
	extra: Extra = {},
): Promise<INodeExecutionData[]> {
	const options = {
		...(itemOrder ? { itemOrder } : {}),
		...(extra.concurrency ? { concurrency: extra.concurrency } : {}),
		...(extra.qualitySpeed ? { qualitySpeed: extra.qualitySpeed } : {}),
		maxRetries: 0,
	};
	const out = await runNode({
		baseUrl: sim.url,
		prompts: extra.items ?? prompts,
		state,
		options,
		continueOnFail: extra.continueOnFail,
		params: { complexity: (i: number) => tierOf(i), simplifyOutput: true, ...extra.params },
	}).result;
	return out[0];
}

function expectPairedAndAnswered(out: INodeExecutionData[], count = ITEMS): void {
	expect(out).toHaveLength(count);
	expect(out.map((o) => o.pairedItem)).toEqual(
		Array.from({ length: count }, (_, i) => ({ item: i })),
	);
	out.forEach((o, i) =>
		expect(o.json).toMatchObject({
			model: MODEL_OF[tierOf(i)],
			response: expect.stringContaining(`#${i} `),
		}),
	);
}

describe('Generate grouped by model on a one-model box', () => {
	beforeEach(async () => box({ maxLoadedModels: 1 }));

	it('loads each model once (3 loads for 3 models), where As Received loads at almost every item', async () => {
		const grouped = await run(undefined);
		const groupedLoads = loads();
		expectPairedAndAnswered(grouped);

		await box({ maxLoadedModels: 1 });
		const asReceived = await run('asReceived');
		const asReceivedLoads = loads();
		expectPairedAndAnswered(asReceived);
		console.log(
			`[grouped] ${ITEMS} items, one-model box: ${groupedLoads} loads grouped vs ${asReceivedLoads} as received`,
		);

		expect(groupedLoads).toBe(3);
		expect(asReceivedLoads).toBeGreaterThanOrEqual(15);
		expect(grouped.map((o) => [o.json.model, o.json.response])).toEqual(
			asReceived.map((o) => [o.json.model, o.json.response]),
		);
	});

	it('says per item whether its model was already loaded, and the load time when not', async () => {
		const out = await run(undefined);
		const cold = out.filter((o) => o.json.modelAlreadyLoaded === false);
		expect(cold.map((o) => o.json.model).sort()).toEqual([
			'llama3.2:3b',
			'phi3:mini',
			'qwen2.5:7b',
		]);
		for (const o of cold) expect(o.json.loadMs).toBeGreaterThan(0);
		for (const o of out.filter((x) => x.json.modelAlreadyLoaded === true))
			expect(o.json.loadMs).toBeNull();
		expect(out.filter((o) => o.json.modelAlreadyLoaded === true)).toHaveLength(ITEMS - 3);
		// The metrics count the same loads, per model, with their load times.
		const registry = (state.metrics as MetricsRecorder).registry;
		for (const model of Object.values(MODEL_OF)) {
			expect(registry.valueOf(METRICS.modelLoads, [model, sim.url])).toBe(1);
			expect(registry.valueOf(METRICS.loadDuration, [model])).toBe(1);
		}
	});

	it('learns the box from the evictions it sees, then releases each finished model (keep_alive 0) before the next load', async () => {
		await run(undefined);
		expect(state.residency.holds(sim.url)).toBe(1);
		expect(state.residency.view(sim.url)?.evictions).toBeGreaterThanOrEqual(1);
		const learned = state.residency.view(sim.url)?.loadMs ?? {};
		expect(Object.keys(learned).sort()).toEqual(['llama3.2:3b', 'phi3:mini', 'qwen2.5:7b']);
		// Status shows the learned box.
		const [[status]] = await runNode({
			baseUrl: sim.url,
			prompts: ['x'],
			state,
			params: { operation: 'status' },
		}).result;
		const box = (
			status.json.residency as Record<
				string,
				{ loaded: string[]; holdsModels: number; loadMs: Record<string, number>; loads: number }
			>
		)[sim.url];
		expect(box).toMatchObject({ loaded: sim.loadedModels(), holdsModels: 1, loads: 3 });
		expect(Object.keys(box.loadMs).sort()).toEqual(['llama3.2:3b', 'phi3:mini', 'qwen2.5:7b']);
		for (const ms of Object.values(box.loadMs)) expect(ms).toBeGreaterThan(0);
		sim.resetStats();
		// Quality: every item keeps its model (no load preference), so the counts are exact.
		expectPairedAndAnswered(await run(undefined, { qualitySpeed: 'quality' }));
		// The last model of the first run is loaded: it runs first, the other two are loaded once each,
		// and the two models before a load are released.
		expect(loads()).toBe(2);
		expect(loadOnlyCalls()).toBe(2);
	});

	it('keeps a model whose Keep Alive the user set: no release for it', async () => {
		await run(undefined);
		sim.resetStats();
		const models = {
			model: ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'].map((name, i) => ({
				name,
				tier: ['low', 'medium', 'high'][i],
				...(i < 2 ? { modelOptions: { keep_alive: '10m' } } : {}),
			})),
		};
		const out = await run(undefined, { params: { models }, qualitySpeed: 'quality' });
		expectPairedAndAnswered(out);
		// Run order: llama3.2:3b (loaded), phi3:mini, qwen2.5:7b; the two released otherwise have a Keep Alive.
		expect(loadOnlyCalls()).toBe(0);
		expect(loads()).toBe(2);
	});

	it('Balanced: once load times are learned, a lone low item goes to a loaded model of a higher tier instead of loading its own; high items never go down', async () => {
		const items = prompts.slice(0, 12);
		const lowOnce = (i: number) => (i === 5 ? 'low' : 'high');
		// Loads of 40 s (0.4 s scaled), far above what the load of this machine adds to a warm answer;
		// qwen2.5:7b decodes at 2 tokens/s, so the loaded llama3.2:3b is clearly the cheaper host for the item.
		await box({
			maxLoadedModels: 1,
			models: SMALL_BOX_MODELS.map((m) => ({
				...m,
				loadMs: 40_000,
				...(m.name === 'qwen2.5:7b' ? { tokensPerS: 2 } : {}),
			})),
		});
		await run(undefined); // learns the load times and warm answer times; llama3.2:3b (the last group) stays loaded
		expect(state.residency.view(sim.url)?.loaded).toEqual(['llama3.2:3b']);
		sim.resetStats();
		const out = await run(undefined, {
			items,
			params: { complexity: lowOnce, simplifyOutput: false },
		});
		expect(out.map((o) => o.json.model)).toEqual(
			items.map((_, i) => (i === 5 ? 'llama3.2:3b' : 'qwen2.5:7b')),
		);
		const decision = out[5].json.decision as { reason: string; alternatives: string[] };
		expect(decision.reason).toMatch(
			/batch: answered by llama3\.2:3b, which is loaded already, instead of loading phi3:mini for 1 item \(load ~[\d.]+ s > ~[\d.]+ s of slower answers\)/,
		);
		expect(decision.alternatives[0]).toBe('phi3:mini');
		expect(loads()).toBe(1); // qwen2.5:7b only
		sim.resetStats();
		const quality = await run(undefined, {
			items,
			params: { complexity: lowOnce },
			qualitySpeed: 'quality',
		});
		expect(quality[5].json.model).toBe('phi3:mini');
	});

	it('Concurrency 4: items of one model run together, still one load per model, order and pairing kept', async () => {
		const out = await run(undefined, { concurrency: 4 });
		expectPairedAndAnswered(out);
		expect(loads()).toBe(3);
	});

	it('Continue On Fail: a bad item becomes an error item in its place; the others are answered', async () => {
		const items = prompts.slice(0, 6).map((p, i) => (i === 3 ? '   ' : p));
		const out = await run(undefined, { continueOnFail: true, items });
		expect(out.map((o) => o.pairedItem)).toEqual(items.map((_, i) => ({ item: i })));
		expect(out[3].json.error).toEqual(expect.stringContaining('empty'));
		for (const i of [0, 1, 2, 4, 5]) expect(out[i].json.model).toBe(MODEL_OF[tierOf(i)]);
	});

	it('without Continue On Fail the first error stops the execution before any model is called', async () => {
		const items = prompts.slice(0, 6).map((p, i) => (i === 3 ? '' : p));
		await expect(run(undefined, { items })).rejects.toThrow(/empty/i);
		expect(generations()).toBe(0);
	});
});

describe('Generate grouped by model on a box that holds every model', () => {
	it('costs no load when all are loaded, and gives the same answers as As Received', async () => {
		await box({ maxLoadedModels: 3, preloaded: SMALL_BOX_MODELS.map((m) => m.name) });
		const grouped = await run(undefined, { concurrency: 4 });
		const asReceived = await run('asReceived', { concurrency: 4 });
		expect(loads()).toBe(0);
		expectPairedAndAnswered(grouped);
		expect(grouped.map((o) => o.json.response)).toEqual(asReceived.map((o) => o.json.response));
	});

	it('on a box holding two of three models, preloads the next model while the last items of a group run', async () => {
		await box({ maxLoadedModels: 2 });
		await run(undefined);
		expect(state.residency.holds(sim.url)).toBe(2);
		sim.resetStats();
		const out = await run(undefined, { qualitySpeed: 'quality' });
		expectPairedAndAnswered(out);
		expect(loads()).toBe(1);
		expect(loadOnlyCalls()).toBe(1); // the preload
	});
});
