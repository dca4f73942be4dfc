/**
 * How long the Gmail example takes in a real n8n (`n8n execute`) against the simulator at realistic
 * speed (time scale 1; one generation slot per model, as Ollama's default on a CPU), with
 * Options → Concurrency 1 and 2 side by side, for both Item Orders. The README's timings come from this run.
 *
 * Run: npm run build && npx tsx test/bench/example-timings.ts   (several minutes: real-time latencies)
 */
import { startExample } from '../support/e2e-run';

interface Timing {
	concurrency: number;
	itemOrder: string;
	nodeSeconds: number;
	perModel: Record<string, number>;
}

async function measure(concurrency: number, itemOrder: string): Promise<Timing> {
	const example = await startExample(
		'gmail-digest.json',
		{ timeScale: 1, numParallel: 1 },
		{ options: { concurrency, itemOrder } },
	);
	try {
		const res = await example.n8n.execute('gmailDigestExample', { timeoutMs: 900_000 });
		if (res.exitCode !== 0)
			throw new Error(`n8n execute exited ${res.exitCode}: ${res.stderr.slice(-2000)}`);
		const run = res.run?.data.resultData.runData['AI Dispatcher']?.[0];
		const items = (run?.data?.main?.[0] ?? []) as Array<{ json: { model?: string } }>;
		const perModel: Record<string, number> = {};
		for (const item of items)
			perModel[item.json.model ?? 'error'] = (perModel[item.json.model ?? 'error'] ?? 0) + 1;
		return {
			concurrency,
			itemOrder,
			nodeSeconds: Number(run?.executionTime ?? NaN) / 1000,
			perModel,
		};
	} finally {
		await example.sim.close();
		await example.n8n.cleanup();
	}
}

async function main(): Promise<void> {
	const timings: Timing[] = [];
	for (const itemOrder of ['grouped', 'asReceived'])
		for (const concurrency of [1, 2]) timings.push(await measure(concurrency, itemOrder));
	for (const t of timings) {
		const base =
			timings.find((b) => b.itemOrder === t.itemOrder && b.concurrency === 1)?.nodeSeconds ?? NaN;
		console.log(
			`item order ${t.itemOrder}, concurrency ${t.concurrency}: AI Dispatcher node ${t.nodeSeconds.toFixed(1)} s (${(base / t.nodeSeconds).toFixed(2)}× concurrency 1), items per model ${JSON.stringify(t.perModel)}`,
		);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
