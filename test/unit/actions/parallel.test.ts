/** Parallel items: 4 at a time against a simulator with 4 slots, versus 1 at a time. */
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import { runNode, timed } from '../../support/node-run';

let state = createDispatcherState();

const ITEMS = 100;
let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.05,
		numParallel: 4,
		preloaded: ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'],
	});
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	state = createDispatcherState();
});

const prompts = Array.from(
	{ length: ITEMS },
	(_, i) => `#${i} thanks, lunch moved to 1pm, see you there`,
);

async function runWith(concurrency: number) {
	sim.resetStats();
	const { value, ms } = await timed(
		runNode({ state, baseUrl: sim.url, prompts, options: { concurrency } }).result,
	);
	return { out: value[0], ms, peak: sim.stats().maxInFlight };
}

it(`gives identical outputs with concurrency 4 and 1 on ${ITEMS} items, faster`, async () => {
	const one = await runWith(1);
	const four = await runWith(4);
	const view = (o: (typeof one.out)[number]) => [o.pairedItem, o.json.model, o.json.response];
	expect(four.out.map(view)).toEqual(one.out.map(view));
	expect(four.out.map((o) => o.pairedItem)).toEqual(prompts.map((_, i) => ({ item: i })));
	const speedup = one.ms / four.ms;
	console.log(
		`[parallel] ${ITEMS} items: concurrency 1 ${one.ms} ms, concurrency 4 ${four.ms} ms, speedup ×${speedup.toFixed(2)}; ` +
			`simulator peak in flight ${JSON.stringify(one.peak)} vs ${JSON.stringify(four.peak)}`,
	);
	// Faster because the calls overlap at the simulator (the wall-time speedup is printed, not asserted).
	expect(Math.max(...Object.values(one.peak))).toBe(1);
	expect(Math.max(...Object.values(four.peak))).toBeGreaterThan(1);
});
