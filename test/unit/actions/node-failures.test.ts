/**
 * Through the real node: every model down, one of two hosts down, the workflow's Stop. What items
 * paid is checked as counts (tries, their kinds, calls the simulator received) and time only against
 * the limit that would apply if the configured one did not, never against how fast this machine
 * is. Figures are printed.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { DEFAULT_FIRST_TOKEN_TIMEOUTS_MS } from '../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import { runNode, timed } from '../../support/node-run';

let state = createDispatcherState();

const ALL = ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'];
let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.005, numParallel: 4, preloaded: ALL });
});
afterAll(async () => {
	await sim.close();
});
afterEach(async () => {
	sim.clearFaults();
	await sim.setServerDown(false);
	state = createDispatcherState();
});

const prompts = (n: number) =>
	Array.from({ length: n }, (_, i) => `#${i} summarize in one line: lunch moved to 1pm`);

describe('every model down', () => {
	it('hung: each item fails within the configured limits with its attempts listed, one error item per input', async () => {
		for (const m of ALL) sim.setFault(m, { kind: 'hang' });
		const limitMs = 200;
		const { value, ms } = await timed(
			runNode({
				state,
				baseUrl: sim.url,
				prompts: prompts(12),
				continueOnFail: true,
				options: { firstTokenTimeoutMs: limitMs },
			}).result,
		);
		const out = value[0];
		expect(out).toHaveLength(12);
		expect(out.map((o) => o.pairedItem)).toEqual(out.map((_, i) => ({ item: i })));
		const attempts = out.map(
			(o) => o.json.attempts as Array<{ model: string; kind: string; error: string; ms: number }>,
		);
		for (const o of out) expect(o.json.code).toBe('ALL_CANDIDATES_FAILED');
		// Items 1-3 pay one timeout per model (timeouts are not retried); then all three circuits are open.
		expect(attempts.slice(0, 3).map((l) => l.map((a) => a.kind))).toEqual(
			Array(3).fill(['timeout', 'timeout', 'timeout']),
		);
		expect(
			attempts
				.slice(3)
				.every((l) => l.length === 3 && l.every((a) => a.kind === 'circuit_open' && a.ms === 0)),
		).toBe(true);
		expect(out[5].json.error).toBe(
			'All 3 models failed: phi3:mini, llama3.2:3b and qwen2.5:7b skipped after repeated failures',
		);
		expect(out[5].json.description).toMatch(
			/1\. phi3:mini \(0 ms\): circuit open since .*, retry after /,
		);
		// Each timeout was cut by the configured 200 ms, not the default first-token limit (10 s and
		// more): the attempt names the limit that fired. The waits are printed, not asserted.
		const timedOut = attempts.slice(0, 3).flat();
		expect(timedOut.map((a) => a.error)).toEqual(
			Array(9).fill(`no first token within ${limitMs} ms (timed out)`),
		);
		expect(limitMs).toBeLessThan(DEFAULT_FIRST_TOKEN_TIMEOUTS_MS.low);
		const waited = timedOut.map((a) => a.ms);
		// 9 calls in all (3 items × 3 models); items 4-12 made none.
		const calls = Object.values(sim.stats().generations).reduce((a, b) => a + b, 0);
		console.log(
			`[all down] hung: 12 items failed in ${ms} ms total; timeouts waited ${JSON.stringify(waited)} ms; ${calls} calls; items 4-12 failed at once`,
		);
		expect(calls).toBe(9);
	});

	it('unreachable host: items fail fast, and without Continue On Fail the node throws naming the attempts', async () => {
		await sim.setServerDown(true);
		const { value, ms } = await timed(
			runNode({
				state,
				baseUrl: sim.url,
				prompts: prompts(20),
				continueOnFail: true,
				options: { retryDelayMs: 50 },
			}).result,
		);
		expect(value[0]).toHaveLength(20);
		expect(value[0].every((o) => o.json.code === 'ALL_CANDIDATES_FAILED')).toBe(true);
		const kinds = value[0].map((o) =>
			(o.json.attempts as Array<{ kind: string; ms: number }>).map((a) => a.kind),
		);
		expect(kinds[0]).toEqual(Array(6).fill('connection'));
		console.log(
			`[all down] unreachable: 20 items failed in ${ms} ms total; tries by item ${JSON.stringify(kinds.map((k) => k.join('/')))}`,
		);
		// Fast: a refused connection is never waited out as a timeout, and once the circuits are open
		// an item fails without a try.
		// Item 1: each model tried and retried; item 2: the third failures open the circuits; items 3-20: no try.
		expect(kinds).toEqual([
			Array(6).fill('connection'),
			Array(3).fill('connection'),
			...Array(18).fill(Array(3).fill('circuit_open')),
		]);

		const error = await runNode({ state, baseUrl: sim.url, prompts: prompts(3) }).result.catch(
			(e: unknown) => e,
		);
		expect((error as Error).message).toBe(
			'All 3 models failed: phi3:mini, llama3.2:3b and qwen2.5:7b skipped after repeated failures',
		);
		expect((error as NodeApiError).description).toMatch(
			/1\. phi3:mini \(0 ms\): circuit open since/,
		);
	});
});

describe('several hosts', () => {
	let other: OllamaSimulator;
	beforeAll(async () => {
		other = await startOllamaSimulator({ timeScale: 0.005, numParallel: 4, preloaded: ALL });
	});
	afterAll(async () => {
		await other.close();
	});

	it('answers every item from the other host when one host is down, and Status shows the open breakers', async () => {
		await sim.setServerDown(true);
		const credentials = { baseUrl: `${sim.url}, ${other.url}` };
		const { value, ms } = await timed(
			runNode({
				state,
				baseUrl: sim.url,
				credentials,
				prompts: prompts(30),
				options: { concurrency: 3 },
			}).result,
		);
		const out = value[0];
		expect(out.map((o) => o.json.error)).toEqual(Array(30).fill(undefined));
		expect(out.every((o) => o.json.host === other.url)).toBe(true);
		expect(out.map((o) => (o.json.response as string).split(' ')[1])).toEqual(
			prompts(30).map((p) => p.split(' ')[0]),
		);
		const failedTries = out
			.flatMap((o) => o.json.attempts as Array<{ ok: boolean }>)
			.filter((a) => !a.ok).length;
		console.log(
			`[hosts] one of two hosts down: 30/30 answered by the other in ${ms} ms; failed tries on the dead host ${failedTries}`,
		);
		expect(failedTries).toBeLessThanOrEqual(3 + 2); // until its breaker opens (plus items already in flight)

		const [status] = await runNode({
			state,
			baseUrl: sim.url,
			credentials,
			prompts: ['x'],
			params: { operation: 'status' },
		}).result;
		expect(status[0].json.breakers).toEqual([
			{
				model: 'phi3:mini',
				host: sim.url,
				state: 'open',
				since: expect.any(String),
				retryAfter: expect.any(String),
			},
		]);
	});

	it('Select Model skips open circuits and names the healthy host', async () => {
		await sim.setServerDown(true);
		const credentials = { baseUrl: `${sim.url},${other.url}` };
		await runNode({ state, baseUrl: sim.url, credentials, prompts: prompts(4) }).result;
		const [picked] = await runNode({
			state,
			baseUrl: sim.url,
			credentials,
			prompts: ['hi'],
			params: { operation: 'selectModel' },
		}).result;
		expect(picked[0].json).toMatchObject({ model: 'phi3:mini', baseUrl: other.url });

		const single = { baseUrl: sim.url };
		await runNode({
			state,
			baseUrl: sim.url,
			credentials: single,
			prompts: prompts(3),
			continueOnFail: true,
		}).result;
		const [none] = await runNode({
			state,
			baseUrl: sim.url,
			credentials: single,
			prompts: ['hi'],
			params: { operation: 'selectModel' },
		}).result;
		expect(none[0].json.model).toBeNull();
		expect((none[0].json.decision as { reason: string }).reason).toMatch(
			/^every model is excluded: .*phi3:mini: circuit open since /,
		);
	});

	it('auto-discovers models from the next host when the first is down', async () => {
		await sim.setServerDown(true);
		const credentials = { baseUrl: `${sim.url},${other.url}` };
		const [out] = await runNode({
			state,
			baseUrl: sim.url,
			credentials,
			prompts: prompts(3),
			params: { modelSource: 'auto' },
		}).result;
		expect(out.map((o) => o.json.host)).toEqual([other.url, other.url, other.url]);
	});

	it('uses the host that has the model when the other reports it missing', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'notfound' });
		const credentials = { baseUrl: `${sim.url},${other.url}` };
		const [out] = await runNode({
			state,
			baseUrl: sim.url,
			credentials,
			prompts: prompts(6),
			params: { complexity: 'high' },
		}).result;
		expect(out.map((o) => [o.json.model, o.json.host])).toEqual(
			Array(6).fill(['qwen2.5:7b', other.url]),
		);
	});
});

describe("the workflow's Stop", () => {
	it('aborts in-flight requests at once, even with long timeouts and parallel items', async () => {
		for (const m of ALL) sim.setFault(m, { kind: 'hang' });
		sim.resetStats();
		const controller = new AbortController();
		// Limits of an hour: without the Stop reaching the calls in flight, the node would not return
		// within the test's own time limit.
		const firstTokenTimeoutMs = 3_600_000;
		const run = runNode({
			state,
			baseUrl: sim.url,
			prompts: prompts(8),
			cancelSignal: controller.signal,
			options: {
				concurrency: 4,
				firstTokenTimeoutMs,
				timeoutLowMs: firstTokenTimeoutMs,
				timeoutMediumMs: firstTokenTimeoutMs,
				timeoutHighMs: firstTokenTimeoutMs,
			},
		});
		// Stop once the four items' calls hang in flight.
		const started = performance.now();
		while ((sim.stats().generations['phi3:mini'] ?? 0) < 4)
			await new Promise((resolve) => setTimeout(resolve, 10));
		const stoppedAfterMs = Math.round(performance.now() - started);
		controller.abort();
		const { value: error, ms } = await timed(run.result.catch((e: unknown) => e));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(/cancelled/);
		console.log(
			`[stop] 4 hung items in flight, Stop after ${stoppedAfterMs} ms: node returned ${ms} ms later (first-token limit ${firstTokenTimeoutMs} ms)`,
		);
		// The hung calls ended by the Stop: no next model was tried and no fifth item started.
		expect(sim.stats().generations).toEqual({ 'phi3:mini': 4, 'llama3.2:3b': 0, 'qwen2.5:7b': 0 });
	});
});
