/** The Prometheus harness's public types and errors. */
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
