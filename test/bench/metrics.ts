/**
 * Metrics overhead per item: one item's whole engine path (select + call an instant in-process
 * Ollama fake + attempts) with and without `observeItem`, the observation alone, and rendering the
 * exposition text once per push. Medians in µs; printed, never asserted.
 */
import type { DispatchConfig } from '../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../nodes/AiDispatcher/engine/resilience/timeouts';
import { METRIC_DEFS } from '../../nodes/AiDispatcher/engine/metrics/catalog';
import { renderExposition } from '../../nodes/AiDispatcher/engine/metrics/exposition';
import { observeItem } from '../../nodes/AiDispatcher/engine/metrics/observe';
import { MetricsRegistry } from '../../nodes/AiDispatcher/engine/metrics/registry';
import { snapshotProcess } from '../../nodes/AiDispatcher/engine/metrics/snapshot';
import { dispatch } from '../../nodes/AiDispatcher/engine/plan';
import { settle } from '../../nodes/AiDispatcher/engine/result';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest, ModelSpec } from '../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../support/fakes';

const HOST = 'http://bench:11434';

function median(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Items alternate between a state without metrics (a no-op observer) and one whose items are also
 * observed into `metrics`, so load and JIT drift hit both sides alike.
 */
async function timeItems(
	n: number,
	config: DispatchConfig,
	requests: DispatchRequest[],
	metrics: MetricsRegistry,
): Promise<{ without: number[]; with: number[] }> {
	// Every fourth call of phi3:mini fails (HTTP 500) and its item falls back, so fallbacks are measured too.
	const { ollama } = scriptedOllama({
		'phi3:mini': ['ok', 'ok', 'ok', { fail: 'http_5xx' }],
		'llama3.2:3b': ['ok'],
		'qwen2.5:7b': ['ok'],
	});
	const ports = fakePorts(ollama);
	const rates = (model: string) => (model === 'qwen2.5:7b' ? 35 : 120);
	const out = { without: [] as number[], with: [] as number[] };
	const noMetrics = createDispatcherState({ metrics: {} });
	const observed = createDispatcherState({
		metrics: {
			finished: (plan, outcome) =>
				observeItem(metrics, {
					outcome,
					models: plan.config.models,
					tokensPerS: rates,
					signals: { state: 'ok', ageMs: 1200 },
				}),
		},
	});
	for (let i = 0; i < 2 * n; i++) {
		const observe = i % 2 === 1;
		const t0 = process.hrtime.bigint();
		await settle(
			dispatch(requests[(i >> 1) % requests.length], config, observe ? observed : noMetrics, ports),
		);
		(observe ? out.with : out.without).push(Number(process.hrtime.bigint() - t0) / 1000);
	}
	return out;
}

export async function metricsFigures(
	models: ModelSpec[],
	requests: DispatchRequest[],
): Promise<void> {
	const config: DispatchConfig = {
		baseUrls: [HOST],
		models,
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: { retry: { maxRetries: 0 }, breaker: { failureThreshold: 1_000_000 } },
	};
	const n = 20_000;
	await timeItems(3_000, config, requests, new MetricsRegistry(METRIC_DEFS)); // warm up
	const registry = new MetricsRegistry(METRIC_DEFS);
	const timed = await timeItems(n, config, requests, registry);
	const without = median(timed.without);
	const withMetrics = median(timed.with);

	const { ollama } = scriptedOllama({ 'phi3:mini': ['ok'] });
	const outcome = await settle(
		dispatch(requests[0], config, createDispatcherState({ metrics: {} }), fakePorts(ollama)),
	);
	const observeOnly: number[] = [];
	for (let i = 0; i < n; i++) {
		const t0 = process.hrtime.bigint();
		observeItem(registry, { outcome, models, tokensPerS: () => 100 });
		observeOnly.push(Number(process.hrtime.bigint() - t0) / 1000);
	}
	const render: number[] = [];
	let bytes = 0;
	for (let i = 0; i < 200; i++) {
		const t0 = process.hrtime.bigint();
		snapshotProcess(registry, {
			breakers: [],
			breakerOpenings: 0,
			learnedTokensPerS: new Map([[HOST, new Map(models.map((m) => [m.name, 100]))]]),
			signals: { refreshes: 1, failedRefreshes: 0 },
		});
		bytes = renderExposition(registry).length;
		render.push(Number(process.hrtime.bigint() - t0) / 1000);
	}
	const series = METRIC_DEFS.reduce((s, d) => s + registry.read(d).length, 0);
	console.log(
		'\n== Metrics overhead per item (dispatch on an instant in-process Ollama fake, 1 in 4 items falls back) ==',
	);
	console.log(
		`median µs per item: without metrics ${without.toFixed(1)}, with metrics ${withMetrics.toFixed(1)} (+${(withMetrics - without).toFixed(1)})`,
	);
	console.log(`observeItem alone: median ${median(observeOnly).toFixed(2)} µs`);
	console.log(
		`per push: snapshot + render ${series} series (${(bytes / 1024).toFixed(1)} KiB): median ${median(render).toFixed(0)} µs`,
	);
}
