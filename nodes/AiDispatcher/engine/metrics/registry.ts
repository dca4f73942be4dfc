/**
 * A small, bounded metrics registry in Prometheus' data model: counters, gauges and histograms with
 * fixed buckets, each series identified by its label values. No timers, no I/O, no global state:
 * the caller owns the instance (one per process) and renders it with `exposition.ts`.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** What a metric is: its name (with `_total` for counters, units in the name), help and labels. */
export interface MetricDef {
	name: string;
	help: string;
	type: MetricType;
	labels: readonly string[];
	/** Histogram upper bounds, ascending, without +Inf. */
	buckets?: readonly number[];
}

export interface HistogramValue {
	/** Cumulative-ready counts per bucket (not cumulative: bucket i counts values in (b[i-1], b[i]]). */
	counts: number[];
	/** Values above the last bound. */
	overflow: number;
	sum: number;
	count: number;
}

export interface Series {
	labels: readonly string[];
	value: number;
	histogram?: HistogramValue;
}

/** Most series the registry holds over every metric; further label sets are dropped and counted. */
export const DEFAULT_MAX_SERIES = 2_000;
/** Longest label value kept; longer values are cut (model names and URLs are far shorter). */
export const MAX_LABEL_LENGTH = 200;

export class MetricsRegistry {
	private readonly series = new Map<string, Map<string, Series>>();
	private readonly defs = new Map<string, MetricDef>();
	private seriesCount = 0;
	/** Label sets refused because the registry was full. */
	dropped = 0;

	constructor(
		defs: readonly MetricDef[],
		readonly maxSeries: number = DEFAULT_MAX_SERIES,
	) {
		for (const def of defs) {
			this.defs.set(def.name, def);
			this.series.set(def.name, new Map());
		}
	}

	/** Adds `by` (>= 0) to a counter. */
	inc(def: MetricDef, labels: readonly string[] = [], by = 1): void {
		if (!(by >= 0) || !Number.isFinite(by)) return;
		const s = this.get(def, labels);
		if (s) s.value += by;
	}

	/** Sets a gauge. */
	set(def: MetricDef, labels: readonly string[], value: number): void {
		if (!Number.isFinite(value)) return;
		const s = this.get(def, labels);
		if (s) s.value = value;
	}

	/** Sets a counter that something else counts cumulatively (it must never go down). */
	setCounter(def: MetricDef, labels: readonly string[], total: number): void {
		if (!Number.isFinite(total)) return;
		const s = this.get(def, labels);
		if (s && total >= s.value) s.value = total;
	}

	/** Records one observation in a histogram. */
	observe(def: MetricDef, labels: readonly string[], value: number): void {
		if (!Number.isFinite(value)) return;
		const s = this.get(def, labels);
		const h = s?.histogram;
		if (!h) return;
		const bounds = def.buckets ?? [];
		const i = bounds.findIndex((b) => value <= b);
		if (i === -1) h.overflow++;
		else h.counts[i]++;
		h.sum += value;
		h.count++;
	}

	/** Forgets every series of a gauge (before a fresh snapshot of it). */
	clear(def: MetricDef): void {
		const map = this.series.get(def.name);
		if (!map) return;
		this.seriesCount -= map.size;
		map.clear();
	}

	/** The series of one metric, in insertion order. */
	read(def: MetricDef): Series[] {
		return [...(this.series.get(def.name)?.values() ?? [])];
	}

	/** The value of one series (0 when absent); for histograms, the observation count. */
	valueOf(def: MetricDef, labels: readonly string[] = []): number {
		const s = this.series.get(def.name)?.get(keyOf(labels.map(clean)));
		return s?.histogram ? s.histogram.count : (s?.value ?? 0);
	}

	definitions(): MetricDef[] {
		return [...this.defs.values()];
	}

	private get(def: MetricDef, labels: readonly string[]): Series | undefined {
		const map = this.series.get(def.name);
		if (!map) throw new Error(`metric ${def.name} is not registered`);
		if (labels.length !== def.labels.length) {
			throw new Error(
				`metric ${def.name} takes labels ${def.labels.join(', ')}, got ${labels.length} values`,
			);
		}
		const values = labels.map(clean);
		const key = keyOf(values);
		let s = map.get(key);
		if (s) return s;
		if (this.seriesCount >= this.maxSeries) {
			this.dropped++;
			return undefined;
		}
		s = { labels: values, value: 0 };
		if (def.type === 'histogram')
			s.histogram = { counts: (def.buckets ?? []).map(() => 0), overflow: 0, sum: 0, count: 0 };
		map.set(key, s);
		this.seriesCount++;
		return s;
	}
}

function clean(value: string): string {
	const text = String(value);
	return text.length > MAX_LABEL_LENGTH ? text.slice(0, MAX_LABEL_LENGTH) : text;
}

function keyOf(values: readonly string[]): string {
	return values.join('\u0000');
}
