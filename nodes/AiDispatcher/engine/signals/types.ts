/**
 * Live signals: what the host, Ollama and its exporter report, normalised on arrival. Pure data;
 * selection reads it without I/O. A value is a number or `null` (unknown: no data, NaN, ±Inf, or the
 * query failed); `unknown` says why for each null.
 */
import type { OllamaLoaded } from '../ports';
import type { PeerBreaker, PeerSpeeds } from './peers';

/** Host-wide signals (one number each). */
export const HOST_SIGNALS = [
	'memAvailableBytes',
	'memAvailablePercent',
	'cpuBusyPercent',
	'load1PerCore',
	'containerWorkingSetBytes',
	'gpuFreeBytes',
] as const;
export type HostSignal = (typeof HOST_SIGNALS)[number];

/** Per-model signals from an Ollama exporter (one number per model label value). */
export const MODEL_SIGNALS = [
	'queueDepth',
	'inFlight',
	'p95DurationSeconds',
	'errorRatePercent',
] as const;
export type ModelSignal = (typeof MODEL_SIGNALS)[number];

export type BuiltInSignal = HostSignal | ModelSignal;
export const BUILT_IN_SIGNALS: readonly BuiltInSignal[] = [...HOST_SIGNALS, ...MODEL_SIGNALS];

/** A per-model signal: by model name, plus the total over all series (null when none). */
export interface PerModelValue {
	total: number | null;
	byModel: Record<string, number>;
}

/** How Prometheus fared in the round that produced a snapshot. */
export type PrometheusState = 'ok' | 'partial' | 'unavailable' | 'not configured';

/** One refresh round's results. */
export interface SignalSnapshot {
	/** Clock time when the round finished, in ms. */
	takenAtMs: number;
	/** How long the round took, in ms. */
	roundMs: number;
	/** Prometheus queries sent in the round (0 when Prometheus was skipped). */
	queries: number;
	prometheus: PrometheusState;
	/** Why Prometheus gave nothing usable ("connection refused", "breaker open …"), when it didn't. */
	unavailableReason?: string;
	host: Record<HostSignal, number | null>;
	models: Record<ModelSignal, PerModelValue>;
	/** User-defined named queries, for rules: `signals.custom[name]`. */
	custom: Record<string, number | null>;
	/** Why each unknown value is unknown, keyed by signal (or `custom.<name>`). */
	unknown: Record<string, string>;
	/** Models loaded in Ollama (from /api/ps), or null when /api/ps failed. */
	loaded: OllamaLoaded[] | null;
	loadedError?: string;
	/** Installed models' on-disk size in bytes (from /api/tags), or null when it failed. */
	installedBytes: Record<string, number> | null;
	/**
	 * Breakers other n8n processes pushed as open (see `peers.ts`); present only when the round asked
	 * Prometheus for them (`QuerySettings.sharedHealth`), null when that query failed.
	 */
	peerBreakers?: PeerBreaker[] | null;
	/** Decode speeds the processes pushed (tokens/s by host, then model); same presence rule as `peerBreakers`. */
	peerTokensPerS?: PeerSpeeds | null;
}

/** Exporter metric names and label mapping (community exporters differ: see the README). */
export interface ExporterNames {
	/** Gauge of requests waiting, per model. */
	queued: string;
	/** Gauge of requests generating, per model. */
	inFlight: string;
	/** Histogram base name (without `_bucket`) of request wall time in seconds. */
	durationHistogram: string;
	/** Counter of finished requests, per model (and status). */
	requestsTotal: string;
	/** Label matcher that selects failed requests in `requestsTotal`, e.g. `status="error"`. */
	errorMatcher: string;
	/** Name of the label that carries the model, e.g. `model` or `model_name`. */
	modelLabel: string;
}

/** Everything that decides which PromQL is sent. Part of the cache key. */
export interface QuerySettings {
	names: ExporterNames;
	/** Label matchers added to node_exporter selectors, e.g. `instance="gpu1:9100"`; empty = all. */
	nodeSelector: string;
	/** Label matchers added to exporter selectors, e.g. `job="ollama"`; empty = all. */
	exporterSelector: string;
	/** Range for rate()/histogram windows; at least 4× the scrape interval, e.g. `1m`. */
	rateWindow: string;
	/** Full PromQL replacing a built-in signal's default. */
	overrides: Partial<Record<BuiltInSignal, string>>;
	/** User-added named queries. */
	custom: Record<string, string>;
	/**
	 * Also read back the breakers every n8n process pushed as open (one more query in the round, see
	 * `peers.ts`), so a model that failed on one queue-mode worker is skipped by the others.
	 */
	sharedHealth?: boolean;
	/** This process's `instance` label, left out of those queries (it knows its own breakers). */
	ownInstance?: string;
}

export interface SignalsConfig {
	/** How long a round's results are reused, in ms (default 15 000). */
	ttlMs: number;
	/** Per-query (and /api/ps) timeout of one round, in ms (default 1 500). */
	timeoutMs: number;
	queries: QuerySettings;
}

/** Where signals come from: the credential's URLs. */
export interface SignalsSource {
	ollamaUrl: string;
	prometheusUrl: string | null;
}
