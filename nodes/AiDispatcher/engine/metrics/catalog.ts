/**
 * Every metric the dispatcher exports, named after Prometheus' rules: `ai_dispatcher_` prefix, base
 * units in the name (seconds), `_total` on counters. Label values are bounded: configured model
 * names, tiers, Ollama URLs from the credential, failure kinds and error codes (fixed sets).
 */
import type { MetricDef } from './registry';
import { COST_METRICS } from './cost';
import { REUSE_METRICS } from './reuse';

/** Seconds: sub-second answers of small models up to two-minute timeouts of large ones. */
export const LATENCY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120] as const;
/** Seconds: a warm model's instant load up to a large model's cold load from a slow disk. */
export const LOAD_BUCKETS_S = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300] as const;
/** 0..1 in tenths. */
export const RATIO_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1] as const;

const counter = (name: string, help: string, labels: readonly string[] = []): MetricDef => ({
	name,
	help,
	type: 'counter',
	labels,
});
const gauge = (name: string, help: string, labels: readonly string[] = []): MetricDef => ({
	name,
	help,
	type: 'gauge',
	labels,
});
const histogram = (
	name: string,
	help: string,
	labels: readonly string[],
	buckets: readonly number[],
): MetricDef => ({
	name,
	help,
	type: 'histogram',
	labels,
	buckets,
});

export const METRICS = {
	items: counter(
		'ai_dispatcher_items_total',
		'Items answered, by the model and tier that answered.',
		['model', 'tier'],
	),
	itemsFailed: counter(
		'ai_dispatcher_items_failed_total',
		'Items that got no answer, by error code (ALL_CANDIDATES_FAILED: every candidate failed).',
		['code'],
	),
	decisions: counter(
		'ai_dispatcher_decisions_total',
		'Selections, by chosen (first) model and tier and what moved the choice: complexity, rule, load_policy, open_circuit, forced.',
		['model', 'tier', 'driver'],
	),
	confidence: histogram(
		'ai_dispatcher_selection_confidence_ratio',
		'How far the complexity score sat from the nearest tier threshold, relative to its tier band (1: forced or far from any threshold, 0: on a threshold).',
		['tier'],
		RATIO_BUCKETS,
	),
	calls: counter(
		'ai_dispatcher_model_calls_total',
		'Calls to Ollama models, by model, host and outcome (ok or the failure kind).',
		['model', 'host', 'outcome'],
	),
	retries: counter(
		'ai_dispatcher_retries_total',
		'Retries of the same model after a transient failure.',
		['model', 'host'],
	),
	fallbacks: counter(
		'ai_dispatcher_fallbacks_total',
		'Moves of an item from one model to the next candidate.',
		['from', 'to'],
	),
	callDuration: histogram(
		'ai_dispatcher_call_duration_seconds',
		'Wall time of successful model calls, in seconds.',
		['model'],
		LATENCY_BUCKETS_S,
	),
	firstToken: histogram(
		'ai_dispatcher_first_token_seconds',
		"Time to first token of successful calls, in seconds: wall time minus decode time (completion tokens / Ollama's eval rate).",
		['model'],
		LATENCY_BUCKETS_S,
	),
	modelLoads: counter(
		'ai_dispatcher_model_loads_total',
		'Models loaded into memory by this process (an item whose model was not loaded, or a preload), by model and host.',
		['model', 'host'],
	),
	loadDuration: histogram(
		'ai_dispatcher_model_load_seconds',
		"Time Ollama took to load a model for this process (the reply's load_duration, or the preload's duration), in seconds.",
		['model'],
		LOAD_BUCKETS_S,
	),
	inputTokens: counter(
		'ai_dispatcher_input_tokens_total',
		'Prompt tokens of answered items (Ollama prompt_eval_count).',
		['model'],
	),
	outputTokens: counter(
		'ai_dispatcher_output_tokens_total',
		'Completion tokens of answered items (Ollama eval_count).',
		['model'],
	),
	breakerState: gauge(
		'ai_dispatcher_breaker_state',
		'Circuit breaker per model and Ollama host at push time: 0 closed, 1 half-open, 2 open.',
		['model', 'host'],
	),
	breakerOpenings: counter(
		'ai_dispatcher_breaker_openings_total',
		'Transitions of a model breaker into open, in this process.',
	),
	breakerOpenUntil: gauge(
		'ai_dispatcher_breaker_open_until_timestamp_seconds',
		'Unix time until which an open breaker refuses calls to a model on an Ollama host, at push time (open breakers only). Other n8n processes read it back through Prometheus and skip the model until then.',
		['model', 'host'],
	),
	breakerSharedOpenings: counter(
		'ai_dispatcher_breaker_shared_openings_total',
		'Breakers this process opened because another n8n process reported them open through Prometheus.',
	),
	learnedTokensPerSecond: gauge(
		'ai_dispatcher_learned_tokens_per_second',
		'Moving average of decode speed this process learned per model and host, at push time.',
		['model', 'host'],
	),
	signalsItems: counter(
		'ai_dispatcher_signals_items_total',
		'Items dispatched with live signals on, by the state of Prometheus in the round they used (ok, partial, unavailable, not configured).',
		['state'],
	),
	signalsAge: gauge(
		'ai_dispatcher_signals_age_seconds',
		'Age of the live signals the last item used, in seconds.',
	),
	signalsRefreshes: counter(
		'ai_dispatcher_signals_refreshes_total',
		'Live-signals rounds run by this process.',
	),
	signalsFailures: counter(
		'ai_dispatcher_signals_failed_refreshes_total',
		'Live-signals rounds in which Prometheus gave nothing usable.',
	),
	estimatedStrongest: counter(
		'ai_dispatcher_estimated_strongest_model_seconds_total',
		'ESTIMATE: decode seconds the strongest configured model would have needed for the tokens actually produced (its learned tokens/s).',
	),
	estimatedChosen: counter(
		'ai_dispatcher_estimated_chosen_model_seconds_total',
		'ESTIMATE: decode seconds the answering models needed for the same tokens (their eval rate). Saved = strongest - chosen.',
	),
	estimatedItems: counter(
		'ai_dispatcher_estimated_items_total',
		'Answered items that entered the time-saved estimate (both tokens/s known).',
	),
	seriesDropped: counter(
		'ai_dispatcher_metrics_series_dropped_total',
		'Label sets refused because the registry reached its series cap.',
	),
} as const satisfies Record<string, MetricDef>;

export const METRIC_DEFS: readonly MetricDef[] = [
	...Object.values(METRICS),
	...Object.values(REUSE_METRICS),
	...Object.values(COST_METRICS),
];
