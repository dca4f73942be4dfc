/**
 * The node under n8n's queue mode, all parts real: a private Redis and Postgres, an n8n main and two
 * `n8n worker` processes (each with the packed package in its own user folder, one shared encryption
 * key), the Ollama simulator, a Pushgateway and a Prometheus scraping it (honor_labels).
 *
 *  1. A webhook digest (Webhook → AI Dispatcher → Respond to Webhook), published, called 4 times at
 *     once with 10 items each: 40/40 answered, each once (the simulator saw 40 generations), in
 *     order, and the executions ran on both workers (each execution id found in exactly one worker's
 *     log). The same with a Basic LLM Chain over the AI Dispatcher Chat Model.
 *  2. Per-process metrics: the Pushgateway holds one `ai_dispatcher` group per worker (distinct
 *     `instance` labels), and `sum(ai_dispatcher_items_total)` over the groups, read from
 *     Prometheus, equals the items answered.
 *  3. Shared model health: qwen2.5:7b fails every call. One execution opens its breaker on the worker
 *     that ran it; once that worker's push has been scraped, 4 concurrent calls (spread over both
 *     workers) send qwen2.5:7b no call at all: the other worker skips it through Prometheus.
 *  4. A stopped worker's group stays in the Pushgateway until the documented DELETE removes it; it
 *     counted exactly the items of the executions that worker ran.
 *
 * Workers run with --concurrency=2 so that 4 simultaneous calls cannot all land on one worker.
 * Needs `npm run build` first (the package is packed from dist).
 */
import { withPackedPackage } from '../support/n8n-harness';
import {
	startPrometheus,
	startPushgateway,
	type PrometheusHarness,
	type PushgatewayHarness,
} from '../support/prometheus';
import { startQueueCluster, type QueueCluster } from '../support/queue/n8n-cluster';
import { ensureQueueRuntime } from '../support/queue/runtime';
import {
	CREDENTIAL,
	callWebhook,
	chainWorkflow,
	dispatcherWorkflow,
	itemsOf,
	type QueueResponse,
} from '../support/queue/workflows';
import { startOllamaSimulator, type OllamaSimulator } from '../support/simulator';

const CALLS = 4;
const ITEMS = 10;
const DIGEST = 'queueDigest';
const CHAIN = 'queueChain';
const FAILING = 'queueFailing';
const FAILING_MODEL = 'qwen2.5:7b';

interface Sample {
	metric: Record<string, string>;
	value: [number, string];
}

describe('queue mode: n8n main + 2 workers, Redis, Postgres, a shared Prometheus', () => {
	let sim: OllamaSimulator;
	let pgw: PushgatewayHarness;
	let prom: PrometheusHarness;
	let cluster: QueueCluster;
	const figures: string[] = [];
	const t0 = Date.now();
	/** Items each execution answered, by execution id (what its worker's group counts). */
	const itemsByExecution = new Map<string, number>();
	/** The worker whose breaker opened on the failing model (the only group with an own opening). */
	let opener: number | undefined;

	beforeAll(async () => {
		const runtime = await ensureQueueRuntime();
		sim = await startOllamaSimulator({ timeScale: 0.05, numParallel: 4 });
		pgw = await startPushgateway();
		prom = await startPrometheus({
			withNodeExporter: false,
			targets: [{ job: 'pushgateway', address: pgw.address, honorLabels: true }],
		});
		cluster = await withPackedPackage((tgz) =>
			startQueueCluster({
				runtime,
				tgz,
				workers: 2,
				workerConcurrency: 2,
				credentials: [
					{
						...CREDENTIAL,
						type: 'aiDispatcherApi',
						// {process}: one group per process under a name of ours (workers share the credential).
						data: {
							baseUrl: sim.url,
							prometheusUrl: prom.url,
							prometheusAuth: 'none',
							pushgatewayUrl: pgw.url,
							metricsInstance: 'queue-{process}',
						},
					},
				],
				workflows: [
					dispatcherWorkflow(DIGEST, 'queue-digest'),
					chainWorkflow(CHAIN, 'queue-chain'),
					// Forced high: qwen2.5:7b is every item's first choice; no retries, the breaker opens after 2 failures.
					// Signals every second, in a cache entry of its own (the key is the credential's URLs and the queries).
					dispatcherWorkflow(
						FAILING,
						'queue-failing',
						{ maxRetries: 0, breakerFailures: 2, breakerCooldownMs: 120_000 },
						{ complexity: 'high', signalOptions: { cacheTtlSeconds: 1, rateWindow: '30s' } },
					),
				],
				publish: [DIGEST, CHAIN, FAILING],
			}),
		);
		figures.push(
			`start: ${Object.entries(cluster.timings)
				.map(([k, s]) => `${k} ${s} s`)
				.join(', ')}`,
		);
	});

	afterAll(async () => {
		const groups = cluster
			? [
					cluster.redis,
					cluster.postgres,
					cluster.main.service,
					...cluster.workers.map((w) => w.service),
				].map((s) => s.pid)
			: [];
		try {
			await cluster?.stop();
		} finally {
			await prom?.stop();
			await pgw?.stop();
			await sim?.close();
		}
		// Every process group the cluster started (Redis, Postgres and its backends, n8n and its task runners) is gone.
		const alive = groups.filter((pgid) => {
			try {
				process.kill(-pgid, 0);
				return true;
			} catch {
				return false;
			}
		});
		figures.push(
			`after stop: ${alive.length} of ${groups.length} process groups alive`,
			`whole file ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
		console.log(`[queue-mode e2e]\n  ${figures.join('\n  ')}`);
		expect(alive).toEqual([]);
	});

	/** Calls `path` `CALLS` times at once with `ITEMS` items each; checks each answer list against its items. */
	async function burst(
		path: string,
		answerOf: (a: QueueResponse['answers'][number]) => string | undefined,
		call0 = 0,
	): Promise<QueueResponse[]> {
		const batches = Array.from({ length: CALLS }, (_, c) => itemsOf(call0 + c, ITEMS));
		const started = Date.now();
		const responses = await Promise.all(
			batches.map((items) => callWebhook(cluster.main.url, path, items)),
		);
		for (const r of responses) itemsByExecution.set(String(r.executionId), r.answers.length);
		figures.push(
			`${path}: ${CALLS} calls × ${ITEMS} items answered in ${((Date.now() - started) / 1000).toFixed(1)} s`,
		);
		responses.forEach((res, c) => {
			// In order, each item once: the answer at position i names the item sent at position i.
			expect(res.answers).toHaveLength(ITEMS);
			res.answers.forEach((a, i) =>
				expect({ c, i, answer: answerOf(a) }).toEqual({
					c,
					i,
					answer: expect.stringContaining(`item ${batches[c][i].id} `),
				}),
			);
		});
		return responses;
	}

	/**
	 * Waits until Prometheus (scraping the Pushgateway) holds `want` items summed over the dispatcher's
	 * groups; returns the per-group sums. Pushes trail executions by at most the push interval (5 s).
	 */
	async function itemsInPrometheus(want: number): Promise<Sample[]> {
		const deadline = Date.now() + 60_000;
		let samples: Sample[] = [];
		while (Date.now() < deadline) {
			samples = (await prom.query(
				'sum by (instance) (ai_dispatcher_items_total{job="ai_dispatcher"})',
			)) as Sample[];
			if (samples.reduce((n, s) => n + Number(s.value[1]), 0) === want) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		return samples;
	}

	/** The `instance` labels of the dispatcher's groups in the Pushgateway itself. */
	async function pushGroups(): Promise<Set<string>> {
		const text = await pgw.metrics();
		return new Set(
			[
				...text.matchAll(
					/^push_time_seconds\{[^}]*instance="([^"]+)"[^}]*job="ai_dispatcher"[^}]*\}/gm,
				),
			].map((m) => m[1]),
		);
	}

	/** Which worker ran each response's execution (each id in exactly one worker's log). */
	function workersOf(responses: QueueResponse[]): number[] {
		return responses.map((r) => {
			const owners = cluster.workers.filter((w) => w.executions().includes(String(r.executionId)));
			expect({ execution: r.executionId, owners: owners.length }).toEqual({
				execution: r.executionId,
				owners: 1,
			});
			return owners[0].index;
		});
	}

	it('answers 4 concurrent webhook calls × 10 items, each item once and in order, on both workers', async () => {
		sim.resetStats();
		const responses = await burst('queue-digest', (a) =>
			typeof a.response === 'string' ? a.response : undefined,
		);
		const generations = Object.values(sim.stats().generations).reduce((n, v) => n + v, 0);
		expect(generations).toBe(CALLS * ITEMS);
		const workers = workersOf(responses);
		expect(new Set(workers)).toEqual(new Set([1, 2]));
		expect(new Set(responses.map((r) => r.executionId)).size).toBe(CALLS);
		figures.push(
			`digest: ${generations} generations for ${CALLS * ITEMS} items; executions ${responses.map((r, i) => `#${r.executionId}→worker ${workers[i]}`).join(', ')}`,
		);
	});

	it('keeps one Pushgateway group per worker, whose items add up to the 40 answered', async () => {
		const samples = await itemsInPrometheus(CALLS * ITEMS);
		const sum = samples.reduce((n, s) => n + Number(s.value[1]), 0);
		expect(sum).toBe(CALLS * ITEMS);
		const total = (await prom.query(
			'sum(ai_dispatcher_items_total{job="ai_dispatcher"})',
		)) as Sample[];
		expect(Number(total[0].value[1])).toBe(CALLS * ITEMS);
		// One group per worker process (distinct instance labels); none for the main, which runs no execution.
		const groups = await pushGroups();
		expect(groups.size).toBe(2);
		expect(new Set(samples.map((s) => s.metric.instance))).toEqual(groups);
		for (const g of groups) expect(g).toMatch(/^queue-[0-9a-f]+-[0-9a-f]{8}$/);
		// Each group counts what its worker answered: both workers answered some.
		for (const s of samples) expect(Number(s.value[1])).toBeGreaterThan(0);
		figures.push(
			`Pushgateway groups ${[...groups].join(', ')}: items ${samples.map((s) => `${s.metric.instance}=${s.value[1]}`).join(', ')}, sum ${sum}`,
		);
	});

	it('answers through a Basic LLM Chain with the AI Dispatcher Chat Model on both workers', async () => {
		sim.resetStats();
		const responses = await burst('queue-chain', (a) => a.text, CALLS);
		const generations = Object.values(sim.stats().generations).reduce((n, v) => n + v, 0);
		expect(generations).toBe(CALLS * ITEMS);
		const workers = workersOf(responses);
		expect(new Set(workers)).toEqual(new Set([1, 2]));
		figures.push(
			`chain: ${generations} generations; executions ${responses.map((r, i) => `#${r.executionId}→worker ${workers[i]}`).join(', ')}`,
		);
		// The chat sub-node's items reach the same per-worker groups: 40 + 40 in all.
		const samples = await itemsInPrometheus(2 * CALLS * ITEMS);
		expect(samples.reduce((n, s) => n + Number(s.value[1]), 0)).toBe(2 * CALLS * ITEMS);
		expect(new Set(samples.map((s) => s.metric.instance))).toEqual(await pushGroups());
	});

	it('skips a model failing on one worker on the other worker, once its breaker was pushed and scraped', async () => {
		sim.setFault(FAILING_MODEL, { kind: 'http500' });
		sim.resetStats();
		// Phase 1: one execution; its worker calls qwen2.5:7b until its breaker opens (2 failures).
		const first = await callWebhook(cluster.main.url, 'queue-failing', itemsOf(100, 4));
		itemsByExecution.set(String(first.executionId), first.answers.length);
		const ended = Date.now();
		[opener] = workersOf([first]);
		const firstCalls = sim.stats().generations[FAILING_MODEL] ?? 0;
		expect(firstCalls).toBe(2);
		expect(first.answers.every((a) => a.model === 'llama3.2:3b')).toBe(true);
		// Its push, scraped by Prometheus: the time until which the breaker stays open, from that worker's group.
		let open: Sample[] = [];
		while (Date.now() - ended < 60_000) {
			open = (await prom.query(
				`ai_dispatcher_breaker_open_until_timestamp_seconds{model="${FAILING_MODEL}"}`,
			)) as Sample[];
			if (open.length > 0) break;
			await new Promise((r) => setTimeout(r, 200));
		}
		const visibleMs = Date.now() - ended;
		expect(open).toHaveLength(1);
		expect(Number(open[0].value[1]) * 1000).toBeGreaterThan(Date.now());

		// Phase 2: 4 calls at once over both workers; nobody calls the failing model any more.
		sim.resetStats();
		const responses = await burst(
			'queue-failing',
			(a) => (typeof a.response === 'string' ? a.response : undefined),
			200,
		);
		const workers = workersOf(responses);
		expect(new Set(workers)).toEqual(new Set([1, 2]));
		expect(sim.stats().generations[FAILING_MODEL] ?? 0).toBe(0);
		const other = responses.filter((_, i) => workers[i] !== opener);
		expect(other.length).toBeGreaterThan(0);
		for (const r of other) {
			for (const a of r.answers) {
				expect(a.model).toBe('llama3.2:3b');
				expect(a.reason).toContain(
					`${FAILING_MODEL} skipped: it failed repeatedly on another n8n process (shared through Prometheus)`,
				);
			}
		}
		figures.push(
			`failing ${FAILING_MODEL}: worker ${opener} called it ${firstCalls}× and opened its breaker; visible in Prometheus ${(visibleMs / 1000).toFixed(1)} s after that execution ended (push + scrape); ` +
				`then ${CALLS} × ${ITEMS} items (${other.length} executions on the other worker): ${sim.stats().generations[FAILING_MODEL] ?? 0} calls to it`,
		);
		sim.clearFaults();
	});

	it("a stopped worker's group stays until deleted with the documented DELETE, then its series leave Prometheus", async () => {
		const stopped = cluster.workers[1];
		// Every execution's figures pushed and scraped first (a push may trail its execution by up to 5 s).
		const total = [...itemsByExecution.values()].reduce((n, v) => n + v, 0);
		const all = await itemsInPrometheus(total);
		expect(all.reduce((n, s) => n + Number(s.value[1]), 0)).toBe(total);
		const before = await pushGroups();
		expect(before.size).toBe(2);
		await stopped.service.stop();
		// Its last push stays: the Pushgateway has no way to know the process is gone.
		expect(await pushGroups()).toEqual(before);
		// Which group is its own: the opener's group is the only one with an own breaker opening.
		expect(opener).toBeDefined();
		const openings = (await prom.query(
			'ai_dispatcher_breaker_openings_total{job="ai_dispatcher"}',
		)) as Sample[];
		const openerGroups = openings
			.filter((s) => Number(s.value[1]) >= 1)
			.map((s) => s.metric.instance);
		expect(openerGroups).toHaveLength(1);
		const own =
			stopped.index === opener ? openerGroups : [...before].filter((g) => g !== openerGroups[0]);
		expect(own).toHaveLength(1);
		// And that group counts exactly the items of the executions this worker ran.
		const ownItems = stopped
			.executions()
			.reduce((n, id) => n + (itemsByExecution.get(id) ?? NaN), 0);
		const samples = (await prom.query(
			`sum(ai_dispatcher_items_total{job="ai_dispatcher",instance="${own[0]}"})`,
		)) as Sample[];
		expect(Number(samples[0]?.value[1])).toBe(ownItems);
		const res = await fetch(
			`${pgw.url}/metrics/job/ai_dispatcher/instance/${encodeURIComponent(own[0])}`,
			{ method: 'DELETE' },
		);
		expect(res.status).toBe(202);
		expect([...(await pushGroups())]).toEqual([...before].filter((g) => g !== own[0]));
		// After the next scrapes Prometheus has no current series of that group (staleness marks them gone).
		const deadline = Date.now() + 30_000;
		let left: Sample[] = [];
		while (Date.now() < deadline) {
			left = (await prom.query(
				`ai_dispatcher_items_total{job="ai_dispatcher",instance="${own[0]}"}`,
			)) as Sample[];
			if (left.length === 0) break;
			await new Promise((r) => setTimeout(r, 500));
		}
		expect(left).toEqual([]);
		figures.push(
			`stopped worker ${stopped.index}: group ${own[0]} (${ownItems} items) kept until DELETE, then gone from Prometheus`,
		);
	});
});
