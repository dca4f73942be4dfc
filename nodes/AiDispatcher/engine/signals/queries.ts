/**
 * The default query set and its templating. Every built-in query can be replaced by the user;
 * exporter metric names, the model label and extra label matchers are settings.
 */
import type { BuiltInSignal, ExporterNames, QuerySettings, SignalsConfig } from './types';
import { MODEL_SIGNALS } from './types';

export const DEFAULT_EXPORTER_NAMES: ExporterNames = {
	queued: 'ollama_requests_queued',
	inFlight: 'ollama_requests_in_flight',
	durationHistogram: 'ollama_request_duration_seconds',
	requestsTotal: 'ollama_requests_total',
	errorMatcher: 'status="error"',
	modelLabel: 'model',
};

export const DEFAULT_QUERY_SETTINGS: QuerySettings = {
	names: DEFAULT_EXPORTER_NAMES,
	nodeSelector: '',
	exporterSelector: '',
	rateWindow: '1m',
	overrides: {},
	custom: {},
};

export const DEFAULT_SIGNALS_CONFIG: SignalsConfig = {
	ttlMs: 15_000,
	timeoutMs: 1_500,
	queries: DEFAULT_QUERY_SETTINGS,
};

/** One query of a round. */
export interface SignalQuery {
	/** Built-in signal name, or `custom.<name>`. */
	key: string;
	promql: string;
	/** Samples are split by the model label. */
	perModel: boolean;
}

/** `{a, b}` from non-empty matcher lists. */
function sel(...matchers: string[]): string {
	const parts = matchers.map((m) => m.trim()).filter((m) => m.length > 0);
	return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

/** The default PromQL of every built-in signal for these settings. */
export function defaultQueries(settings: QuerySettings): Record<BuiltInSignal, string> {
	const { names: n, nodeSelector: node, exporterSelector: exp, rateWindow: w } = settings;
	const m = n.modelLabel;
	const idle = `node_cpu_seconds_total${sel('mode="idle"', node)}`;
	return {
		memAvailableBytes: `min(node_memory_MemAvailable_bytes${sel(node)})`,
		memAvailablePercent: `100 * min(node_memory_MemAvailable_bytes${sel(node)} / node_memory_MemTotal_bytes${sel(node)})`,
		cpuBusyPercent: `clamp(100 * max(1 - avg by (instance) (rate(${idle}[${w}]))), 0, 100)`,
		load1PerCore: `max(node_load1${sel(node)} / on (instance) count by (instance) (${idle}))`,
		containerWorkingSetBytes: `max(container_memory_working_set_bytes${sel('name="ollama"')} or container_memory_working_set_bytes${sel('container="ollama"')})`,
		gpuFreeBytes: `sum(DCGM_FI_DEV_FB_FREE) * 1048576`,
		queueDepth: `sum by (${m}) (${n.queued}${sel(exp)})`,
		inFlight: `sum by (${m}) (${n.inFlight}${sel(exp)})`,
		p95DurationSeconds: `histogram_quantile(0.95, sum by (${m}, le) (rate(${n.durationHistogram}_bucket${sel(exp)}[${w}])))`,
		errorRatePercent: `100 * sum by (${m}) (rate(${n.requestsTotal}${sel(n.errorMatcher, exp)}[${w}])) / sum by (${m}) (rate(${n.requestsTotal}${sel(exp)}[${w}]))`,
	};
}

/** All queries of one round: the built-ins (overrides applied) and the custom ones, in a stable order. */
export function buildQueries(settings: QuerySettings): SignalQuery[] {
	const defaults = defaultQueries(settings);
	const builtIn = (Object.keys(defaults) as BuiltInSignal[]).map((key) => ({
		key,
		promql: settings.overrides[key] ?? defaults[key],
		perModel: (MODEL_SIGNALS as readonly string[]).includes(key),
	}));
	const custom = Object.keys(settings.custom)
		.sort()
		.map((name) => ({ key: `custom.${name}`, promql: settings.custom[name], perModel: false }));
	return [...builtIn, ...custom];
}
