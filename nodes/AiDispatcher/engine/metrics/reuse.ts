/**
 * The answer-reuse metrics, taken at push time from the state's `ReuseStore` counters (the store
 * counts; nothing here observes items). Hit ratio = hits / (hits + misses).
 */
import type { ReuseStats } from '../reuse/store';
import type { MetricDef, MetricsRegistry } from './registry';

const counter = (name: string, help: string): MetricDef => ({
	name,
	help,
	type: 'counter',
	labels: [],
});
const gauge = (name: string, help: string): MetricDef => ({
	name,
	help,
	type: 'gauge',
	labels: [],
});

/** The reuse series, all without labels (one store per process). */
export const REUSE_METRICS = {
	hits: counter(
		'ai_dispatcher_reuse_hits_total',
		'Items answered with a reused answer (stored, or shared while in flight) instead of a model call.',
	),
	misses: counter(
		'ai_dispatcher_reuse_misses_total',
		'Items that found no answer to reuse and called a model.',
	),
	evictions: counter(
		'ai_dispatcher_reuse_evictions_total',
		'Stored answers dropped (least recently used) to stay within the byte bound.',
	),
	savedSeconds: counter(
		'ai_dispatcher_reuse_saved_model_seconds_total',
		'Model time the reused answers had cost when they were made, in seconds.',
	),
	bytes: gauge(
		'ai_dispatcher_reuse_bytes',
		'Estimated memory held by stored answers at push time, in bytes.',
	),
	entries: gauge('ai_dispatcher_reuse_entries', 'Stored answers at push time.'),
} as const satisfies Record<string, MetricDef>;

/** Sets the reuse series from the store's figures. */
export function snapshotReuse(metrics: MetricsRegistry, stats: ReuseStats): void {
	metrics.setCounter(REUSE_METRICS.hits, [], stats.hits);
	metrics.setCounter(REUSE_METRICS.misses, [], stats.misses);
	metrics.setCounter(REUSE_METRICS.evictions, [], stats.evictions);
	metrics.setCounter(REUSE_METRICS.savedSeconds, [], stats.savedMs / 1000);
	metrics.set(REUSE_METRICS.bytes, [], stats.bytes);
	metrics.set(REUSE_METRICS.entries, [], stats.entries);
}
