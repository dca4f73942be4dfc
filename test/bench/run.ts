/**
 * `npm run bench`: the proof of value, printed (nothing asserted on time).
 *
 *  1. Engine overhead per item: analysis + rules + selection (`decide`) with a warm in-memory signal
 *     snapshot; median and p99 in µs.
 *  2. Cost as work grows: overhead per item at 10, 1 000 and 100 000 items, and the heap held after
 *     100 000 items (after GC; needs `--expose-gc`, which the npm script passes).
 *  3. Workload replay on the Ollama simulator (small models several times faster than the 7B, cold
 *     loads in seconds, time scaled down): a digest-like mix of held-out router-corpus prompts dispatched
 *     by the engine against an oracle that sends each prompt to its labelled tier and against static
 *     baselines (always the high-tier model, always the medium one).
 *
 *  4. Metrics overhead per item (test/bench/metrics.ts): with and without observing the item.
 *  5. One reasoning model (test/bench/thinking.ts): thinking per item vs on every item vs where labelled.
 *  6. Answer reuse (test/bench/reuse.ts): lookup overhead per item, a hit, the key alone, and the
 *     memory held by 10,000 stored answers next to the store's estimate.
 *  7. Small box (test/bench/small-box.ts): a 60-item digest on a box that holds one model, grouped by
 *     model vs as received vs n8n's HTTP Request node on the strong model vs the per-prompt ideal; and
 *     on a box that holds every model.
 *  8. OpenAI-compatible transport overhead per call next to the Ollama transport's (test/bench/openai.ts).
 *
 * Options: `--quick` (smaller replay), `--scale=<timeScale>` (default 0.04), `--replay-only` (skip 1 and 2),
 * `--small-box-only` (only 7), `--box-scale=<timeScale>` (default 0.03).
 */
import { emptySnapshot } from '../../nodes/AiDispatcher/engine/signals/round';
import { decide, type DispatchConfig } from '../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch } from '../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import type { Rule } from '../../nodes/AiDispatcher/engine/rules/types';
import { parseRules } from '../../nodes/AiDispatcher/engine/rules/validate';
import type { DispatchRequest, ModelSpec, Tier } from '../../nodes/AiDispatcher/engine/types';
import { createOllamaClient } from '../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../support/http-port';
import { DEFAULT_SIM_MODELS, startOllamaSimulator } from '../support/simulator';
import { routeComplexity } from '../../nodes/AiDispatcher/engine/analysis/router/route';
import { loadRouterCorpus } from '../../scripts/router/corpus';
import { loadCorpus, type CorpusEntry, type Labelled } from './corpus-metrics';
import { metricsFigures } from './metrics';
import { smallBoxFigures } from './small-box';
import { openAiTransportFigures } from './openai';
import { reuseFigures } from './reuse';
import { thinkingFigures } from './thinking';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const REPLAY_ONLY = argv.includes('--replay-only');
const SMALL_BOX_ONLY = argv.includes('--small-box-only');
const BOX_SCALE = Number(argv.find((a) => a.startsWith('--box-scale='))?.split('=')[1] ?? 0.03);
const TIME_SCALE = Number(argv.find((a) => a.startsWith('--scale='))?.split('=')[1] ?? 0.04);

const MODELS: ModelSpec[] = [
	{ name: 'phi3:mini', tier: 'low', tasks: [], options: {} },
	{ name: 'llama3.2:3b', tier: 'medium', tasks: [], options: {} },
	{ name: 'qwen2.5:7b', tier: 'high', tasks: [], options: {} },
];

/** A realistic rule set: evaluated on every item, so its cost is part of the overhead. */
function benchRules(): Rule[] {
	const parsed = parseRules([
		{
			name: 'P1 on the strong model',
			condition: { fact: 'item', path: 'priority', operator: 'equal', value: 'P1' },
			action: { useModel: 'qwen2.5:7b' },
		},
		{
			name: 'busy host',
			condition: {
				any: [
					{ fact: 'signal', path: 'cpu', operator: 'greaterThan', value: 90 },
					{ fact: 'signal', path: 'queue', operator: 'greaterThan', value: 20 },
				],
			},
			action: { maxTier: 'medium' },
		},
		{
			name: 'no 7b in office hours',
			condition: {
				all: [
					{
						fact: 'time',
						operator: 'within',
						value: { days: ['sat'], from: '09:00', to: '18:00' },
					},
					{ fact: 'complexityTier', operator: 'lessThan', value: 'high' },
				],
			},
			action: { excludeModels: ['qwen2.5:7b'] },
		},
		{
			name: 'oracle errors',
			condition: { fact: 'text', operator: 'matches', value: 'ORA-\\d{5}' },
			action: { useTier: 'high' },
		},
	]);
	if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
	return parsed.value;
}

/** A warm signal round, as the cache would hold it (CPU 42 %, 14 GiB free, load 0.7/core, 3 queued). */
const SIGNALS = (() => {
	const snapshot = emptySnapshot(1_763_800_000_000);
	snapshot.prometheus = 'ok';
	snapshot.host = {
		...snapshot.host,
		cpuBusyPercent: 42,
		memAvailableBytes: 14 * 1024 ** 3,
		memAvailablePercent: 61,
		load1PerCore: 0.7,
		gpuFreeBytes: 6.2e9,
	};
	snapshot.models.queueDepth = { total: 3, byModel: { 'llama3.2:3b': 3 } };
	return snapshot;
})();

function request(
	entry: Labelled,
	complexity: DispatchRequest['complexity'] = 'auto',
): DispatchRequest {
	return { prompt: entry.text, task: 'auto', complexity, format: { type: 'text' } };
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))];
}

const fmt = (x: number, digits = 1) => x.toFixed(digits);
const row = (cells: Array<string | number>, widths: number[]) =>
	cells.map((c, i) => String(c).padStart(widths[i])).join('  ');

// ------------------------------------------------------------------------------------------------
// 1 + 2: overhead and scaling
// ------------------------------------------------------------------------------------------------

function overhead(
	corpus: CorpusEntry[],
	items: number,
	config: DispatchConfig,
): { medianUs: number; p99Us: number; meanUs: number } {
	const samples = new Float64Array(items);
	const requests = corpus.map((e) => request(e));
	const started = process.hrtime.bigint();
	for (let i = 0; i < items; i++) {
		const t0 = process.hrtime.bigint();
		decide(requests[i % requests.length], config, 1_763_800_000_000 + i, {
			signals: SIGNALS,
			item: { priority: i % 7 === 0 ? 'P1' : 'P3' },
		});
		samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
	}
	const totalUs = Number(process.hrtime.bigint() - started) / 1000;
	const sorted = Array.from(samples).sort((a, b) => a - b);
	return {
		medianUs: percentile(sorted, 0.5),
		p99Us: percentile(sorted, 0.99),
		meanUs: totalUs / items,
	};
}

function heapAfterGc(): number | null {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) return null;
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

function engineFigures(corpus: CorpusEntry[]): void {
	const config: DispatchConfig = {
		baseUrls: ['http://bench'],
		models: MODELS,
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		rules: benchRules(),
		timeZone: 'Europe/Berlin',
	};
	const plain: DispatchConfig = { ...config, rules: undefined };
	overhead(corpus, 3000, config); // warm up the JIT, the Intl formatter cache and the regexes

	console.log(
		'\n== Engine overhead per item (analyse + 4 rules + select, warm signal snapshot, corpus prompts) ==',
	);
	const withRules = overhead(corpus, 20_000, config);
	const withoutRules = overhead(corpus, 20_000, plain);
	const w = [28, 12, 12];
	console.log(row(['', 'median µs', 'p99 µs'], w));
	console.log(row(['with 4 rules', fmt(withRules.medianUs), fmt(withRules.p99Us)], w));
	console.log(row(['without rules', fmt(withoutRules.medianUs), fmt(withoutRules.p99Us)], w));
	const avgChars = Math.round(corpus.reduce((s, e) => s + e.text.length, 0) / corpus.length);
	console.log(`(corpus prompts: ${corpus.length}, mean ${avgChars} characters)`);

	routerFigures();

	console.log('\n== Cost as work grows (same engine, items cycled through the corpus) ==');
	const before = heapAfterGc();
	const sizes = [10, 1_000, 100_000];
	const s = [10, 14, 12, 12];
	console.log(row(['items', 'mean µs/item', 'median µs', 'p99 µs'], s));
	for (const n of sizes) {
		const r = overhead(corpus, n, config);
		console.log(row([n.toLocaleString('en-US'), fmt(r.meanUs), fmt(r.medianUs), fmt(r.p99Us)], s));
	}
	const after = heapAfterGc();
	if (before === null || after === null) {
		console.log(
			'heap held after 100 000 items: run with --expose-gc (npm run bench does) to measure',
		);
	} else {
		console.log(
			`heap held after 100 000 items: ${fmt((after - before) / 1024, 0)} KiB more than before (heap used ${fmt(after / 1048576)} MiB after GC)`,
		);
	}
}

/** The trained router alone (features + inference + explanation) on every router-corpus prompt. */
function routerFigures(): void {
	const corpus = loadRouterCorpus();
	const texts = [...corpus.train, ...corpus.heldout].map((p) => p.text);
	for (let i = 0; i < 2000; i++) routeComplexity(texts[i % texts.length]); // warm up
	const samples = new Float64Array(20_000);
	for (let i = 0; i < samples.length; i++) {
		const t0 = process.hrtime.bigint();
		routeComplexity(texts[i % texts.length]);
		samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
	}
	const sorted = Array.from(samples).sort((a, b) => a - b);
	const avgChars = Math.round(texts.reduce((sum, t) => sum + t.length, 0) / texts.length);
	console.log(
		`\n== Trained router inference per prompt (router corpus, ${texts.length} prompts, mean ${avgChars} characters) ==`,
	);
	console.log(
		`median ${fmt(percentile(sorted, 0.5))} µs · p99 ${fmt(percentile(sorted, 0.99))} µs · max ${fmt(sorted[sorted.length - 1])} µs`,
	);
}

// ------------------------------------------------------------------------------------------------
// 3: workload replay on the simulator
// ------------------------------------------------------------------------------------------------

/** Reply length by the prompt's labeled tier, the same for every model (a fair comparison). */
const REPLY_TOKENS: Record<Tier, number> = { low: 40, medium: 120, high: 280 };

interface Mix {
	label: string;
	/** Items per labeled tier. */
	counts: Record<Tier, number>;
}

/** Digest-like mixes of held-out prompts (all sources but chat), interleaved like an inbox. */
const MIXES: Mix[] = [
	{ label: 'digest mix (60/20/20)', counts: { low: 24, medium: 8, high: 8 } },
	{ label: 'routine inbox (80/15/5)', counts: { low: 32, medium: 6, high: 2 } },
];

function workload(corpus: Labelled[], mix: Mix): Labelled[] {
	const scale = QUICK ? 0.5 : 1;
	const pick = (tier: Tier, offset: number) =>
		corpus.filter((e) => e.tier === tier && e.source !== 'chat').filter((_, i) => i % 2 === offset);
	const take = (tier: Tier) => {
		const n = Math.round(mix.counts[tier] * scale);
		return [...pick(tier, 0), ...pick(tier, 1)].slice(0, n);
	};
	const items = [...take('low'), ...take('medium'), ...take('high')];
	const hash = (id: string) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
	return items.sort((a, b) => hash(a.id) - hash(b.id));
}

interface ReplayResult {
	label: string;
	simulatedS: number;
	wallS: number;
	complexHigh: number;
	complexTotal: number;
	tokensByTier: Record<Tier, number>;
	itemsByTier: Record<Tier, number>;
	failures: number;
}

/** `'oracle'` forces each item to its labelled tier: the time a perfect router would take. */
async function replay(
	label: string,
	items: Labelled[],
	complexity: DispatchRequest['complexity'] | 'oracle',
): Promise<ReplayResult> {
	const byPrompt = new Map(items.map((e) => [e.text, e]));
	const sim = await startOllamaSimulator({
		models: DEFAULT_SIM_MODELS,
		timeScale: TIME_SCALE,
		numParallel: 1,
		maxLoadedModels: 2,
		respond: ({ model, prompt }) => {
			const tier = byPrompt.get(prompt)?.tier ?? 'low';
			return `[${model}] ${Array.from({ length: REPLY_TOKENS[tier] }, (_, i) => `w${i}`).join(' ')}`;
		},
	});
	const ports: EnginePorts = {
		ollama: createOllamaClient(fetchHttpPort()),
		clock: { nowMs: () => Date.now() },
		sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
		log: { debug: () => undefined, warn: () => undefined },
		random: Math.random,
	};
	const state = createDispatcherState();
	const scaledTimeouts = { low: 600_000, medium: 600_000, high: 600_000 };
	const config: DispatchConfig = {
		baseUrls: [sim.url],
		models: MODELS,
		timeoutsMs: scaledTimeouts,
	};
	const result: ReplayResult = {
		label,
		simulatedS: 0,
		wallS: 0,
		complexHigh: 0,
		complexTotal: 0,
		tokensByTier: { low: 0, medium: 0, high: 0 },
		itemsByTier: { low: 0, medium: 0, high: 0 },
		failures: 0,
	};
	const started = Date.now();
	// n8n's per-item loop: one item after the other.
	for (const entry of items) {
		const done = await dispatch(
			request(entry, complexity === 'oracle' ? entry.tier : complexity),
			config,
			state,
			ports,
		).catch(() => null);
		if (!done) {
			result.failures++;
			continue;
		}
		result.tokensByTier[done.tier] += done.usage.completion_tokens;
		result.itemsByTier[done.tier]++;
		if (entry.tier === 'high') {
			result.complexTotal++;
			if (done.tier === 'high') result.complexHigh++;
		}
	}
	result.wallS = (Date.now() - started) / 1000;
	result.simulatedS = result.wallS / TIME_SCALE;
	await sim.close();
	return result;
}

async function replayFigures(corpus: Labelled[], mix: Mix): Promise<void> {
	const items = workload(corpus, mix);
	const counts = { low: 0, medium: 0, high: 0 } as Record<Tier, number>;
	for (const e of items) counts[e.tier]++;
	console.log(
		`\n== Workload replay on the simulator, ${mix.label}: ${items.length} corpus prompts (labeled ${counts.low} low / ${counts.medium} medium / ${counts.high} high), ` +
			`sequential, cold start, 2 models fit in memory, timeScale ${TIME_SCALE} ==`,
	);
	console.log(
		`   models: ${DEFAULT_SIM_MODELS.map((m) => `${m.name} ${m.tokensPerS} tok/s, load ${m.loadMs / 1000}s`).join(' · ')}; ` +
			`replies ${REPLY_TOKENS.low}/${REPLY_TOKENS.medium}/${REPLY_TOKENS.high} tokens by labeled tier`,
	);
	const runs = [
		await replay('AI Dispatcher', items, 'auto'),
		await replay('oracle (labelled tier)', items, 'oracle'),
		await replay('always high (qwen2.5:7b)', items, 'high'),
		await replay('always medium (llama3.2:3b)', items, 'medium'),
	];
	const base = runs[0].simulatedS;
	const w = [28, 12, 10, 16, 26, 26];
	console.log(
		row(
			[
				'',
				'time (sim s)',
				'vs disp.',
				'complex → high',
				'tokens low/med/high',
				'items low/med/high',
			],
			w,
		),
	);
	for (const r of runs) {
		console.log(
			row(
				[
					r.label,
					fmt(r.simulatedS, 0),
					`${fmt(r.simulatedS / base, 2)}×`,
					`${r.complexHigh}/${r.complexTotal} (${fmt((100 * r.complexHigh) / Math.max(1, r.complexTotal), 0)}%)`,
					`${r.tokensByTier.low}/${r.tokensByTier.medium}/${r.tokensByTier.high}`,
					`${r.itemsByTier.low}/${r.itemsByTier.medium}/${r.itemsByTier.high}${r.failures ? ` (${r.failures} failed)` : ''}`,
				],
				w,
			),
		);
	}
	const oracle = runs[1].simulatedS;
	console.log(
		`dispatcher vs oracle: ${fmt(base / oracle, 3)}× the oracle's time (${fmt(base - oracle, 0)} sim s ${base >= oracle ? 'more' : 'less'})`,
	);
	console.log(
		`(sim s = wall time ÷ timeScale, i.e. seconds on hardware with these model speeds; wall ${runs.map((r) => fmt(r.wallS)).join(' / ')} s)`,
	);
}

async function main(): Promise<void> {
	const corpus = loadCorpus();
	console.log(`AI Dispatcher bench · node ${process.version} · ${new Date().toISOString()}`);
	if (SMALL_BOX_ONLY) {
		await smallBoxFigures(loadRouterCorpus().heldout, BOX_SCALE);
		return;
	}
	if (!REPLAY_ONLY) {
		engineFigures(corpus);
		await metricsFigures(
			MODELS,
			corpus.map((e) => request(e)),
		);
		await reuseFigures(
			MODELS,
			corpus.map((e) => request(e)),
		);
		await openAiTransportFigures();
	}
	// Replayed prompts: the router corpus's held-out split, which the router never trained on.
	const heldout = loadRouterCorpus().heldout;
	for (const mix of MIXES) await replayFigures(heldout, mix);
	await thinkingFigures(TIME_SCALE);
	await smallBoxFigures(heldout, BOX_SCALE);
}

void main();
