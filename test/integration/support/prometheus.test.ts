/**
 * Runs the REAL Prometheus and node_exporter binaries (Debian packages, installed on demand by
 * scripts/ensure-runtime.sh --prometheus). No mocks. Slow-ish: Prometheus throttles service-discovery
 * updates to a 5 s tick, so the first scrape lands ~5-6 s after start.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	CPU_BUSY_IRATE_PROMQL,
	CPU_BUSY_PROMQL,
	CPU_BUSY_PROMQL_RAW,
	NODE_EXPORTER_FLAGS,
	NODE_TWO_SCRAPES_PROMQL,
	PrometheusQueryError,
	PrometheusStartupError,
	ensurePrometheusBinaries,
	pidAlive,
	startPrometheus,
	type PrometheusHarness,
} from '../../support/prometheus';

jest.setTimeout(60_000);

type VectorSample = { metric: Record<string, string>; value: [number, string] };

function asVector(result: unknown): VectorSample[] {
	expect(Array.isArray(result)).toBe(true);
	return result as VectorSample[];
}

function singleNumber(result: unknown): number {
	const v = asVector(result);
	expect(v).toHaveLength(1);
	expect(typeof v[0].value[1]).toBe('string'); // Prometheus sends sample values as JSON strings
	return Number(v[0].value[1]);
}

/** Tiny exporter serving `test_gauge{model="m"} <value>`. */
function startGaugeTarget(initial: number) {
	let value = initial;
	let scrapes = 0;
	const server = http.createServer((req, res) => {
		if (req.url !== '/metrics') {
			res.writeHead(404).end();
			return;
		}
		scrapes++;
		res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
		res.end(
			`# HELP test_gauge A test gauge.\n# TYPE test_gauge gauge\ntest_gauge{model="m"} ${value}\n`,
		);
	});
	return {
		listen: () =>
			new Promise<string>((resolve) =>
				server.listen(0, '127.0.0.1', () =>
					resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`),
				),
			),
		set: (v: number) => (value = v),
		scrapes: () => scrapes,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

let bins: { prometheus: string; nodeExporter: string };

beforeAll(
	async () => {
		// Never skip: install the binaries if they are missing (apt; may take minutes on a fresh machine).
		bins = await ensurePrometheusBinaries();
	},
	20 * 60 * 1000,
);

test('the prometheus and node_exporter binaries exist and run', () => {
	for (const bin of [bins.prometheus, bins.nodeExporter]) {
		expect(fs.existsSync(bin)).toBe(true);
		fs.accessSync(bin, fs.constants.X_OK);
	}
	const promVersion = execFileSync(bins.prometheus, ['--version'], {
		encoding: 'utf8',
		stdio: 'pipe',
	});
	expect(promVersion).toMatch(/^prometheus, version \d+\.\d+\.\d+/);
	const neHelp = execFileSync(bins.nodeExporter, ['--help'], { encoding: 'utf8', stdio: 'pipe' });
	for (const flag of NODE_EXPORTER_FLAGS) expect(neHelp).toContain(flag);
});

describe('startPrometheus with node_exporter and a custom target', () => {
	let h: PrometheusHarness;
	let gauge: ReturnType<typeof startGaugeTarget>;
	let gaugeAddress: string;

	beforeAll(async () => {
		gauge = startGaugeTarget(7);
		gaugeAddress = await gauge.listen();
		h = await startPrometheus({ targets: [{ job: 'custom', address: gaugeAddress }] });
		// eslint-disable-next-line no-console
		console.log(
			`Prometheus ${h.version} at ${h.url}: ready in ${h.timings.prometheusStartupMs} ms, ` +
				`first scrape of all targets ${h.timings.firstScrapeMs} ms later`,
		);
	}, 90_000);

	afterAll(async () => {
		await h?.stop();
		await gauge?.close();
	});

	test('listens on random loopback ports, never the default 9090/9100, with its own config', () => {
		expect(h.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(h.nodeExporterAddress).toMatch(/^127\.0\.0\.1:\d+$/);
		expect(h.url).not.toMatch(/:9090$/);
		expect(h.nodeExporterAddress).not.toMatch(/:9100$/);
		expect(h.version).toMatch(/^\d+\.\d+\.\d+/);
		const cfg = JSON.parse(fs.readFileSync(`${h.dir}/prometheus.yml`, 'utf8'));
		expect(cfg.global).toMatchObject({ scrape_interval: '1s', evaluation_interval: '1s' });
		expect(cfg.scrape_configs.map((j: { job_name: string }) => j.job_name)).toEqual([
			'prometheus',
			'node',
			'custom',
		]);
		expect(pidAlive(h.pids.prometheus)).toBe(true);
		expect(pidAlive(h.pids.nodeExporter!)).toBe(true);
		expect(pidAlive(h.pids.watchdog)).toBe(true);
	});

	test('every target has been scraped successfully (up == 1) when startPrometheus resolves', async () => {
		const up = asVector(await h.query('up'));
		const byJob = Object.fromEntries(up.map((s) => [s.metric.job, s]));
		expect(Object.keys(byJob).sort()).toEqual(['custom', 'node', 'prometheus']);
		for (const s of up) expect(s.value[1]).toBe('1');
		expect(byJob.node.metric.instance).toBe(h.nodeExporterAddress);
		expect(byJob.custom.metric.instance).toBe(gaugeAddress);
		expect(gauge.scrapes()).toBeGreaterThanOrEqual(1);
	});

	test('node_exporter memory and load metrics come back as numbers', async () => {
		const mem = singleNumber(await h.query(`node_memory_MemAvailable_bytes{job="node"}`));
		expect(Number.isFinite(mem)).toBe(true);
		expect(mem).toBeGreaterThan(0);
		const total = singleNumber(await h.query(`node_memory_MemTotal_bytes{job="node"}`));
		expect(mem).toBeLessThanOrEqual(total);
		const load1 = singleNumber(await h.query(`node_load1{job="node"}`));
		expect(Number.isFinite(load1)).toBe(true);
		expect(load1).toBeGreaterThanOrEqual(0);
	});

	test('the custom target gauge is 7 and follows the target after a scrape', async () => {
		const first = asVector(await h.query('test_gauge'));
		expect(first).toHaveLength(1);
		expect(first[0].metric).toMatchObject({
			__name__: 'test_gauge',
			model: 'm',
			job: 'custom',
			instance: gaugeAddress,
		});
		expect(Number(first[0].value[1])).toBe(7);

		gauge.set(11.5);
		await h.waitForSeries('test_gauge{model="m"} == 11.5', 10_000);
		expect(singleNumber(await h.query('test_gauge{model="m"}'))).toBe(11.5);
	});

	test('CPU busy is a number in [0,1] once two node_exporter scrapes exist', async () => {
		await h.waitForSeries(NODE_TWO_SCRAPES_PROMQL, 10_000);
		for (const q of [CPU_BUSY_PROMQL, CPU_BUSY_IRATE_PROMQL]) {
			const busy = singleNumber(await h.query(q));
			expect(busy).toBeGreaterThanOrEqual(0);
			expect(busy).toBeLessThanOrEqual(1);
		}
		const raw = singleNumber(await h.query(CPU_BUSY_PROMQL_RAW));
		expect(Number.isFinite(raw)).toBe(true);
		expect(raw).toBeGreaterThan(-0.05);
		expect(raw).toBeLessThanOrEqual(1);
	});

	test('queryCount() grows by exactly N after N instant queries (GET, POST, and failing ones)', async () => {
		const before = await h.queryCount();
		expect(await h.queryCount()).toBe(before); // reading the count is not itself a query

		const N = 7;
		for (let i = 0; i < 5; i++) await h.query(`node_load1 + ${i}`);
		const post = await fetch(`${h.url}/api/v1/query`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams({ query: 'up' }).toString(),
		});
		expect(post.status).toBe(200);
		await post.arrayBuffer();
		await expect(h.query('sum(')).rejects.toThrow(PrometheusQueryError);

		expect((await h.queryCount()) - before).toBe(N);
		expect((await h.queryCount()) - before).toBe(N);

		// The self-scrape (job "prometheus") stores the same counter; after the next scrape it has
		// caught up (it also counts the polling queries of waitForSeries, hence >=).
		const after = before + N;
		await h.waitForSeries(
			`sum(prometheus_http_requests_total{job="prometheus",handler="/api/v1/query"}) >= ${after}`,
			10_000,
		);
	});

	test('bad PromQL: HTTP 400 status:error errorType bad_data, and query() throws that message', async () => {
		const res = await fetch(`${h.url}/api/v1/query?query=${encodeURIComponent('sum(rate(')}`);
		expect(res.status).toBe(400);
		const body = (await res.json()) as { status: string; errorType: string; error: string };
		expect(body.status).toBe('error');
		expect(body.errorType).toBe('bad_data');
		expect(body.error).toMatch(/^invalid parameter "query": .*parse error/);

		const err = await h.query('sum(rate(').then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(PrometheusQueryError);
		const qe = err as PrometheusQueryError;
		expect(qe.errorType).toBe('bad_data');
		expect(qe.httpStatus).toBe(400);
		expect(qe.message).toContain(body.error);
	});

	test('an absent metric is an empty vector, and waitForSeries times out on it with a clear error', async () => {
		expect(await h.query('no_such_metric_xyz')).toEqual([]);
		await expect(h.waitForSeries('no_such_metric_xyz', 500)).rejects.toThrow(
			/waitForSeries\(no_such_metric_xyz\) timed out after 500 ms/,
		);
	});

	test('stopPrometheusOnly(): url stays, connections are refused, node_exporter keeps running', async () => {
		const url = h.url;
		await h.stopPrometheusOnly();
		expect(h.url).toBe(url);
		expect(pidAlive(h.pids.prometheus)).toBe(false);

		const err = await fetch(url).then(
			() => undefined,
			(e: unknown) => e as { cause?: { code?: string } },
		);
		expect(err).toBeDefined();
		expect(err?.cause?.code).toBe('ECONNREFUSED');
		await expect(h.query('up')).rejects.toThrow(/ECONNREFUSED/);

		expect(pidAlive(h.pids.nodeExporter!)).toBe(true);
		const ne = await fetch(`http://${h.nodeExporterAddress}/metrics`);
		expect(ne.status).toBe(200);
		expect(await ne.text()).toContain('node_load1');
	});

	test('stop() leaves no process behind and removes the temp dir; it is idempotent', async () => {
		const pids = [h.pids.prometheus, h.pids.nodeExporter!, h.pids.watchdog];
		await h.stop();
		for (const pid of pids) expect(pidAlive(pid)).toBe(false);
		expect(fs.existsSync(h.dir)).toBe(false);
		await h.stop();
		const err = await fetch(`http://${h.nodeExporterAddress}/metrics`).then(
			() => undefined,
			(e: unknown) => e as { cause?: { code?: string } },
		);
		expect(err?.cause?.code).toBe('ECONNREFUSED');
	});
});

describe('startup failures', () => {
	test('a target that never comes up: rejects naming it, with the Prometheus log tail, and cleans up', async () => {
		// A port that nothing listens on.
		const dead = http.createServer();
		await new Promise<void>((r) => dead.listen(0, '127.0.0.1', () => r()));
		const deadAddress = `127.0.0.1:${(dead.address() as AddressInfo).port}`;
		await new Promise<void>((r) => dead.close(() => r()));

		const err = await startPrometheus({
			withNodeExporter: false,
			targets: [{ job: 'dead', address: deadAddress }],
			startupTimeoutMs: 9_000,
		}).then(
			async (h) => {
				await h.stop();
				return undefined;
			},
			(e: unknown) => e,
		);
		expect(err).toBeInstanceOf(PrometheusStartupError);
		const se = err as PrometheusStartupError;
		const notUp = se.message.match(/targets not up \(up != 1\) within 9000 ms: (.*)/)?.[1];
		expect(notUp?.split(', ')).toContain(`dead/${deadAddress}`);
		expect(se.message).toContain('[prometheus]');
		expect(se.message).not.toContain('node_exporter');
		expect(se.pids).toHaveLength(2); // prometheus + watchdog
		for (const pid of se.pids) expect(pidAlive(pid)).toBe(false);
		expect(fs.existsSync(se.dir)).toBe(false);
	});

	test('reserved job names are rejected before anything starts', async () => {
		await expect(
			startPrometheus({ targets: [{ job: 'node', address: '127.0.0.1:1' }] }),
		).rejects.toThrow(/reserved/);
	});
});
