/**
 * The shipped alert rules and dashboard: `promtool check rules` passes, `promtool test rules`
 * unit-tests every alert (examples/prometheus/ai-dispatcher.rules.test.yml), and every series the
 * dashboard reads is a recording rule of the file or a metric the dispatcher exports.
 * (Every panel query is run against a real Prometheus in test/e2e/metrics.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { METRIC_DEFS } from '../../../nodes/AiDispatcher/engine/metrics/catalog';
import { ensurePrometheusBinaries, which } from '../../support/prometheus';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RULES_DIR = path.join(ROOT, 'examples', 'prometheus');
const RULES = path.join(RULES_DIR, 'ai-dispatcher.rules.yml');
const DASHBOARD = path.join(ROOT, 'examples', 'grafana', 'ai-dispatcher.json');
const ALERTS = [
	'AiDispatcherBreakerOpen',
	'AiDispatcherFallbackRateHigh',
	'AiDispatcherItemsFailingEverywhere',
	'AiDispatcherSignalsUnavailable',
	'AiDispatcherMetricsStale',
];

let promtool = '';
beforeAll(async () => {
	promtool = which('promtool') ?? '';
	if (!promtool) {
		await ensurePrometheusBinaries();
		promtool = which('promtool') ?? '';
	}
	expect(promtool).not.toBe('');
}, 600_000);

function run(args: string[]) {
	const res = spawnSync(promtool, args, { cwd: RULES_DIR, encoding: 'utf8', timeout: 60_000 });
	return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

interface Panel {
	title: string;
	datasource: { uid: string };
	targets: Array<{ expr: string; datasource: { uid: string } }>;
}

describe('examples/prometheus/ai-dispatcher.rules.yml', () => {
	it('passes promtool check rules', () => {
		const { code, out } = run(['check', 'rules', RULES]);
		console.log(`[promtool check rules]\n${out}`);
		expect(out).toMatch(/SUCCESS: \d+ rules found/);
		expect(code).toBe(0);
	});

	it('passes promtool test rules, with a firing and a silent case for every alert', () => {
		const { code, out } = run(['test', 'rules', 'ai-dispatcher.rules.test.yml']);
		console.log(`[promtool test rules]\n${out}`);
		expect(out).toContain('SUCCESS');
		expect(code).toBe(0);
		const tests = fs.readFileSync(path.join(RULES_DIR, 'ai-dispatcher.rules.test.yml'), 'utf8');
		for (const alert of ALERTS) {
			const blocks = tests
				.split(/\n\s+- eval_time: /)
				.filter((b) => b.includes(`alertname: ${alert}\n`));
			expect([alert, blocks.some((b) => /exp_alerts: \[\]/.test(b))]).toEqual([alert, true]);
			expect([alert, blocks.some((b) => /exp_alerts:\n\s+- exp_labels:/.test(b))]).toEqual([
				alert,
				true,
			]);
		}
	});

	it('has a runbook on every alert', () => {
		const text = fs.readFileSync(RULES, 'utf8');
		for (const alert of ALERTS) {
			const block = text.slice(text.indexOf(`- alert: ${alert}`)).split('- alert: ')[1];
			expect([alert, /\n\s+runbook: /.test(block)]).toEqual([alert, true]);
		}
	});
});

describe('examples/grafana/ai-dispatcher.json', () => {
	const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
		panels: Panel[];
		templating: { list: Array<{ name: string; type: string; query: string }> };
	};
	const recorded = new Set(
		[...fs.readFileSync(RULES, 'utf8').matchAll(/- record: (\S+)/g)].map((m) => m[1]),
	);
	const exported = new Set(
		METRIC_DEFS.flatMap((d) =>
			d.type === 'histogram' ? [`${d.name}_bucket`, `${d.name}_sum`, `${d.name}_count`] : [d.name],
		),
	);

	it('takes the Prometheus datasource as a variable in every panel and query', () => {
		expect(dashboard.templating.list).toContainEqual(
			expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }),
		);
		for (const p of dashboard.panels) {
			expect(p.datasource.uid).toBe('${datasource}');
			for (const t of p.targets) expect(t.datasource.uid).toBe('${datasource}');
		}
	});

	it('reads only recording rules of the rules file and metrics the dispatcher exports', () => {
		const names = dashboard.panels.flatMap((p) =>
			p.targets.flatMap((t) =>
				[...t.expr.matchAll(/\b([a-z_]+:[a-z0-9_:]+|ai_dispatcher_[a-z_]+)\b/g)].map((m) => m[1]),
			),
		);
		expect(names.length).toBeGreaterThan(15);
		for (const name of names)
			expect([name, recorded.has(name) || exported.has(name)]).toEqual([name, true]);
	});

	it('has the panels the issue lists', () => {
		const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
		for (const topic of [
			'items per model and tier',
			'fallback and failure',
			'breaker states',
			'latency p50 / p95',
			'first token',
			'tokens per second',
			'time saved',
			'signals freshness',
			'confidence',
			'answer reuse hit rate',
		]) {
			expect(titles).toContain(topic);
		}
	});
});
