import {
	MAX_LABEL_LENGTH,
	MetricsRegistry,
	type MetricDef,
} from '../../../../nodes/AiDispatcher/engine/metrics/registry';

const c: MetricDef = { name: 'c_total', help: 'c', type: 'counter', labels: ['model'] };
const g: MetricDef = { name: 'g', help: 'g', type: 'gauge', labels: ['model'] };
const h: MetricDef = {
	name: 'h_seconds',
	help: 'h',
	type: 'histogram',
	labels: [],
	buckets: [1, 2],
};

describe('MetricsRegistry', () => {
	it('counts, sets and observes per label set', () => {
		const r = new MetricsRegistry([c, g, h]);
		r.inc(c, ['a']);
		r.inc(c, ['a'], 2.5);
		r.inc(c, ['b']);
		r.set(g, ['a'], 7);
		r.set(g, ['a'], 3);
		r.observe(h, [], 1.5);
		r.observe(h, [], 9);
		expect(r.valueOf(c, ['a'])).toBe(3.5);
		expect(r.valueOf(c, ['b'])).toBe(1);
		expect(r.valueOf(g, ['a'])).toBe(3);
		expect(r.read(h)[0].histogram).toEqual({ counts: [0, 1], overflow: 1, sum: 10.5, count: 2 });
	});

	it('never lets a counter go down and ignores non-finite values', () => {
		const r = new MetricsRegistry([c, g]);
		r.inc(c, ['a'], 5);
		r.inc(c, ['a'], -3);
		r.inc(c, ['a'], NaN);
		r.setCounter(c, ['a'], 2);
		expect(r.valueOf(c, ['a'])).toBe(5);
		r.setCounter(c, ['a'], 9);
		expect(r.valueOf(c, ['a'])).toBe(9);
		r.set(g, ['a'], Infinity);
		expect(r.read(g)).toEqual([]);
	});

	it('caps the series count and counts what it refused', () => {
		const r = new MetricsRegistry([c, g], 3);
		for (const m of ['a', 'b', 'c', 'd', 'e']) r.inc(c, [m]);
		expect(r.read(c).map((s) => s.labels[0])).toEqual(['a', 'b', 'c']);
		expect(r.dropped).toBe(2);
		r.clear(c);
		r.set(g, ['x'], 1);
		expect(r.read(g)).toHaveLength(1);
	});

	it('cuts very long label values and rejects a wrong label count or an unknown metric', () => {
		const r = new MetricsRegistry([c]);
		r.inc(c, ['x'.repeat(500)]);
		expect(r.read(c)[0].labels[0]).toHaveLength(MAX_LABEL_LENGTH);
		expect(() => r.inc(c, [])).toThrow('metric c_total takes labels model, got 0 values');
		expect(() => r.inc(g, ['a'])).toThrow('metric g is not registered');
	});
});
