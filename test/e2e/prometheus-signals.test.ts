/**
 * End to end with live signals: the Gmail digest example on a real n8n, with the credential's
 * Prometheus URL pointing at a REAL Prometheus that scrapes a real node_exporter and the Ollama
 * simulator's exporter-style /metrics.
 *
 *  1. memory pressure (threshold set above the machine's real free memory, read by real PromQL):
 *     no email is answered by the 7B model, complex ones say which figures moved them off it;
 *  2. Prometheus killed: every email is still answered, and the decision says the signals were
 *     unavailable (fail open).
 *
 * Needs `npm run build` first (the package is packed from dist).
 */
import { readExample, startN8nWithSimulator } from '../support/e2e-run';
import { nodeOutput, pairedIndex, type N8nInstance, type N8nItem } from '../support/n8n-harness';
import { startPrometheus, type PrometheusHarness } from '../support/prometheus';
import type { OllamaSimulator } from '../support/simulator';

const EMAIL_COUNT = 20;
const CRED_ID = 'aiDispatcherCredProm';

interface Decision {
	reason: string;
}

describe('live signals from a real Prometheus inside a real n8n', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	let prom: PrometheusHarness;
	let thresholdGiB = 0;
	const figures: string[] = [];

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator(
			{ timeScale: 0.02, numParallel: 2 },
			{ prometheus: true },
		));
		prom = await startPrometheus({ targets: [{ job: 'ollama', address: new URL(sim.url).host }] });
		await prom.waitForSeries('count_over_time(node_cpu_seconds_total{mode="idle"}[1m]) >= 2');

		const realFree = Number(
			(
				(await prom.query('min(node_memory_MemAvailable_bytes)')) as Array<{
					value: [number, string];
				}>
			)[0].value[1],
		);
		thresholdGiB = Math.ceil((realFree * 4) / 1024 ** 3);
		figures.push(
			`real MemAvailable ${(realFree / 1024 ** 3).toFixed(1)} GiB; pressure threshold set to ${thresholdGiB} GiB`,
		);

		await n8n.importCredentials([
			{
				id: CRED_ID,
				name: 'AI Dispatcher + Prometheus',
				type: 'aiDispatcherApi',
				data: { baseUrl: sim.url, prometheusUrl: prom.url, prometheusAuth: 'none' },
			},
		]);
		const workflow = readExample<Record<string, any>>('gmail-digest.json');
		workflow.id = 'gmailDigestSignals';
		workflow.name = 'Gmail digest with live signals';
		const dispatcher = workflow.nodes.find((n: { name: string }) => n.name === 'AI Dispatcher');
		dispatcher.credentials = {
			aiDispatcherApi: { id: CRED_ID, name: 'AI Dispatcher + Prometheus' },
		};
		dispatcher.parameters.useSignals = true;
		// These scenarios pin the heuristic analyser's known tiers for the example's emails (simple → low,
		// complex → high) to test fallback, rules and signals; the trained router's tiers are measured on
		// the held-out corpus (npm run complexity-report), not here.
		dispatcher.parameters.options = { ...dispatcher.parameters.options, analyser: 'heuristic' };
		dispatcher.parameters.simplifyOutput = false;
		dispatcher.parameters.signalOptions = {
			memAvailableMinGiB: thresholdGiB,
			exporterSelector: 'job="ollama"',
		};
		await n8n.importWorkflow(workflow);
	});

	afterAll(async () => {
		if (figures.length > 0) console.log(`[prometheus-signals e2e]\n  ${figures.join('\n  ')}`);
		await n8n?.cleanup();
		await prom?.stop();
		await sim?.close();
	});

	function dispatcherItems(run: unknown): N8nItem[] {
		const items = nodeOutput(run as never, 'AI Dispatcher');
		expect(items).toHaveLength(EMAIL_COUNT);
		expect(items.map((item) => pairedIndex(item))).toEqual([...Array(EMAIL_COUNT).keys()]);
		for (const item of items) expect(String(item.json.response ?? '')).not.toBe('');
		return items;
	}

	it('under real memory pressure keeps the 7B model out and explains the figures', async () => {
		const result = await n8n.execute('gmailDigestSignals');
		expect(result.exitCode).toBe(0);
		const items = dispatcherItems(result.run);

		for (const item of items) {
			const signals = item.json.signals as {
				prometheus: string;
				values: { memAvailableBytes: number };
			};
			expect(signals.prometheus).toBe('ok');
			expect(signals.values.memAvailableBytes).toBeGreaterThan(0);
			expect(item.json.model).not.toBe('qwen2.5:7b');
			expect((item.json.decision as Decision).reason).toMatch(
				new RegExp(`^memory available [\\d.]+ GiB < ${thresholdGiB}\\.0 GiB`),
			);
		}
		const complex = items.filter(
			(item) => (item.json.complexity as { tier: string }).tier === 'high',
		);
		expect(complex.length).toBeGreaterThanOrEqual(6);
		for (const item of complex)
			expect((item.json.decision as Decision).reason).toContain('instead of qwen2.5:7b');

		const perModel: Record<string, number> = {};
		for (const item of items)
			perModel[String(item.json.model)] = (perModel[String(item.json.model)] ?? 0) + 1;
		figures.push(
			`pressure run: n8n execute ${(result.ms / 1000).toFixed(1)} s; per model ${JSON.stringify(perModel)}; high-complexity items ${complex.length}`,
		);
		figures.push(`example reason: ${(complex[0].json.decision as Decision).reason.slice(0, 160)}`);
	});

	it('with Prometheus down still answers every email and says the signals were unavailable', async () => {
		await prom.stopPrometheusOnly();
		const result = await n8n.execute('gmailDigestSignals');
		expect(result.exitCode).toBe(0);
		const items = dispatcherItems(result.run);
		for (const item of items) {
			expect((item.json.decision as Decision).reason).toMatch(/^signals unavailable: /);
			expect((item.json.signals as { prometheus: string }).prometheus).not.toBe('ok');
		}
		const highOnQwen = items.filter(
			(i) =>
				(i.json.complexity as { tier: string }).tier === 'high' && i.json.model === 'qwen2.5:7b',
		).length;
		expect(highOnQwen).toBeGreaterThanOrEqual(6);
		figures.push(
			`Prometheus down: n8n execute ${(result.ms / 1000).toFixed(1)} s, all ${items.length} answered; reason "${(items[0].json.decision as Decision).reason.slice(0, 100)}…"`,
		);
	});
});
