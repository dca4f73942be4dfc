/**
 * Chaos through the real node: 500 items, 3 models, two of them failing ~30 % of calls with every
 * fault kind (fixed simulator seed). Every item must be answered exactly once, in order, paired.
 * Time is checked against the limits that would apply if the configured ones did not (the default
 * first-token limit), never against how fast this machine is: the run's figures are printed.
 */
import { DEFAULT_FIRST_TOKEN_TIMEOUTS_MS } from '../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import {
	startOllamaSimulator,
	type FaultSpec,
	type OllamaSimulator,
} from '../../support/simulator';
import { runNode, timed } from '../../support/node-run';

let state = createDispatcherState();

const ITEMS = 500;
const CONCURRENCY = 4;
// Cuts the injected hangs; long enough that a healthy model's first token (a few ms of simulated
// latency) is not cut on a machine so busy that the test process waits a second for the CPU.
const FIRST_TOKEN_MS = 2_000;
const FAULTS: FaultSpec[] = (
	['reset', 'http500', 'busy', 'hang', 'midstream', 'truncated', 'garbage'] as const
).map((kind) => ({
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

it(`answers all ${ITEMS} items exactly once, in order and paired, every hang cut at the configured limit`, async () => {
	const prompts = Array.from(
		{ length: ITEMS },
		(_, i) => `#${i} please summarize the weekly status update for the team in one sentence`,
	);
	const tiers = ['low', 'medium', 'high'];
	const { value, ms } = await timed(
		runNode({
			state,
			baseUrl: sim.url,
			prompts,
			continueOnFail: true,
			params: { complexity: (i: number) => tiers[i % 3] },
			options: {
				concurrency: CONCURRENCY,
				firstTokenTimeoutMs: FIRST_TOKEN_MS,
				retryDelayMs: 20,
				breakerCooldownMs: 200,
			},
		}).result,
	);
	const out = value[0];

	expect(out).toHaveLength(ITEMS);
	expect(out.map((o) => o.pairedItem)).toEqual(prompts.map((_, i) => ({ item: i })));
	const errors = out.filter((o) => o.json.error !== undefined);
	expect(errors.map((o) => o.json.error)).toEqual([]);
	// The simulator echoes the prompt: each item got its own answer, none swapped or duplicated.
	expect(out.map((o) => (o.json.response as string).split(' ')[1])).toEqual(
		prompts.map((p) => p.split(' ')[0]),
	);

	const attempts = out.flatMap(
		(o) => o.json.attempts as Array<{ ok: boolean; kind?: string; retry?: number; ms: number }>,
	);
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
	for (const kind of [
		'connection',
		'http_5xx',
		'busy',
		'timeout',
		'stream_error',
		'truncated',
		'garbage',
	]) {
		expect(byKind[kind]).toBeGreaterThan(0);
	}
	// Every hang was cut by the configured first-token limit, not left to the default one (10 s),
	// which is what would cut it if the option were not applied: each timeout names the limit that fired.
	const timeouts = attempts.filter((a) => a.kind === 'timeout') as Array<{ error?: string }>;
	expect(new Set(timeouts.map((a) => a.error))).toEqual(
		new Set([`no first token within ${FIRST_TOKEN_MS} ms (timed out)`]),
	);
	expect(FIRST_TOKEN_MS).toBeLessThan(DEFAULT_FIRST_TOKEN_TIMEOUTS_MS.low);
}, 300_000); // 500 items, ~30 hangs of 2 s at concurrency 4: minutes on a busy machine
