/**
 * Prometheus text exposition format 0.0.4: `# HELP`, `# TYPE`, one line per sample; histograms as
 * cumulative `_bucket{le}` lines (ending with `le="+Inf"`), `_sum` and `_count`.
 */
import type { MetricDef, MetricsRegistry, Series } from './registry';

/** The content type of the text format, for the push request. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Every metric that has at least one series, in registration order. */
export function renderExposition(registry: MetricsRegistry): string {
	const lines: string[] = [];
	for (const def of registry.definitions()) {
		const series = registry.read(def);
		if (series.length === 0) continue;
		lines.push(`# HELP ${def.name} ${escapeHelp(def.help)}`, `# TYPE ${def.name} ${def.type}`);
		for (const s of series)
			lines.push(
				...(def.type === 'histogram'
					? histogramLines(def, s)
					: [sample(def.name, def.labels, s.labels, s.value)]),
			);
	}
	return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function histogramLines(def: MetricDef, s: Series): string[] {
	const h = s.histogram;
	if (!h) return [];
	const bounds = def.buckets ?? [];
	const names = [...def.labels, 'le'];
	const lines: string[] = [];
	let cumulative = 0;
	bounds.forEach((bound, i) => {
		cumulative += h.counts[i];
		lines.push(sample(`${def.name}_bucket`, names, [...s.labels, formatNumber(bound)], cumulative));
	});
	lines.push(sample(`${def.name}_bucket`, names, [...s.labels, '+Inf'], h.count));
	lines.push(sample(`${def.name}_sum`, def.labels, s.labels, h.sum));
	lines.push(sample(`${def.name}_count`, def.labels, s.labels, h.count));
	return lines;
}

function sample(
	name: string,
	names: readonly string[],
	values: readonly string[],
	value: number,
): string {
	if (names.length === 0) return `${name} ${formatNumber(value)}`;
	const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i])}"`).join(',');
	return `${name}{${pairs}} ${formatNumber(value)}`;
}

/** Go's float formatting as Prometheus reads it: integers plain, `+Inf`, `-Inf`, `NaN`. */
export function formatNumber(value: number): string {
	if (Number.isNaN(value)) return 'NaN';
	if (value === Infinity) return '+Inf';
	if (value === -Infinity) return '-Inf';
	return String(value);
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabel(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
export function escapeHelp(value: string): string {
	return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
