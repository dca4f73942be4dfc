/**
 * Chaos through the real node: 500 items, 3 models, two of them failing ~30 % of calls with every
 * fault kind (fixed simulator seed). Every item must be answered exactly once, in order, paired.
 */
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { startOllamaSimulator, type FaultSpec, type OllamaSimulator } from '../../support/ollama-simulator';
import { runNode, timed } from '../../support/node-run';

let state = createDispatcherState();

const ITEMS = 500;
const CONCURRENCY = 4;
const FIRST_TOKEN_MS = 300;
const FAULTS: FaultSpec[] = (['reset', 'http500', 'busy', 'hang', 'midstream', 'truncated', 'garbage'] as const).map((kind) => ({
	kind,
	rate: 0.05, // 7 kinds × 5 % ≈ 30 % of calls fail
}));
let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.002,
		numParallel: 4,
		seed: 20261122,
		preloaded: ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'],
		faults: { 'llama3.2:3b': FAULTS, 'qwen2.5:7b': FAULTS },
	});
	state = createDispatcherState();
});
afterAll(async () => {
	await sim.close();
});

it(`answers all ${ITEMS} items exactly once, in order and paired, in bounded time`, async () => {
	const prompts = Array.from({ length: ITEMS }, (_, i) => `#${i} please summarize the weekly status update for the team in one sentence`);
	const tiers = ['low', 'medium', 'high'];
	const { value, ms } = await timed(
		runNode({
			state,
			baseUrl: sim.url,
			prompts,
			continueOnFail: true,
			params: { complexity: (i: number) => tiers[i % 3] },
			options: { concurrency: CONCURRENCY, firstTokenTimeoutMs: FIRST_TOKEN_MS, retryDelayMs: 20, breakerCooldownMs: 200 },
		}).result,
	);
	const out = value[0];

	expect(out).toHaveLength(ITEMS);
	expect(out.map((o) => o.pairedItem)).toEqual(prompts.map((_, i) => ({ item: i })));
	const errors = out.filter((o) => o.json.error !== undefined);
	expect(errors.map((o) => o.json.error)).toEqual([]);
	// The simulator echoes the prompt: each item got its own answer, none swapped or duplicated.
	expect(out.map((o) => (o.json.response as string).split(' ')[1])).toEqual(prompts.map((p) => p.split(' ')[0]));

	const attempts = out.flatMap((o) => o.json.attempts as Array<{ ok: boolean; kind?: string; retry?: number; ms: number }>);
	const byKind: Record<string, number> = {};
	for (const a of attempts) byKind[a.kind ?? 'ok'] = (byKind[a.kind ?? 'ok'] ?? 0) + 1;
	const retries = attempts.filter((a) => a.retry).length;
	const byModel: Record<string, number> = {};
	for (const o of out) byModel[o.json.model as string] = (byModel[o.json.model as string] ?? 0) + 1;
	const slowest = Math.max(...attempts.map((a) => a.ms));
	const counters = state.resilience.counters();
	console.log(
		`[chaos] ${ITEMS} items, concurrency ${CONCURRENCY}: answered ${ITEMS - errors.length}/${ITEMS}, lost 0, duplicated 0; ` +
			`total ${ms} ms; attempts ${attempts.length} by kind ${JSON.stringify(byKind)}; retries ${retries}; ` +
			`breaker opens ${counters.breakerOpens}, probes ${counters.probes}; answered by ${JSON.stringify(byModel)}; ` +
			`faults injected ${JSON.stringify(sim.stats().faultsInjected)}; slowest attempt ${slowest} ms`,
	);
	expect(byKind.ok).toBe(ITEMS);
	for (const kind of ['connection', 'http_5xx', 'busy', 'timeout', 'stream_error', 'truncated', 'garbage']) {
		expect(byKind[kind]).toBeGreaterThan(0);
	}
	expect(slowest).toBeLessThan(FIRST_TOKEN_MS + 700); // no attempt outlived its limit by much
	expect(ms).toBeLessThan(60_000);
});
