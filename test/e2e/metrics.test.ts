/**
 * End to end, real parts only: the Gmail digest example on a real n8n pushes its metrics to a REAL
 * Pushgateway, which a REAL Prometheus scrapes (honor_labels) with the shipped recording and alert
 * rules loaded.
 *
 *  1. qwen2.5:7b answers HTTP 500: the counts Prometheus holds equal the counts in the items
 *     (items per model = outputs, fallbacks = the model changes in the items' attempts, calls by
 *     outcome = the attempts);
 *  2. a second, smaller run in the same group (a restarted process, as Prometheus sees it): counts
 *     again; then every query of every dashboard panel returns data from that Prometheus;
 *  3. a Pushgateway that accepts connections and never answers: every item is answered, and the
 *     execution makes exactly one push attempt (one timeout).
 *
 * Needs `npm run build` first (the package is packed from dist).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { countFallbacks } from '../../nodes/AiDispatcher/engine/metrics/observe';
import { readExample, startN8nWithSimulator } from '../support/e2e-run';
import {
	REPO_ROOT,
	nodeOutput,
	runError,
	type ExecuteResult,
	type N8nInstance,
	type N8nItem,
} from '../support/n8n-harness';
import type { OllamaSimulator } from '../support/simulator';
import { startPrometheus, type PrometheusHarness } from '../support/prometheus';
import { startBlackhole } from '../support/loopback';
import { startPushgateway, type PushgatewayHarness } from '../support/prometheus';

const RULES = path.join(REPO_ROOT, 'examples', 'prometheus', 'ai-dispatcher.rules.yml');
const DASHBOARD = path.join(REPO_ROOT, 'examples', 'grafana', 'ai-dispatcher.json');
const INSTANCE = 'e2e';
const FULL = 'metricsDigest';
const HALF = 'metricsDigestHalf';
const DEAD = 'metricsDigestDead';

interface Attempt {
	model: string;
	ok: boolean;
	kind?: string;
}
interface Sample {
	metric: Record<string, string>;
	value: [number, string];
}

describe('metrics pushed from a real n8n reach a real Prometheus through a real Pushgateway', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	let prom: PrometheusHarness;
	let pgw: PushgatewayHarness;
	let hole: Awaited<ReturnType<typeof startBlackhole>>;
	const figures: string[] = [];
	const nodeMs: Record<string, number> = {};

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator(
			{ timeScale: 0.02, numParallel: 2 },
			{ prometheus: true },
		));
		pgw = await startPushgateway();
		hole = await startBlackhole();
		prom = await startPrometheus({
			withNodeExporter: false,
			targets: [{ job: 'pushgateway', address: pgw.address, honorLabels: true }],
			ruleFiles: [RULES],
		});
		const data = {
			baseUrl: sim.url,
			prometheusUrl: prom.url,
			prometheusAuth: 'none',
			metricsInstance: INSTANCE,
		};
		await n8n.importCredentials([
			{
				id: 'aiDispatcherCredMetric',
				name: 'AI Dispatcher + Pushgateway',
				type: 'aiDispatcherApi',
				data: { ...data, pushgatewayUrl: pgw.url },
			},
			{
				id: 'aiDispatcherCredDead',
				name: 'AI Dispatcher + dead Pushgateway',
				type: 'aiDispatcherApi',
				data: { ...data, pushgatewayUrl: hole.url },
			},
		]);
		const workflow = (id: string, credential: { id: string; name: string }, emails?: number) => {
			const wf = readExample<Record<string, any>>('gmail-digest.json');
			wf.id = id;
			wf.name = id;
			const dispatcher = wf.nodes.find((n: { name: string }) => n.name === 'AI Dispatcher');
			dispatcher.credentials = { aiDispatcherApi: credential };
			// The full decision (attempts) is what the counts are checked against.
			dispatcher.parameters.simplifyOutput = false;
			if (emails !== undefined) {
				const fetch = wf.nodes.find((n: { name: string }) => n.name === 'Fetch emails');
				const code = String(fetch.parameters.jsCode);
				expect(code).toContain('return emails.map(');
				fetch.parameters.jsCode = code.replace(
					'return emails.map(',
					`return emails.slice(0, ${emails}).map(`,
				);
			}
			return wf;
		};
		await n8n.importWorkflow([
			workflow(FULL, { id: 'aiDispatcherCredMetric', name: 'AI Dispatcher + Pushgateway' }),
			workflow(HALF, { id: 'aiDispatcherCredMetric', name: 'AI Dispatcher + Pushgateway' }, 10),
			workflow(DEAD, { id: 'aiDispatcherCredDead', name: 'AI Dispatcher + dead Pushgateway' }),
		]);
	});

	afterAll(async () => {
		if (figures.length > 0) console.log(`[metrics e2e]\n  ${figures.join('\n  ')}`);
		await n8n?.cleanup();
		await prom?.stop();
		await pgw?.stop();
		await hole?.stop();
		await sim?.close();
	});

	async function execute(id: string): Promise<{ items: N8nItem[]; res: ExecuteResult }> {
		const res = await n8n.execute(id);
		if (res.exitCode !== 0)
			throw new Error(
				`${id}: n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stderr.slice(-3000)}`,
			);
		const items = nodeOutput(res.run, 'AI Dispatcher');
		nodeMs[id] = Number(res.run?.data.resultData.runData['AI Dispatcher']?.[0]?.executionTime);
		return { items, res };
	}

	async function vector(promql: string): Promise<Sample[]> {
		return (await prom.query(promql)) as Sample[];
	}

	/** Polls until `promql` (a single-sample sum) equals `want`; returns the last value seen. */
	async function waitForValue(promql: string, want: number, timeoutMs = 30_000): Promise<number> {
		const end = Date.now() + timeoutMs;
		let last = NaN;
		while (Date.now() < end) {
			const v = await vector(promql);
			last = v.length > 0 ? Number(v[0].value[1]) : NaN;
			if (last === want) return last;
			await new Promise((r) => setTimeout(r, 500));
		}
		return last;
	}

	const byLabel = (samples: Sample[], label: string) =>
		Object.fromEntries(
			samples.map((s) => [s.metric[label], Number(s.value[1])]).filter(([, v]) => v !== 0),
		);
	const tally = (values: string[]) =>
		values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

	/** What the items say, next to what Prometheus holds for the group. */
	async function compare(label: string, items: N8nItem[]) {
		const attempts = items.flatMap((i) =>
			(i.json.attempts as Attempt[]).filter((a) => a.kind !== 'circuit_open'),
		);
		const expected = {
			items: items.length,
			byModel: tally(items.map((i) => String(i.json.model))),
			fallbacks: items.reduce((n, i) => n + countFallbacks(i.json.attempts as Attempt[]), 0),
			calls: tally(attempts.map((a) => (a.ok ? 'ok' : String(a.kind)))),
		};
		const sel = `{job="ai_dispatcher",instance="${INSTANCE}"}`;
		const seenItems = await waitForValue(`sum(ai_dispatcher_items_total${sel})`, expected.items);
		const seen = {
			items: seenItems,
			byModel: byLabel(await vector(`sum by (model) (ai_dispatcher_items_total${sel})`), 'model'),
			fallbacks: Number(
				(await vector(`sum(ai_dispatcher_fallbacks_total${sel})`))[0]?.value[1] ?? 0,
			),
			calls: byLabel(
				await vector(`sum by (outcome) (ai_dispatcher_model_calls_total${sel})`),
				'outcome',
			),
		};
		figures.push(
			`${label}: items ${JSON.stringify(expected)} | Prometheus ${JSON.stringify(seen)}`,
		);
		expect(seen).toEqual(expected);
		return expected;
	}

	it('a failing model: Prometheus holds the counts the items carry', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'http500' });
		const { items } = await execute(FULL);
		expect(items).toHaveLength(20);
		for (const item of items) expect(String(item.json.response ?? '')).not.toBe('');
		const expected = await compare('run 1 (qwen2.5:7b HTTP 500, 20 emails)', items);
		expect(expected.fallbacks).toBeGreaterThan(0);
		expect(expected.calls.http_5xx).toBeGreaterThan(0);
		const breaker = await vector(
			`ai_dispatcher_breaker_state{instance="${INSTANCE}",model="qwen2.5:7b"}`,
		);
		expect(breaker.map((s) => s.value[1])).toEqual(['2']);
		// Let Prometheus scrape this state a few times before the next run replaces it.
		await new Promise((r) => setTimeout(r, 4_000));
	});

	it('a second run: counts again, then every dashboard panel query returns data', async () => {
		sim.clearFaults();
		const { items } = await execute(HALF);
		expect(items).toHaveLength(10);
		const expected = await compare('run 2 (healthy, 10 emails)', items);
		expect(expected.fallbacks).toBe(0);
		await new Promise((r) => setTimeout(r, 4_000)); // scrapes and rule evaluations of the new figures

		const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as {
			panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
		};
		const results: string[] = [];
		for (const panel of dashboard.panels) {
			for (const target of panel.targets) {
				const expr = target.expr.replace(/\$__rate_interval/g, '1m').replace(/\$__range/g, '10m');
				const samples = await vector(expr);
				const finite = samples.filter((s) => Number.isFinite(Number(s.value[1])));
				results.push(
					`${panel.title} :: ${target.expr} -> ${samples.length} series, e.g. ${finite[0] ? `${JSON.stringify(finite[0].metric)} ${finite[0].value[1]}` : 'none finite'}`,
				);
				expect([panel.title, expr, finite.length > 0]).toEqual([panel.title, expr, true]);
			}
		}
		figures.push(`dashboard queries:\n    ${results.join('\n    ')}`);
		const names = (
			await vector(`count by (__name__) ({job="ai_dispatcher",__name__=~"ai_dispatcher_.*"})`)
		)
			.map((s) => s.metric.__name__)
			.sort();
		figures.push(`series names in Prometheus: ${names.join(', ')}`);
	});

	it('a Pushgateway that never answers costs no item and one push attempt', async () => {
		const { items } = await execute(DEAD);
		expect(items).toHaveLength(20);
		for (const item of items) expect(String(item.json.response ?? '')).not.toBe('');
		expect(hole.requests()).toBe(1);
		figures.push(
			`AI Dispatcher node time: run 1 ${nodeMs[FULL]} ms (20 items, push ok), run 2 ${nodeMs[HALF]} ms (10 items), dead Pushgateway ${nodeMs[DEAD]} ms (20 items, one push timing out after 2000 ms); push attempts to the dead one: ${hole.requests()}`,
		);
	});
});
