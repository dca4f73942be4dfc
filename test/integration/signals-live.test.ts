/**
 * Live signals end to end with REAL parts: a real Prometheus scraping a real node_exporter and the
 * Ollama simulators' exporter-style /metrics; the node runs through the n8n context stand-in with
 * `prometheusUrl` in the credential. One Prometheus for the whole file (~6 s to start).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { AiDispatcher } from '../../nodes/AiDispatcher/AiDispatcher.node';
import { SignalsStore } from '../../nodes/AiDispatcher/engine/signals/store';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { createContext } from '../support/n8n-context';
import { closedPort } from '../support/loopback';
import { startOllamaSimulator, type OllamaSimulator } from '../support/simulator';
import { startPrometheus, type PrometheusHarness } from '../support/prometheus';

jest.setTimeout(120_000);

let state = createDispatcherState();
let node = new AiDispatcher(state);
/** A node with an empty signals cache (no round, no Prometheus breaker); breakers and liveness are kept. */
function freshNode(): void {
	state = { ...state, signals: new SignalsStore() };
	node = new AiDispatcher(state);
}
const LIST = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{ name: 'qwen2.5:7b', tier: 'high' },
	],
};
/** Thresholds that never trip on a busy CI machine, so each test trips only what it means to. */
const CALM = {
	cpuBusyMaxPercent: 100,
	loadPerCoreMax: 1000,
	memAvailableMinGiB: 0,
	memAvailableMinPercent: 0,
};
/** Measured high by the complexity analysis (not forced: a forced tier is its own floor). */
const HARD =
	'Find the root cause:\nTraceback (most recent call last):\n  File "app.py", line 10, in <module>\n  File "db.py", line 3, in connect\nConnectionError: timed out\nWhy does this happen after every deploy? What should we check first?';
const LONG_REPLY = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');

let h: PrometheusHarness;
let main: OllamaSimulator;
let backlog: OllamaSimulator;
let gpu: OllamaSimulator;
let warm: OllamaSimulator;
const figures: string[] = [];

const address = (sim: OllamaSimulator) => sim.url.replace(/^http:\/\//, '');
const print = (line: string) => {
	figures.push(line);
	// eslint-disable-next-line no-console
	console.log(line);
};

beforeAll(async () => {
	[main, backlog, gpu, warm] = await Promise.all([
		startOllamaSimulator({ timeScale: 0.002, numParallel: 4 }),
		startOllamaSimulator({
			timeScale: 1,
			numParallel: 1,
			preloaded: ['llama3.2:3b', 'phi3:mini'],
			respond: ({ model }) => (model === 'llama3.2:3b' ? LONG_REPLY : 'short answer'),
		}),
		startOllamaSimulator({ timeScale: 0.002, numParallel: 4, gpuMemoryBytes: 4 * 1024 ** 3 }),
		startOllamaSimulator({ timeScale: 0.002, numParallel: 4, preloaded: ['llama3.2:3b'] }),
	]);
	JOBS.set(main, 'main').set(backlog, 'backlog').set(gpu, 'gpu').set(warm, 'warm');
	h = await startPrometheus({
		targets: [
			{ job: 'main', address: address(main) },
			{ job: 'backlog', address: address(backlog) },
			{ job: 'gpu', address: address(gpu) },
			{ job: 'warm', address: address(warm) },
		],
	});
	print(
		`Prometheus ${h.version} at ${h.url}: ready in ${h.timings.prometheusStartupMs} ms, first scrape ${h.timings.firstScrapeMs} ms later`,
	);
}, 120_000);

afterAll(async () => {
	await h?.stop();
	await Promise.all([main, backlog, gpu, warm].map((s) => s?.close()));
	// eslint-disable-next-line no-console
	console.log(`\nFIGURES\n${figures.join('\n')}`);
});

beforeEach(freshNode);

interface Run {
	sim: OllamaSimulator;
	prometheusUrl?: string;
	prompts: string[];
	operation?: 'generate' | 'selectModel' | 'status';
	params?: Record<string, unknown>;
	signalOptions?: IDataObject;
	signalQueries?: IDataObject;
	credentials?: IDataObject;
}

const JOBS = new Map<OllamaSimulator, string>();

/**
 * All simulators share one Prometheus, so the GPU query is scoped to the simulator's job (the
 * default `sum(DCGM_FI_DEV_FB_FREE)` would add every GPU it sees: set an override on multi-host stacks).
 */
function scopedQueries(run: Run): IDataObject {
	const queries = { ...(run.signalQueries ?? {}) } as {
		override?: IDataObject[];
		custom?: IDataObject[];
	};
	const overrides = queries.override ?? [];
	if (!overrides.some((o) => o.signal === 'gpuFreeBytes')) {
		overrides.push({
			signal: 'gpuFreeBytes',
			promql: `sum(DCGM_FI_DEV_FB_FREE{job="${JOBS.get(run.sim)}"}) * 1048576`,
		});
	}
	return { ...queries, override: overrides };
}

async function runNode(run: Run): Promise<IDataObject[]> {
	const ctx = createContext({
		credentials: {
			baseUrl: run.sim.url,
			prometheusUrl: run.prometheusUrl ?? h.url,
			prometheusAuth: 'none',
			...run.credentials,
		},
		items: run.prompts.map((prompt) => ({ json: { prompt } })) as INodeExecutionData[],
		params: {
			operation: run.operation ?? 'generate',
			inputMode: 'prompt',
			prompt: (i: number) => run.prompts[i],
			modelSource: 'list',
			models: LIST,
			complexity: 'auto',
			taskType: 'general',
			signalOptions: { ...CALM, ...run.signalOptions },
			signalQueries: scopedQueries(run),
			simplifyOutput: false,
			...run.params,
		},
	});
	const [out] = await node.execute.call(ctx.execute);
	return out.map((o) => o.json);
}

const num = (result: unknown): number =>
	Number((result as Array<{ value: [number, string] }>)[0].value[1]);

describe('live signals with a real Prometheus', () => {
	it('reads real values: memory from node_exporter, exporter series from the simulator, /api/ps; unknowns say why', async () => {
		await h.waitForSeries('count_over_time(node_cpu_seconds_total{mode="idle"}[1m]) >= 2');
		const [item] = await runNode({
			sim: main,
			prompts: ['What is the capital of France?'],
			signalOptions: { exporterSelector: 'job="main"' },
		});
		const signals = item.signals as Record<string, any>;
		expect(signals.prometheus).toBe('ok');
		expect(signals.queries).toBe(10);
		const realMem = num(await h.query('min(node_memory_MemAvailable_bytes)'));
		expect(Math.abs(signals.values.memAvailableBytes - realMem) / realMem).toBeLessThan(0.2);
		expect(signals.values.memAvailablePercent).toBeGreaterThan(0);
		expect(signals.values.cpuBusyPercent).toBeGreaterThanOrEqual(0);
		expect(signals.values.load1PerCore).toBeGreaterThanOrEqual(0);
		expect(signals.values.queueDepth).toEqual({
			total: 0,
			byModel: { 'llama3.2:3b': 0, 'phi3:mini': 0, 'qwen2.5:7b': 0 },
		});
		// No cAdvisor and no GPU on "main": unknown (never 0), with the reason.
		expect(signals.values.containerWorkingSetBytes).toBeNull();
		expect(signals.unknown.containerWorkingSetBytes).toMatch(/^no data/);
		expect(signals.values.gpuFreeBytes).toBeNull();
		expect(signals.unknown.gpuFreeBytes).toMatch(/^no data/);
		expect(signals.ageMs).toBeGreaterThanOrEqual(0);
		expect((item.decision as IDataObject).reason).toMatch(
			/^load normal \(CPU \d+ %, memory available [\d.]+ GiB, load per core [\d.]+, queue 0 on phi3:mini\)/,
		);
		print(
			`queries per refresh: ${signals.queries} Prometheus queries + /api/ps + /api/tags, in one parallel round`,
		);
	});

	it('memory pressure (threshold above the real free memory) switches to the smallest model', async () => {
		const realMem = num(await h.query('min(node_memory_MemAvailable_bytes)'));
		const thresholdGiB = Math.ceil((realMem * 4) / 1024 ** 3);
		const [item] = await runNode({
			sim: main,
			prompts: [HARD],
			params: { taskType: 'analysis' },
			signalOptions: { memAvailableMinGiB: thresholdGiB },
		});
		expect((item.complexity as IDataObject).tier).toBe('high');
		expect(item.model).toBe('llama3.2:3b'); // 2.0 GB on disk: the smallest of the three
		expect((item.decision as IDataObject).reason).toMatch(
			new RegExp(
				`^memory available [\\d.]+ GiB < ${thresholdGiB}\\.0 GiB: chose llama3\\.2:3b instead of qwen2\\.5:7b`,
			),
		);
		expect(((item.decision as IDataObject).candidates as IDataObject[])[0].reasons).toContain(
			'1.9 GiB on disk',
		);
		expect(item.response).toMatch(/^\[llama3\.2:3b\]/);
	});

	it('a forced tier is its own floor: forced high stays high under pressure', async () => {
		const [item] = await runNode({
			sim: main,
			prompts: ['Analyse this'],
			params: { complexity: 'high' },
			signalOptions: { memAvailableMinGiB: 100_000 },
		});
		expect(item.model).toBe('qwen2.5:7b');
		expect((item.decision as IDataObject).reason).toMatch(
			/^memory available [\d.]+ GiB < 100000\.0 GiB; complexity forced to high/,
		);
	});

	it('CPU pressure via an overridden query (real PromQL) keeps the task floor: code stays at least medium', async () => {
		const [item] = await runNode({
			sim: main,
			prompts: [HARD],
			params: { taskType: 'code' },
			signalOptions: { cpuBusyMaxPercent: 85 },
			signalQueries: {
				override: [{ signal: 'cpuBusyPercent', promql: '91 + 0 * max(node_load1)' }],
			},
		});
		expect(item.model).toBe('llama3.2:3b');
		expect(item.decision).toMatchObject({ alternatives: ['qwen2.5:7b', 'phi3:mini'] });
		expect((item.decision as IDataObject).reason).toMatch(
			/^CPU 91 % > 85 %: chose llama3\.2:3b instead of qwen2\.5:7b/,
		);
		expect(((item.decision as IDataObject).candidates as IDataObject[])[2].reasons).toContain(
			'below the medium floor',
		);
		expect((item.signals as any).values.cpuBusyPercent).toBe(91);
	});

	it('a real queue (8 slow requests on a 1-slot simulator) downgrades items not marked high', async () => {
		const abort = new AbortController();
		const blockers = Array.from({ length: 8 }, () =>
			fetch(`${backlog.url}/api/generate`, {
				method: 'POST',
				body: JSON.stringify({ model: 'llama3.2:3b', prompt: 'long', stream: false }),
				signal: abort.signal,
			}).then(
				(r) => r.text(),
				() => 'aborted',
			),
		);
		try {
			await h.waitForSeries(
				'ollama_requests_queued{job="backlog",model="llama3.2:3b"} > 3',
				15_000,
			);
			const queued = num(
				await h.query('ollama_requests_queued{job="backlog",model="llama3.2:3b"}'),
			);
			const common = { sim: backlog, signalOptions: { exporterSelector: 'job="backlog"' } };
			const [item] = await runNode({
				...common,
				prompts: ['Summarise the meeting notes'],
				params: { complexity: 'medium' },
			});
			expect(item.model).toBe('phi3:mini');
			expect((item.decision as IDataObject).reason).toMatch(
				/^queue \d+ on llama3\.2:3b > 3: one tier down \(medium → low\): chose phi3:mini instead of llama3\.2:3b/,
			);
			expect(item.response).toBe('short answer');
			const [high] = await runNode({
				...common,
				operation: 'selectModel',
				prompts: ['Prove it'],
				params: { complexity: 'medium', taskType: 'reasoning' },
			});
			expect(high.model).toBe('llama3.2:3b');
			expect((high.decision as IDataObject).reason).toContain(
				'but the item is marked high (task reasoning): tier kept',
			);
			print(
				`backlog: Prometheus saw ${queued} queued on llama3.2:3b; medium item moved to phi3:mini`,
			);
		} finally {
			abort.abort();
			await Promise.all(blockers);
		}
	});

	it('a model too big for the free GPU memory is skipped, with the figures', async () => {
		const free = num(await h.query('DCGM_FI_DEV_FB_FREE{job="gpu"}'));
		expect(free).toBe(4096);
		const [item] = await runNode({
			sim: gpu,
			prompts: ['Analyse the quarterly figures'],
			params: { complexity: 'high' },
		});
		expect(item.model).not.toBe('qwen2.5:7b');
		const skipped = ((item.decision as IDataObject).candidates as IDataObject[]).find(
			(c) => c.model === 'qwen2.5:7b',
		);
		expect(skipped).toMatchObject({
			rank: -1,
			excluded: 'does not fit: needs ~5.0 GiB, GPU free 4.0 GiB',
		});
		expect((item.decision as IDataObject).reason).toMatch(
			/^GPU free 4\.0 GiB < qwen2\.5:7b ~5\.0 GiB: chose llama3\.2:3b instead of qwen2\.5:7b/,
		);
	});

	it('a loaded model wins its tier (two models in one tier, one preloaded)', async () => {
		expect(num(await h.query('ollama_model_loaded{job="warm",model="llama3.2:3b"}'))).toBe(1);
		expect(num(await h.query('ollama_model_loaded{job="warm",model="phi3:mini"}'))).toBe(0);
		const models = {
			model: [
				{ name: 'phi3:mini', tier: 'medium' },
				{ name: 'llama3.2:3b', tier: 'medium' },
			],
		};
		const [item] = await runNode({
			sim: warm,
			prompts: ['Hi'],
			params: { complexity: 'medium', models },
		});
		expect(item.model).toBe('llama3.2:3b');
		const [first] = (item.decision as IDataObject).candidates as IDataObject[];
		expect(first.reasons).toContain('already loaded');
		expect((item.signals as any).loaded).toEqual(['llama3.2:3b']);
		const [off] = await runNode({
			sim: warm,
			prompts: ['Hi'],
			operation: 'selectModel',
			params: { complexity: 'medium', models, useSignals: false },
		});
		expect(off.model).toBe('phi3:mini'); // without signals: configuration order
	});

	it('200 items within one TTL (4 concurrent executions of 50) trigger ONE round of queries', async () => {
		const before = await h.queryCount();
		const roundsBefore = state.signals.rounds;
		const started = Date.now();
		const prompts = Array.from({ length: 50 }, (_, i) => `Item ${i}: thanks, see you tomorrow`);
		const runs = await Promise.all(
			Array.from({ length: 4 }, () =>
				runNode({
					sim: main,
					prompts,
					signalQueries: { custom: [{ name: 'answer', promql: 'vector(42)' }] },
				}),
			),
		);
		const elapsed = Date.now() - started;
		const delta = (await h.queryCount()) - before;
		expect(runs.flat()).toHaveLength(200);
		expect(runs.flat().every((j) => typeof j.response === 'string')).toBe(true);
		expect(delta).toBe(11); // 10 built-in + 1 custom, once
		expect(state.signals.rounds - roundsBefore).toBe(1);
		expect((runs[0][0].signals as any).custom).toEqual({ answer: 42 });
		print(
			`200 items (4 executions × 50) in ${elapsed} ms: Prometheus served ${delta} queries (one round of 11)`,
		);
	});

	it('figures: refresh time against the real Prometheus, and extra time per item with a warm cache', async () => {
		const rounds: number[] = [];
		for (let i = 0; i < 10; i++) {
			freshNode();
			const [item] = await runNode({ sim: main, operation: 'selectModel', prompts: ['hi'] });
			rounds.push((item.signals as any).roundMs);
		}
		rounds.sort((a, b) => a - b);
		print(
			`refresh round against the real Prometheus (10 queries + /api/ps + /api/tags): median ${rounds[5]} ms, max ${rounds[9]} ms`,
		);

		const prompts = Array.from({ length: 1000 }, (_, i) => `Item ${i}: please confirm the invoice`);
		await runNode({ sim: main, operation: 'selectModel', prompts: ['warm the cache'] });
		const time = async (useSignals: boolean) => {
			const t0 = process.hrtime.bigint();
			await runNode({ sim: main, operation: 'selectModel', prompts, params: { useSignals } });
			return Number(process.hrtime.bigint() - t0) / 1e3 / prompts.length;
		};
		await time(false);
		await time(true);
		const off = Math.min(await time(false), await time(false));
		const on = Math.min(await time(true), await time(true));
		expect(on - off).toBeLessThan(1000);
		print(
			`Select Model per item: ${off.toFixed(1)} µs without signals, ${on.toFixed(1)} µs with a warm cache: +${(on - off).toFixed(1)} µs per item`,
		);
	});
});

describe('fail open: Prometheus down, slow or answering errors', () => {
	const servers: http.Server[] = [];
	afterAll(async () => {
		for (const s of servers) {
			s.closeAllConnections();
			await new Promise<void>((r) => s.close(() => r()));
		}
	});

	let hits = 0;
	async function fakePrometheus(handler: http.RequestListener): Promise<string> {
		const server = http.createServer((req, res) => {
			hits++;
			handler(req, res);
		});
		servers.push(server);
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	}

	const prompts = Array.from({ length: 10 }, (_, i) => `Item ${i}: lunch at noon?`);

	async function timed(prometheusUrl: string, useSignals = true) {
		freshNode();
		const t0 = Date.now();
		const items = await runNode({ sim: main, prometheusUrl, prompts, params: { useSignals } });
		return { items, ms: Date.now() - t0 };
	}

	let baselineMs = 0;
	beforeAll(async () => {
		await timed(h.url, false);
		baselineMs = (await timed(h.url, false)).ms;
	});

	it.each([
		[
			'down (connection refused)',
			async () => `http://127.0.0.1:${await closedPort()}`,
			/^signals unavailable: ECONNREFUSED/,
			1_500,
		],
		[
			'slow (answers after 5 s)',
			async () =>
				fakePrometheus((_req, res) => void setTimeout(() => res.end('{}'), 5_000).unref()),
			/^signals unavailable: no complete reply within 1500 ms \(timed out\)/,
			3_000,
		],
		[
			'HTTP 500 with a Prometheus error',
			async () =>
				fakePrometheus((_req, res) =>
					res
						.writeHead(500, { 'content-type': 'application/json' })
						.end('{"status":"error","errorType":"internal","error":"storage unavailable"}'),
				),
			/^signals unavailable: Prometheus internal error \(HTTP 500\): storage unavailable/,
			1_500,
		],
		[
			'HTTP 401 from an auth proxy',
			async () => fakePrometheus((_req, res) => res.writeHead(401).end('Unauthorized')),
			/^signals unavailable: Prometheus answered HTTP 401: Unauthorized/,
			1_500,
		],
		[
			'garbage (an HTML page with 200)',
			async () => fakePrometheus((_req, res) => res.writeHead(200).end('<html>login</html>')),
			/^signals unavailable: Prometheus did not return JSON/,
			1_500,
		],
	])(
		'%s: every item is answered, the reason is recorded, extra time is bounded',
		async (what, url, reason, boundMs) => {
			const target = await url();
			hits = 0;
			const { items, ms } = await timed(target);
			expect(items).toHaveLength(10);
			for (const item of items) {
				expect(typeof item.response).toBe('string');
				expect((item.decision as IDataObject).reason).toMatch(reason);
				expect((item.signals as any).prometheus).toBe('unavailable');
				expect((item.signals as any).loaded).toEqual(expect.any(Array)); // /api/ps still used
			}
			if (!what.startsWith('down')) expect(hits).toBe(10); // one round of 10 queries for 10 items, not 100
			const extra = ms - baselineMs;
			expect(extra).toBeLessThan(boundMs);
			print(
				`Prometheus ${what}: 10 items in ${ms} ms vs ${baselineMs} ms without signals: +${extra} ms in total (one failed round, then the cache and breaker)`,
			);
		},
	);

	it.each([
		['bearer', { prometheusAuth: 'bearer', prometheusToken: 'prom-token' }, 'Bearer prom-token'],
		[
			'basic',
			{ prometheusAuth: 'basic', prometheusUser: 'u', prometheusPassword: 'p' },
			`Basic ${Buffer.from('u:p').toString('base64')}`,
		],
	])(
		'Prometheus %s auth from the credential reaches Prometheus; the Ollama API key does not',
		async (_kind, auth, expected) => {
			const seen: Array<string | undefined> = [];
			const url = await fakePrometheus((req, res) => {
				seen.push(req.headers.authorization);
				res
					.writeHead(200, { 'content-type': 'application/json' })
					.end('{"status":"success","data":{"resultType":"vector","result":[]}}');
			});
			freshNode();
			const [item] = await runNode({
				sim: main,
				prometheusUrl: url,
				prompts: ['hi'],
				credentials: { apiKey: 'ollama-secret', ...auth },
			});
			expect(seen).toHaveLength(10);
			expect(new Set(seen)).toEqual(new Set([expected]));
			expect((item.signals as any).prometheus).toBe('ok');
			expect(JSON.stringify(item)).not.toMatch(/prom-token|ollama-secret/);
		},
	);

	it('a bad user query on the real Prometheus is one unknown with the reason; the other signals still count', async () => {
		const [item] = await runNode({
			sim: main,
			prompts: ['hi'],
			signalQueries: {
				override: [{ signal: 'load1PerCore', promql: 'sum(rate(' }],
				custom: [{ name: 'several', promql: 'up' }],
			},
		});
		const signals = item.signals as Record<string, any>;
		expect(signals.prometheus).toBe('partial');
		expect(signals.unknown.load1PerCore).toMatch(
			/^query failed: Prometheus bad_data error \(HTTP 400\): invalid parameter "query"/,
		);
		expect(signals.unknown['custom.several']).toMatch(/series returned; aggregate the query/);
		expect(signals.values.memAvailableBytes).toBeGreaterThan(0);
	});

	it('Status shows current signals, cache age, the Prometheus breaker and learned stats per model', async () => {
		await runNode({ sim: main, prompts: ['warm up the learned stats'] });
		const [status] = await runNode({ sim: main, operation: 'status', prompts: ['x'] });
		const signals = status.signals as Record<string, any>;
		expect(signals).toMatchObject({
			enabled: true,
			prometheusUrl: h.url,
			prometheus: 'ok',
			cacheTtlMs: 15_000,
			prometheusBreaker: { state: 'closed' },
		});
		expect(signals.cacheAgeMs).toBeGreaterThanOrEqual(0);
		const learned = (status.learned as Record<string, any>)[main.url];
		expect(learned['phi3:mini']).toMatchObject({
			samples: expect.any(Number),
			successRate: 1,
			inFlight: 0,
		});
		expect(learned['phi3:mini'].latencyMs).toBeGreaterThan(0);
		expect(learned['phi3:mini'].tokensPerS).toBeGreaterThan(0);
	});
});
