/**
 * Breakers against the simulator through `dispatch` with real ports: a dead model stops costing
 * time once its circuit opens; a hung model costs the timeout only until then, and again only for
 * its probe; an adaptive timeout cuts a model that turned slow.
 *
 * What an item paid is checked as counts (calls the dead model received, backoff sleeps asked for,
 * attempts that waited for a timeout), and cooldowns pass by moving the engine's clock, not by
 * sleeping: the checks hold however busy the machine is. Wall times are printed.
 */
import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import { resolveResilience } from '../../../../nodes/AiDispatcher/engine/resilience/settings';
import {
	adaptiveTotalMs,
	DEFAULT_FIRST_TOKEN_TIMEOUTS_MS,
	DEFAULT_TIMEOUTS_MS,
} from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import type { ResilienceOverrides } from '../../../../nodes/AiDispatcher/engine/resilience/settings';
import type {
	DispatchRequest,
	DispatchResult,
	ModelSpec,
} from '../../../../nodes/AiDispatcher/engine/types';
import { startOllamaSimulator, type OllamaSimulator } from '../../../support/simulator';
import { countingSleep, realPorts, testClock, type TestClock } from '../../../support/real-ports';

let state = createDispatcherState();

const DEAD = 'qwen2.5:7b';
let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.01,
		numParallel: 4,
		preloaded: ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'],
	});
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	sim.clearFaults();
	state = createDispatcherState();
});

const models: ModelSpec[] = [
	{ name: 'phi3:mini', tier: 'low', tasks: [], options: {} },
	{ name: 'llama3.2:3b', tier: 'medium', tasks: [], options: {} },
	{ name: DEAD, tier: 'high', tasks: [], options: {} },
];
const config = (resilience: ResilienceOverrides): DispatchConfig => ({
	baseUrls: [sim.url],
	models,
	timeoutsMs: DEFAULT_TIMEOUTS_MS,
	resilience,
});
const request = (i: number): DispatchRequest => ({
	prompt: `#${i} explain the outage report`,
	task: 'auto',
	complexity: 'high',
	format: { type: 'text' },
});

interface ItemRun {
	result: DispatchResult;
	wallMs: number;
	/** Wall time not spent on the answering attempt: what the failing model cost this item (printed). */
	extraMs: number;
	triedDead: boolean;
	/** Backoff sleeps the item asked for, in milliseconds. */
	slept: number[];
	/** Generate calls the dead model received during this item. */
	deadCalls: number;
}

async function item(
	i: number,
	resilience: ResilienceOverrides,
	clock?: TestClock,
): Promise<ItemRun> {
	const sleep = countingSleep();
	const deadBefore = sim.stats().generations[DEAD] ?? 0;
	const started = performance.now();
	const result = await dispatch(
		request(i),
		config(resilience),
		state,
		realPorts({ seed: i, clock, sleep: sleep.sleep }),
	);
	const wallMs = performance.now() - started;
	const answering = result.attempts[result.attempts.length - 1];
	return {
		result,
		wallMs,
		extraMs: Math.max(0, wallMs - answering.ms),
		triedDead: result.attempts.some((a) => a.model === DEAD && a.kind !== 'circuit_open'),
		slept: sleep.requested,
		deadCalls: (sim.stats().generations[DEAD] ?? 0) - deadBefore,
	};
}

const avg = (values: number[]) =>
	values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;

describe('a dead model', () => {
	it('costs no extra time per item once its breaker has opened', async () => {
		sim.setFault(DEAD, { kind: 'http500' });
		const resilience = {
			backoff: { baseDelayMs: 200, maxDelayMs: 2_000 },
			breaker: { cooldownMs: 60_000 },
		};
		const runs: ItemRun[] = [];
		for (let i = 0; i < 12; i++) runs.push(await item(i, resilience));

		expect(runs.map((r) => r.result.model)).toEqual(Array(12).fill('llama3.2:3b'));
		const openedAt = runs.findIndex((r) => !r.triedDead);
		expect(openedAt).toBe(2); // item 0: try + retry, item 1: the third failure opens it
		expect(state.resilience.getBreaker(sim.url, DEAD).state).toBe('open');
		const before = runs.slice(0, openedAt);
		const after = runs.slice(openedAt);
		expect(after.every((r) => !r.triedDead)).toBe(true);
		expect(after[0].result.decision.reason).toMatch(
			/skipped qwen2\.5:7b: circuit open since .*, retry after /,
		);

		// What the dead model cost, as counts: before the breaker opened, calls to it and a backoff
		// sleep; after, nothing: no call, no sleep, one attempt (the answering one).
		expect(before.map((r) => r.deadCalls)).toEqual([2, 1]);
		expect(before.map((r) => r.slept.length)).toEqual([1, 1]);
		expect(after.map((r) => r.deadCalls)).toEqual(Array(after.length).fill(0));
		expect(after.map((r) => r.slept)).toEqual(Array(after.length).fill([]));
		expect(after.map((r) => r.result.attempts.map((a) => `${a.model} ${a.ok}`))).toEqual(
			Array(after.length).fill(['llama3.2:3b true']),
		);
		expect(sim.stats().generations[DEAD]).toBe(3);
		console.log(
			`[breaker] dead model ${DEAD}: extra ms per item before the breaker opened ${avg(before.map((r) => r.extraMs)).toFixed(1)} ` +
				`(items 1-${openedAt}, backoff asked ${JSON.stringify(before.map((r) => r.slept))} ms), after ${avg(after.map((r) => r.extraMs)).toFixed(1)} ` +
				`(items ${openedAt + 1}-12, no call, no sleep); dead-model calls ${sim.stats().generations[DEAD]}`,
		);
	});
});

describe('a hung model', () => {
	it('costs the first-token timeout only until its breaker opens, then only for its probe', async () => {
		sim.setFault(DEAD, { kind: 'hang' });
		const cooldownMs = 60_000;
		const resilience = { firstTokenTimeoutsMs: { high: 300 }, breaker: { cooldownMs } };
		// The cooldown passes by moving the engine's clock: a long cooldown that no busy machine
		// outlasts between two items, and no real wait.
		const clock = testClock();
		const paid: boolean[] = [];
		const wall: number[] = [];
		const runItem = async (i: number) => {
			const r = await item(i, resilience, clock);
			const hung = r.result.attempts.find((a) => a.model === DEAD && a.kind !== 'circuit_open');
			paid.push(hung?.kind === 'timeout');
			wall.push(Math.round(r.wallMs));
			if (hung && !hung.ok) {
				expect(hung.kind).toBe('timeout');
				// Cut by the 300 ms limit, not the tier's default first-token limit.
				expect(hung.error).toBe('no first token within 300 ms (timed out)');
				expect(300).toBeLessThan(DEFAULT_FIRST_TOKEN_TIMEOUTS_MS.high);
			} else {
				expect(r.deadCalls).toBe(r.result.model === DEAD ? 1 : 0);
			}
			return r;
		};
		for (let i = 0; i < 8; i++) await runItem(i);
		clock.advance(cooldownMs + 100);
		await runItem(8); // probe: pays the timeout, re-opens
		await runItem(9);
		sim.clearFaults();
		clock.advance(cooldownMs + 100);
		const recovered = await runItem(10); // probe succeeds: closed again
		const next = await runItem(11);

		console.log(
			`[breaker] hung model: paid the 300 ms timeout per item ${JSON.stringify(paid.map(Number))}; wall ms ${JSON.stringify(wall)}`,
		);
		expect(paid).toEqual([
			true,
			true,
			true,
			false,
			false,
			false,
			false,
			false,
			true,
			false,
			false,
			false,
		]);
		expect(recovered.result.model).toBe(DEAD);
		expect(next.result.model).toBe(DEAD);
		expect(state.resilience.getBreaker(sim.url, DEAD).state).toBe('closed');
	});
});

describe('adaptive timeout', () => {
	it('cuts a model that turned slow at a multiple of its learned p95, not the flat tier timeout', async () => {
		const resilience = {
			adaptiveTimeout: { floorMs: 250, minSamples: 10, multiplier: 3 },
			breaker: { failureThreshold: 100 },
		};
		for (let i = 0; i < 10; i++) expect((await item(i, resilience)).result.model).toBe(DEAD);
		const learnedLimitMs = adaptiveTotalMs(
			DEFAULT_TIMEOUTS_MS.high,
			state.resilience.latencies(sim.url, DEAD),
			resolveResilience(resilience).adaptiveTimeout,
		);
		sim.setFault(DEAD, { kind: 'slow', factor: 400 });
		const r = await item(99, resilience);
		const cut = r.result.attempts.find((a) => a.model === DEAD);
		console.log(
			`[adaptive] slow model cut after ${cut?.ms} ms; learned limit ${learnedLimitMs} ms (3 × p95 of ${state.resilience.latencies(sim.url, DEAD).length} answers), ` +
				`tier timeout ${DEFAULT_TIMEOUTS_MS.high} ms`,
		);
		expect(learnedLimitMs).toBeLessThan(DEFAULT_TIMEOUTS_MS.high);
		expect(cut?.kind).toBe('timeout');
		// The attempt names the limit that cut it: the learned one (first token or whole reply), not the tier's.
		expect(cut?.error).toMatch(
			new RegExp(`^no (first token|complete reply) within ${learnedLimitMs} ms \\(timed out\\)$`),
		);
		expect(r.result.model).toBe('llama3.2:3b');
	});
});
