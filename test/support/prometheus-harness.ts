/**
 * Test harness that runs a REAL Prometheus (and, by default, a real node_exporter) on random
 * loopback ports with its own temp config and TSDB directory. No mocks: tests talk to the binaries
 * installed by `scripts/ensure-runtime.sh --prometheus` (Debian's `prometheus` and
 * `prometheus-node-exporter`). A system Prometheus started by the apt package (ports 9090/9100) is
 * never used.
 *
 * Lifecycle guarantees:
 *  - `stop()` kills every process it started (SIGTERM, then SIGKILL after 5 s) and removes the temp dir;
 *  - a `process.on('exit')` hook SIGKILLs whatever is still running if the test process exits;
 *  - a tiny detached `sh` watchdog kills the processes and removes the temp dir if the test process
 *    dies without running exit hooks (SIGTERM/SIGKILL of a jest worker).
 *
 * PromQL notes at the default 1 s scrape interval:
 *  - `rate()` needs two samples inside its window, i.e. two scrapes. Use a short window such as
 *    `[15s]` (see {@link CPU_BUSY_PROMQL}); `[1m]` also works but reacts slowly.
 *  - while a series is younger than the window, `rate()` extrapolates over the sampled part only and
 *    under-estimates the idle rate (CPU busy reads high) for the first ~15 s.
 *
 * Timing: `/-/ready` answers ~0.1 s after spawn, but Prometheus 2.x sends service-discovery updates
 * (even for static_configs) on a fixed 5 s tick, so the first scrape lands ~5-6 s after start;
 * `startPrometheus()` resolves only once every target has `up == 1`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { registerProcess } from './process-registry';

export interface ScrapeTarget {
	job: string;
	/** "127.0.0.1:1234" */
	address: string;
	/** default /metrics */
	metricsPath?: string;
	/** Keep the scraped `job`/`instance` labels (a Pushgateway target needs this). */
	honorLabels?: boolean;
}

export interface PrometheusHarnessOptions {
	targets?: ScrapeTarget[];
	/** default true */
	withNodeExporter?: boolean;
	/** Absolute paths of rule files (recording and alerting rules) to load. */
	ruleFiles?: string[];
	/** default 1000 */
	scrapeIntervalMs?: number;
	/** How long to wait for `/-/ready` plus the first successful scrape of every target. Default 30000. */
	startupTimeoutMs?: number;
}

export interface PrometheusHarnessTimings {
	/** spawn of Prometheus until `/-/ready` answers 200 */
	prometheusStartupMs: number;
	/** `/-/ready` until `up == 1` for every target */
	firstScrapeMs: number;
}

export interface PrometheusHarness {
	/** http://127.0.0.1:PORT of the real Prometheus */
	url: string;
	nodeExporterAddress?: string;
	/** GET /api/v1/query; returns data.result; throws {@link PrometheusQueryError} on status:error */
	query(promql: string): Promise<unknown>;
	/** Polls until the query returns a non-empty vector (default timeout 15 s). */
	waitForSeries(promql: string, timeoutMs?: number): Promise<void>;
	/**
	 * How many instant queries (`/api/v1/query`, any method, any status code) Prometheus has served so
	 * far: the sum of its own counter `prometheus_http_requests_total{handler="/api/v1/query"}`.
	 * Read from Prometheus's own `/metrics` endpoint (the same counter the self-scrape job
	 * "prometheus" stores), so it is exact, has no scrape delay, and reading it is not itself counted.
	 * Note that `query()`/`waitForSeries()` of this harness are instant queries too.
	 */
	queryCount(): Promise<number>;
	/** Kills all processes and removes temp dirs. Idempotent. */
	stop(): Promise<void>;
	/** Kills Prometheus only ("Prometheus down" tests); `url` stays, connections get ECONNREFUSED. */
	stopPrometheusOnly(): Promise<void>;

	// Extras (not needed by most tests).
	/** Prometheus version from /api/v1/status/buildinfo, e.g. "2.42.0+ds" */
	version: string;
	timings: PrometheusHarnessTimings;
	pids: { prometheus: number; nodeExporter?: number; watchdog: number };
	/** Directory holding prometheus.yml and the TSDB */
	dir: string;
	/** The generated prometheus.yml (JSON, which is valid YAML) */
	config: string;
	/** Last ~64 KiB of Prometheus and node_exporter output */
	logs(): string;
}

export class PrometheusQueryError extends Error {
	constructor(
		message: string,
		readonly errorType: string | undefined,
		readonly httpStatus: number | undefined,
	) {
		super(message);
		this.name = 'PrometheusQueryError';
	}
}

/**
 * CPU busy fraction (0..1, averaged over all CPUs) that works at the default 1 s scrape interval once
 * node_exporter has been scraped twice (see {@link NODE_TWO_SCRAPES_PROMQL}). Clamped because scrape
 * jitter and the 10 ms tick granularity of /proc/stat can push `1 - idle` a hair below 0 on an idle
 * machine. Caveat: for the first ~15 s of a fresh Prometheus, `rate()` extrapolates from only a few
 * samples and reads HIGH (e.g. 0.9 on a half-busy machine); use {@link CPU_BUSY_IRATE_PROMQL} when the
 * value must be right immediately.
 */
export const CPU_BUSY_PROMQL = 'clamp(1 - avg(rate(node_cpu_seconds_total{mode="idle"}[15s])), 0, 1)';

/** The same without the clamp, as in the reference notes (window shortened from 1m for 1 s scrapes). */
export const CPU_BUSY_PROMQL_RAW = '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[15s]))';

/** CPU busy from the last two scrapes only: right as soon as two scrapes exist, but noisier. */
export const CPU_BUSY_IRATE_PROMQL = 'clamp(1 - avg(irate(node_cpu_seconds_total{mode="idle"}[15s])), 0, 1)';

/** PromQL for "at least two scrapes of node_exporter exist", i.e. rate() over [15s] has data. */
export const NODE_TWO_SCRAPES_PROMQL = 'count_over_time(node_cpu_seconds_total{mode="idle"}[15s]) >= 2';

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
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LOG_TAIL_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Binaries

let binariesPromise: Promise<{ prometheus: string; nodeExporter: string }> | undefined;

export function which(name: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}
	for (const dir of ['/usr/bin', '/usr/local/bin', '/usr/sbin']) {
		const candidate = path.join(dir, name);
		if (fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

/**
 * Returns the paths of `prometheus` and `prometheus-node-exporter`; runs
 * `scripts/ensure-runtime.sh --prometheus` (Debian packages via apt; may also install Node 24 and n8n
 * on first use, which takes minutes) when either is missing.
 */
export async function ensurePrometheusBinaries(): Promise<{ prometheus: string; nodeExporter: string }> {
	binariesPromise ??= (async () => {
		const prometheus = which('prometheus');
		const nodeExporter = which('prometheus-node-exporter');
		if (prometheus && nodeExporter) return { prometheus, nodeExporter };

		const script = path.join(REPO_ROOT, 'scripts', 'ensure-runtime.sh');
		const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
			(resolve, reject) => {
				const child = spawn('bash', [script, '--prometheus'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
				let out = '';
				let err = '';
				child.stdout.on('data', (d: Buffer) => (out += d.toString()));
				child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
				child.on('error', reject);
				child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
			},
		);
		const get = (key: string) => stdout.match(new RegExp(`^${key}=(.+)$`, 'm'))?.[1]?.trim();
		const p = get('PROMETHEUS');
		const n = get('NODE_EXPORTER');
		if (code !== 0 || !p || !n || !fs.existsSync(p) || !fs.existsSync(n)) {
			throw new Error(
				`scripts/ensure-runtime.sh --prometheus failed (exit ${code}); stdout:\n${stdout}\nstderr tail:\n${stderr}`,
			);
		}
		return { prometheus: p, nodeExporter: n };
	})();
	try {
		return await binariesPromise;
	} catch (err) {
		binariesPromise = undefined;
		throw err;
	}
}

// ---------------------------------------------------------------------------------------------
// Process bookkeeping (exit hook)

interface LiveRecord {
	children: Set<ChildProcess>;
	watchdog?: ChildProcess;
	dir: string;
}

const live = new Set<LiveRecord>();
let exitHookInstalled = false;

function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const rec of live) {
			for (const child of rec.children) {
				try {
					if (child.pid && child.exitCode === null && child.signalCode === null) process.kill(child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			if (rec.watchdog?.pid) {
				try {
					process.kill(-rec.watchdog.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			try {
				fs.rmSync(rec.dir, { recursive: true, force: true });
			} catch {
				// best effort
			}
		}
		live.clear();
	});
}

/** Detached shell that kills `pids` and removes `dir` once this process no longer exists. */
export function startWatchdog(pids: number[], dir: string): ChildProcess {
	const script = [
		'parent=$1; dir=$2; shift 2',
		'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
		'kill -TERM "$@" 2>/dev/null; sleep 2; kill -KILL "$@" 2>/dev/null',
		'rm -rf "$dir"',
	].join('\n');
	const wd = spawn('sh', ['-c', script, 'prometheus-harness-watchdog', String(process.pid), dir, ...pids.map(String)], {
		detached: true,
		stdio: 'ignore',
	});
	wd.unref();
	if (!wd.pid) throw new Error('could not start the watchdog shell');
	registerProcess(wd.pid, true);
	return wd;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export async function freePorts(n: number): Promise<number[]> {
	// Hold all servers open at once so the n ports are distinct.
	const servers: net.Server[] = [];
	try {
		const ports: number[] = [];
		for (let i = 0; i < n; i++) {
			const srv = net.createServer();
			servers.push(srv);
			ports.push(
				await new Promise<number>((resolve, reject) => {
					srv.on('error', reject);
					srv.listen(0, LOOPBACK, () => {
						const a = srv.address();
						if (!a || typeof a === 'string') reject(new Error('no port'));
						else resolve(a.port);
					});
				}),
			);
		}
		return ports;
	} finally {
		await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
	}
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function durationString(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

class LogTail {
	private buf = '';
	append(prefix: string, chunk: Buffer): void {
		const text = chunk
			.toString()
			.split('\n')
			.map((l, i, arr) => (l === '' && i === arr.length - 1 ? l : `[${prefix}] ${l}`))
			.join('\n');
		this.buf = (this.buf + text).slice(-LOG_TAIL_BYTES);
	}
	tail(chars = 4000): string {
		return this.buf.slice(-chars);
	}
	all(): string {
		return this.buf;
	}
}

function isRunning(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

export async function killChild(child: ChildProcess, graceMs = 5000): Promise<void> {
	if (!isRunning(child)) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	try {
		child.kill('SIGTERM');
	} catch {
		// gone
	}
	const timer = setTimeout(() => {
		try {
			if (isRunning(child)) child.kill('SIGKILL');
		} catch {
			// gone
		}
	}, graceMs);
	await exited;
	clearTimeout(timer);
}

async function fetchWithTimeout(url: string, timeoutMs: number): Promise<Response> {
	return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
}

interface PromEnvelope {
	status?: string;
	data?: { resultType?: string; result?: unknown } & Record<string, unknown>;
	errorType?: string;
	error?: string;
}

async function promQuery(baseUrl: string, promql: string): Promise<{ resultType?: string; result: unknown }> {
	const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`;
	let res: Response;
	try {
		res = await fetchWithTimeout(url, 30_000);
	} catch (err) {
		throw new PrometheusQueryError(
			`Prometheus query request failed: ${(err as Error).message}${
				(err as { cause?: { code?: string } }).cause?.code ? ` (${(err as { cause: { code: string } }).cause.code})` : ''
			}`,
			undefined,
			undefined,
		);
	}
	const text = await res.text();
	let body: PromEnvelope;
	try {
		body = JSON.parse(text) as PromEnvelope;
	} catch {
		throw new PrometheusQueryError(
			`Prometheus returned non-JSON (HTTP ${res.status}): ${text.slice(0, 500)}`,
			undefined,
			res.status,
		);
	}
	if (body.status !== 'success') {
		throw new PrometheusQueryError(
			`Prometheus query failed (HTTP ${res.status}, ${body.errorType ?? 'unknown'}): ${body.error ?? text.slice(0, 500)}`,
			body.errorType,
			res.status,
		);
	}
	return { resultType: body.data?.resultType, result: body.data?.result };
}

function isNonEmptyVector(r: { resultType?: string; result: unknown }): boolean {
	return (r.resultType === 'vector' || r.resultType === 'matrix') && Array.isArray(r.result) && r.result.length > 0;
}

/** Sums `prometheus_http_requests_total{handler="/api/v1/query"}` over all codes in exposition text. */
export function sumQueryRequests(exposition: string): number {
	let total = 0;
	for (const line of exposition.split('\n')) {
		if (!line.startsWith('prometheus_http_requests_total{')) continue;
		const close = line.lastIndexOf('}');
		const labels = line.slice('prometheus_http_requests_total{'.length, close);
		if (!/(^|,)handler="\/api\/v1\/query"(,|$)/.test(labels)) continue;
		const value = Number(line.slice(close + 1).trim().split(/\s+/)[0]);
		if (Number.isFinite(value)) total += value;
	}
	return total;
}

// ---------------------------------------------------------------------------------------------
// startPrometheus

interface JobConfig {
	job_name: string;
	metrics_path?: string;
	honor_labels?: boolean;
	static_configs: Array<{ targets: string[] }>;
}

function buildConfig(scrapeIntervalMs: number, jobs: JobConfig[], ruleFiles: string[] = []): string {
	const interval = durationString(scrapeIntervalMs);
	const timeout = durationString(Math.min(scrapeIntervalMs, 10_000));
	const cfg = {
		global: { scrape_interval: interval, scrape_timeout: timeout, evaluation_interval: interval },
		scrape_configs: jobs,
		...(ruleFiles.length > 0 ? { rule_files: ruleFiles } : {}),
	};
	// JSON is valid YAML, and sidesteps any quoting issue.
	return JSON.stringify(cfg, null, 2) + '\n';
}

function groupTargets(targets: ScrapeTarget[], reserved: string[]): JobConfig[] {
	const byJob = new Map<string, JobConfig>();
	for (const t of targets) {
		if (!t.job || !/^\S+$/.test(t.job)) throw new Error(`invalid job name ${JSON.stringify(t.job)}`);
		if (reserved.includes(t.job)) throw new Error(`job name "${t.job}" is reserved by the harness`);
		if (!/^[^\s/]+:\d+$/.test(t.address)) throw new Error(`invalid target address ${JSON.stringify(t.address)} (want host:port)`);
		const metricsPath = t.metricsPath ?? '/metrics';
		const existing = byJob.get(t.job);
		if (existing) {
			if (existing.metrics_path !== metricsPath) {
				throw new Error(`job "${t.job}" has targets with different metricsPath values`);
			}
			existing.static_configs[0].targets.push(t.address);
		} else {
			byJob.set(t.job, {
				job_name: t.job,
				metrics_path: metricsPath,
				...(t.honorLabels ? { honor_labels: true } : {}),
				static_configs: [{ targets: [t.address] }],
			});
		}
	}
	return [...byJob.values()];
}

/** Startup failed; everything it started has already been killed and its temp dir removed. */
export class PrometheusStartupError extends Error {
	constructor(
		message: string,
		/** pids that were started (all dead by the time this is thrown) */
		readonly pids: number[],
		/** the removed temp dir */
		readonly dir: string,
		readonly addressInUse: boolean,
	) {
		super(message);
		this.name = 'PrometheusStartupError';
	}
}

export async function startPrometheus(options: PrometheusHarnessOptions = {}): Promise<PrometheusHarness> {
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

async function startOnce(options: PrometheusHarnessOptions): Promise<PrometheusHarness> {
	const scrapeIntervalMs = options.scrapeIntervalMs ?? 1000;
	if (!Number.isInteger(scrapeIntervalMs) || scrapeIntervalMs < 100) {
		throw new Error(`scrapeIntervalMs must be an integer >= 100, got ${scrapeIntervalMs}`);
	}
	const withNodeExporter = options.withNodeExporter ?? true;
	const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
	const bins = await ensurePrometheusBinaries();

	const [promPort, nodePort] = await freePorts(2);
	const promAddress = `${LOOPBACK}:${promPort}`;
	const nodeExporterAddress = withNodeExporter ? `${LOOPBACK}:${nodePort}` : undefined;
	const url = `http://${promAddress}`;

	const jobs: JobConfig[] = [{ job_name: 'prometheus', static_configs: [{ targets: [promAddress] }] }];
	if (nodeExporterAddress) jobs.push({ job_name: 'node', static_configs: [{ targets: [nodeExporterAddress] }] });
	jobs.push(...groupTargets(options.targets ?? [], ['prometheus', 'node']));
	const expectedUp = jobs.flatMap((j) => j.static_configs[0].targets.map((instance) => ({ job: j.job_name, instance })));

	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-prom-'));
	const dataDir = path.join(dir, 'data');
	fs.mkdirSync(dataDir);
	const config = buildConfig(scrapeIntervalMs, jobs, options.ruleFiles);
	const configPath = path.join(dir, 'prometheus.yml');
	fs.writeFileSync(configPath, config);

	const logs = new LogTail();
	const rec: LiveRecord = { children: new Set(), dir };
	installExitHook();
	live.add(rec);

	const spawnLogged = (name: string, bin: string, args: string[]): ChildProcess => {
		const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout?.on('data', (d: Buffer) => logs.append(name, d));
		child.stderr?.on('data', (d: Buffer) => logs.append(name, d));
		child.on('error', (e) => logs.append(name, Buffer.from(`spawn error: ${e.message}\n`)));
		rec.children.add(child);
		registerProcess(child.pid, false);
		return child;
	};

	let nodeExporter: ChildProcess | undefined;
	let prometheus: ChildProcess | undefined;
	let stopped = false;

	const cleanup = async () => {
		const wd = rec.watchdog;
		if (wd?.pid && isRunning(wd)) {
			wd.ref();
			const exited = new Promise<void>((resolve) => wd.once('exit', () => resolve()));
			try {
				process.kill(-wd.pid, 'SIGKILL'); // its process group: the shell and its `sleep`
				await exited;
			} catch {
				// gone
			}
		}
		await Promise.all([...rec.children].map((c) => killChild(c)));
		fs.rmSync(dir, { recursive: true, force: true });
		live.delete(rec);
	};

	const fail = async (what: string): Promise<never> => {
		const pids = [...rec.children].map((c) => c.pid).filter((p): p is number => !!p);
		if (rec.watchdog?.pid) pids.push(rec.watchdog.pid);
		await cleanup();
		const tail = logs.tail();
		const msg = `${what}\n--- config (${configPath}) ---\n${config}--- process output (tail) ---\n${tail}`;
		throw new PrometheusStartupError(msg, pids, dir, /address already in use/i.test(tail));
	};

	const died = (child: ChildProcess | undefined) =>
		child && !isRunning(child) ? `exited (code ${child.exitCode}, signal ${child.signalCode})` : undefined;

	const t0 = Date.now();
	const deadline = t0 + startupTimeoutMs;

	if (nodeExporterAddress) {
		nodeExporter = spawnLogged('node_exporter', bins.nodeExporter, [
			`--web.listen-address=${nodeExporterAddress}`,
			...NODE_EXPORTER_FLAGS,
		]);
	}
	const promStart = Date.now();
	prometheus = spawnLogged('prometheus', bins.prometheus, [
		`--config.file=${configPath}`,
		`--storage.tsdb.path=${dataDir}`,
		`--storage.tsdb.retention.time=1h`,
		`--web.listen-address=${promAddress}`,
		'--web.enable-lifecycle',
		`--web.external-url=${url}/`,
	]);
	if (!prometheus.pid || (nodeExporter && !nodeExporter.pid)) {
		await sleep(50);
		return fail('could not spawn prometheus / node_exporter');
	}
	try {
		rec.watchdog = startWatchdog(
			[prometheus.pid, ...(nodeExporter?.pid ? [nodeExporter.pid] : [])],
			dir,
		);
	} catch (err) {
		return fail(`watchdog: ${(err as Error).message}`);
	}

	// 1) /-/ready
	for (;;) {
		const d = died(prometheus) ?? (died(nodeExporter) && `node_exporter ${died(nodeExporter)}`);
		if (d) return fail(`Prometheus failed to start: ${d.startsWith('node_exporter') ? d : `prometheus ${d}`}`);
		if (Date.now() > deadline) return fail(`Prometheus not ready at ${url}/-/ready within ${startupTimeoutMs} ms`);
		try {
			const res = await fetchWithTimeout(`${url}/-/ready`, 1000);
			await res.arrayBuffer();
			if (res.status === 200) break;
		} catch {
			// not listening yet
		}
		await sleep(50);
	}
	const readyAt = Date.now();
	const prometheusStartupMs = readyAt - promStart;

	// 2) first successful scrape of every target
	let notUp: string[] = expectedUp.map((e) => `${e.job}/${e.instance}`);
	for (;;) {
		const d = died(prometheus) ?? (died(nodeExporter) && `node_exporter ${died(nodeExporter)}`);
		if (d) return fail(`process died while waiting for the first scrape: ${d}`);
		if (Date.now() > deadline) {
			return fail(`targets not up (up != 1) within ${startupTimeoutMs} ms: ${notUp.join(', ')}`);
		}
		try {
			const r = await promQuery(url, 'up == 1');
			const up = new Set(
				(r.result as Array<{ metric: Record<string, string> }>).map((s) => `${s.metric.job}/${s.metric.instance}`),
			);
			notUp = expectedUp.map((e) => `${e.job}/${e.instance}`).filter((k) => !up.has(k));
			if (notUp.length === 0) break;
		} catch {
			// keep polling
		}
		await sleep(Math.min(100, scrapeIntervalMs / 4));
	}
	const firstScrapeMs = Date.now() - readyAt;

	let version = 'unknown';
	try {
		const res = await fetchWithTimeout(`${url}/api/v1/status/buildinfo`, 5000);
		const body = (await res.json()) as { data?: { version?: string } };
		version = body.data?.version ?? version;
	} catch {
		// informational only
	}

	const promProc = prometheus;
	const harness: PrometheusHarness = {
		url,
		nodeExporterAddress,
		version,
		dir,
		config,
		timings: { prometheusStartupMs, firstScrapeMs },
		pids: { prometheus: promProc.pid!, nodeExporter: nodeExporter?.pid, watchdog: rec.watchdog.pid! },
		logs: () => logs.all(),

		async query(promql: string): Promise<unknown> {
			return (await promQuery(url, promql)).result;
		},

		async waitForSeries(promql: string, timeoutMs = 15_000): Promise<void> {
			const end = Date.now() + timeoutMs;
			let last = 'no answer yet';
			for (;;) {
				try {
					const r = await promQuery(url, promql);
					if (isNonEmptyVector(r)) return;
					last = `${r.resultType}: ${JSON.stringify(r.result)}`;
				} catch (err) {
					last = (err as Error).message;
				}
				if (Date.now() + 100 > end) {
					throw new Error(`waitForSeries(${promql}) timed out after ${timeoutMs} ms; last result: ${last}`);
				}
				await sleep(100);
			}
		},

		async queryCount(): Promise<number> {
			// The counter is incremented by the instrumentation wrapper right after the handler returns,
			// which can be a hair after the client has the response; re-read until two reads agree.
			const read = async () => {
				const res = await fetchWithTimeout(`${url}/metrics`, 5000);
				if (res.status !== 200) throw new Error(`GET ${url}/metrics: HTTP ${res.status}`);
				return sumQueryRequests(await res.text());
			};
			let prev = await read();
			const end = Date.now() + 2000;
			for (;;) {
				await sleep(30);
				const cur = await read();
				if (cur === prev || Date.now() > end) return cur;
				prev = cur;
			}
		},

		async stopPrometheusOnly(): Promise<void> {
			await killChild(promProc);
		},

		async stop(): Promise<void> {
			if (stopped) return;
			stopped = true;
			await cleanup();
		},
	};
	return harness;
}

/** True if a process with this pid exists (and is not a zombie we could still reap). */
export function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
	// A zombie still answers kill(0); treat it as dead.
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		return state !== 'Z';
	} catch {
		return false;
	}
}
