/**
 * Starts a REAL Prometheus (and, by default, a real node_exporter) on random loopback ports with its
 * own temp config and TSDB directory. No mocks: the binaries are Debian's `prometheus` and
 * `prometheus-node-exporter`, installed by `scripts/ensure-runtime.sh --prometheus`. A system
 * Prometheus started by the apt package (ports 9090/9100) is never used. How the processes end:
 * processes.ts.
 *
 * PromQL notes at the default 1 s scrape interval:
 *  - `rate()` needs two samples inside its window, i.e. two scrapes. Use a short window such as
 *    `[15s]` (see CPU_BUSY_PROMQL in promql.ts); `[1m]` also works but reacts slowly.
 *  - while a series is younger than the window, `rate()` extrapolates over the sampled part only and
 *    under-estimates the idle rate (CPU busy reads high) for the first ~15 s.
 *
 * Timing: `/-/ready` answers ~0.1 s after spawn, but Prometheus 2.x sends service-discovery updates
 * (even for static_configs) on a fixed 5 s tick, so the first scrape lands ~5-6 s after start;
 * `startPrometheus()` resolves only once every target has `up == 1`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts } from '../loopback';
import {
	PrometheusStartupError,
	type PrometheusHarness,
	type PrometheusHarnessOptions,
} from './api';
import { ensurePrometheusBinaries } from './binaries';
import { buildConfig, scrapeJobs } from './config';
import { Launch } from './launch';
import { killChild, sleep } from './processes';
import { fetchWithTimeout, promQuery, queryCount, waitForSeries } from './query';

/** node_exporter flags used by the harness (plus `--web.listen-address=127.0.0.1:PORT`). */
export const NODE_EXPORTER_FLAGS: readonly string[] = [
	'--collector.disable-defaults',
	'--collector.cpu',
	'--collector.meminfo',
	'--collector.loadavg',
	'--collector.pressure',
	'--web.disable-exporter-metrics',
];

const LOOPBACK = '127.0.0.1';

/** Starts Prometheus; tries again (new ports) when a port was taken in the meantime. */
export async function startPrometheus(
	options: PrometheusHarnessOptions = {},
): Promise<PrometheusHarness> {
	let lastErr: unknown;
	for (let attempt = 0; attempt < 3; attempt++) {
		try {
			return await startOnce(options);
		} catch (err) {
			lastErr = err;
			if (!(err instanceof PrometheusStartupError) || !err.addressInUse) throw err;
		}
	}
	throw lastErr;
}

interface Settings {
	scrapeIntervalMs: number;
	withNodeExporter: boolean;
	startupTimeoutMs: number;
}

function readSettings(options: PrometheusHarnessOptions): Settings {
	const scrapeIntervalMs = options.scrapeIntervalMs ?? 1000;
	if (!Number.isInteger(scrapeIntervalMs) || scrapeIntervalMs < 100) {
		throw new Error(`scrapeIntervalMs must be an integer >= 100, got ${scrapeIntervalMs}`);
	}
	return {
		scrapeIntervalMs,
		withNodeExporter: options.withNodeExporter ?? true,
		startupTimeoutMs: options.startupTimeoutMs ?? 30_000,
	};
}

/** Where everything of one start lives: addresses, the scrape targets to wait for, the temp dir with the config. */
interface Layout {
	url: string;
	promAddress: string;
	nodeExporterAddress: string | undefined;
	expectedUp: string[];
	dir: string;
	dataDir: string;
	configPath: string;
	config: string;
}

async function prepare(options: PrometheusHarnessOptions, settings: Settings): Promise<Layout> {
	const [promPort, nodePort] = await freePorts(2);
	const promAddress = `${LOOPBACK}:${promPort}`;
	const nodeExporterAddress = settings.withNodeExporter ? `${LOOPBACK}:${nodePort}` : undefined;
	const jobs = scrapeJobs(promAddress, nodeExporterAddress, options.targets ?? []);
	const expectedUp = jobs.flatMap((j) =>
		j.static_configs[0].targets.map((instance) => `${j.job_name}/${instance}`),
	);

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-prom-'));
	const dataDir = path.join(dir, 'data');
	fs.mkdirSync(dataDir);
	const config = buildConfig(settings.scrapeIntervalMs, jobs, options.ruleFiles);
	const configPath = path.join(dir, 'prometheus.yml');
	fs.writeFileSync(configPath, config);
	return {
		url: `http://${promAddress}`,
		promAddress,
		nodeExporterAddress,
		expectedUp,
		dir,
		dataDir,
		configPath,
		config,
	};
}

/** Spawns node_exporter (when asked), Prometheus and the watchdog; returns when Prometheus was spawned. */
async function spawnAll(
	launch: Launch,
	layout: Layout,
	bins: { prometheus: string; nodeExporter: string },
): Promise<number> {
	if (layout.nodeExporterAddress) {
		launch.nodeExporter = launch.spawnLogged('node_exporter', bins.nodeExporter, [
			`--web.listen-address=${layout.nodeExporterAddress}`,
			...NODE_EXPORTER_FLAGS,
		]);
	}
	const promStart = Date.now();
	launch.prometheus = launch.spawnLogged('prometheus', bins.prometheus, [
		`--config.file=${layout.configPath}`,
		`--storage.tsdb.path=${layout.dataDir}`,
		`--storage.tsdb.retention.time=1h`,
		`--web.listen-address=${layout.promAddress}`,
		'--web.enable-lifecycle',
		`--web.external-url=${layout.url}/`,
	]);
	if (!launch.prometheus.pid || (launch.nodeExporter && !launch.nodeExporter.pid)) {
		await sleep(50);
		return launch.fail('could not spawn prometheus / node_exporter');
	}
	try {
		launch.startWatchdog();
	} catch (err) {
		return launch.fail(`watchdog: ${(err as Error).message}`);
	}
	return promStart;
}

/** Waits until `/-/ready` answers 200. */
async function waitReady(
	launch: Launch,
	url: string,
	deadline: number,
	startupTimeoutMs: number,
): Promise<void> {
	for (;;) {
		const d = launch.died();
		if (d)
			return launch.fail(
				`Prometheus failed to start: ${d.startsWith('node_exporter') ? d : `prometheus ${d}`}`,
			);
		if (Date.now() > deadline)
			return launch.fail(`Prometheus not ready at ${url}/-/ready within ${startupTimeoutMs} ms`);
		try {
			const res = await fetchWithTimeout(`${url}/-/ready`, 1000);
			await res.arrayBuffer();
			if (res.status === 200) return;
		} catch {
			// not listening yet
		}
		await sleep(50);
	}
}

/** Waits for the first successful scrape (`up == 1`) of every expected `job/instance`. */
async function waitTargetsUp(
	launch: Launch,
	layout: Layout,
	deadline: number,
	settings: Settings,
): Promise<void> {
	let notUp = layout.expectedUp;
	for (;;) {
		const d = launch.died();
		if (d) return launch.fail(`process died while waiting for the first scrape: ${d}`);
		if (Date.now() > deadline) {
			return launch.fail(
				`targets not up (up != 1) within ${settings.startupTimeoutMs} ms: ${notUp.join(', ')}`,
			);
		}
		try {
			const r = await promQuery(layout.url, 'up == 1');
			const up = new Set(
				(r.result as Array<{ metric: Record<string, string> }>).map(
					(s) => `${s.metric.job}/${s.metric.instance}`,
				),
			);
			notUp = layout.expectedUp.filter((k) => !up.has(k));
			if (notUp.length === 0) return;
		} catch {
			// keep polling
		}
		await sleep(Math.min(100, settings.scrapeIntervalMs / 4));
	}
}

/** Prometheus version from /api/v1/status/buildinfo; informational only ("unknown" when unread). */
async function readVersion(url: string): Promise<string> {
	try {
		const res = await fetchWithTimeout(`${url}/api/v1/status/buildinfo`, 5000);
		const body = (await res.json()) as { data?: { version?: string } };
		return body.data?.version ?? 'unknown';
	} catch {
		return 'unknown';
	}
}

async function startOnce(options: PrometheusHarnessOptions): Promise<PrometheusHarness> {
	const settings = readSettings(options);
	const bins = await ensurePrometheusBinaries();
	const layout = await prepare(options, settings);
	const launch = new Launch(layout.dir, layout.configPath, layout.config);

	const deadline = Date.now() + settings.startupTimeoutMs;
	const promStart = await spawnAll(launch, layout, bins);
	await waitReady(launch, layout.url, deadline, settings.startupTimeoutMs);
	const readyAt = Date.now();
	await waitTargetsUp(launch, layout, deadline, settings);
	const timings = { prometheusStartupMs: readyAt - promStart, firstScrapeMs: Date.now() - readyAt };
	return harness(launch, layout, timings, await readVersion(layout.url));
}

function harness(
	launch: Launch,
	layout: Layout,
	timings: PrometheusHarness['timings'],
	version: string,
): PrometheusHarness {
	const { url } = layout;
	const promProc = launch.prometheus!;
	let stopped = false;
	return {
		url,
		nodeExporterAddress: layout.nodeExporterAddress,
		version,
		dir: layout.dir,
		config: layout.config,
		timings,
		pids: {
			prometheus: promProc.pid!,
			nodeExporter: launch.nodeExporter?.pid,
			watchdog: launch.rec.watchdog!.pid!,
		},
		logs: () => launch.logs.all(),
		query: async (promql) => (await promQuery(url, promql)).result,
		waitForSeries: (promql, timeoutMs = 15_000) => waitForSeries(url, promql, timeoutMs),
		queryCount: () => queryCount(url),
		stopPrometheusOnly: () => killChild(promProc),
		async stop(): Promise<void> {
			if (stopped) return;
			stopped = true;
			await launch.cleanup();
		},
	};
}
