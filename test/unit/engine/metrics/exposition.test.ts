import {
	escapeHelp,
	escapeLabel,
	formatNumber,
	renderExposition,
} from '../../../../nodes/AiDispatcher/engine/metrics/exposition';
import {
	MetricsRegistry,
	type MetricDef,
} from '../../../../nodes/AiDispatcher/engine/metrics/registry';

const calls: MetricDef = {
	name: 'x_calls_total',
	help: 'Calls.\nSecond line \\ here',
	type: 'counter',
	labels: ['model', 'outcome'],
};
const state: MetricDef = { name: 'x_state', help: 'State.', type: 'gauge', labels: [] };
const latency: MetricDef = {
	name: 'x_seconds',
	help: 'Latency.',
	type: 'histogram',
	labels: ['model'],
	buckets: [0.5, 1, 2.5],
};

describe('text exposition format 0.0.4', () => {
	it('writes HELP and TYPE once per metric, escapes label values and help, skips empty metrics', () => {
		const r = new MetricsRegistry([calls, state, latency]);
		r.inc(calls, ['a"b\\c\nd', 'ok'], 2);
		r.inc(calls, ['m', 'timeout']);
		expect(renderExposition(r)).toBe(
			[
				'# HELP x_calls_total Calls.\\nSecond line \\\\ here',
				'# TYPE x_calls_total counter',
				'x_calls_total{model="a\\"b\\\\c\\nd",outcome="ok"} 2',
				'x_calls_total{model="m",outcome="timeout"} 1',
				'',
			].join('\n'),
		);
	});

	it('writes histograms as cumulative buckets ending in +Inf, then _sum and _count', () => {
		const r = new MetricsRegistry([latency]);
		for (const v of [0.2, 0.5, 0.7, 3, 10]) r.observe(latency, ['m'], v);
		const lines = renderExposition(r).trim().split('\n');
		expect(lines).toEqual([
			'# HELP x_seconds Latency.',
			'# TYPE x_seconds histogram',
			'x_seconds_bucket{model="m",le="0.5"} 2',
			'x_seconds_bucket{model="m",le="1"} 3',
			'x_seconds_bucket{model="m",le="2.5"} 3',
			'x_seconds_bucket{model="m",le="+Inf"} 5',
			'x_seconds_sum{model="m"} 14.4',
			'x_seconds_count{model="m"} 5',
		]);
	});

	it('writes unlabelled samples without braces and Go-style special floats', () => {
		const r = new MetricsRegistry([state]);
		r.set(state, [], 2);
		expect(renderExposition(r)).toBe('# HELP x_state State.\n# TYPE x_state gauge\nx_state 2\n');
		expect([
			formatNumber(NaN),
			formatNumber(Infinity),
			formatNumber(-Infinity),
			formatNumber(0.25),
		]).toEqual(['NaN', '+Inf', '-Inf', '0.25']);
		expect(escapeLabel('a\nb')).toBe('a\\nb');
		expect(escapeHelp('"quoted"')).toBe('"quoted"');
		expect(renderExposition(new MetricsRegistry([state]))).toBe('');
	});
});
