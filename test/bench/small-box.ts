/**
 * `npm run bench` section "small box": a 60-item mixed digest of held-out prompts on the simulator as a
 * box that holds one model (loads 5 / 8 / 12 s, scaled), default settings (trained router, Balanced),
 * one item at a time as n8n runs them. Side by side, in one run:
 *
 * - AI Dispatcher, Item Order "Grouped by Model" (the default): every item planned, then run grouped;
 * - AI Dispatcher, Item Order "As Received" (the per-item order of earlier versions);
 * - n8n's HTTP Request node calling the strong model for every item (one load);
 * - the per-prompt ideal: every item on the model the dispatcher chose for it, sent straight to Ollama
 *   model by model (each model loaded once, no dispatcher at all): the floor for a sequential run.
 *
 * Then the same digest on a box that holds all three models (preloaded), grouped vs as received, with
 * Concurrency 1 and 4. Time is wall time ÷ time scale ("sim s"). Nothing is asserted here; the e2e and
 * unit tests assert the loads and the order.
 */
import { runBatch } from '../../nodes/AiDispatcher/engine/batch/run';
import type { DispatchConfig } from '../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch, planItem, runPlan } from '../../nodes/AiDispatcher/engine/plan';
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import { runPool } from '../../nodes/AiDispatcher/engine/pool';
import { settle } from '../../nodes/AiDispatcher/engine/result';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest, ModelSpec, Tier } from '../../nodes/AiDispatcher/engine/types';
import { createOllamaClient } from '../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../support/http-port';
import {
	DEFAULT_SIM_MODELS,
	startOllamaSimulator,
	type OllamaSimulator,
} from '../support/simulator';
import type { Labelled } from './corpus-metrics';

const MODELS: ModelSpec[] = [
	{ name: 'phi3:mini', tier: 'low', tasks: [], options: {} },
	{ name: 'llama3.2:3b', tier: 'medium', tasks: [], options: {} },
	{ name: 'qwen2.5:7b', tier: 'high', tasks: [], options: {} },
];
const STRONG = 'qwen2.5:7b';
/** The one-model box of the issue: loads of 5 to 12 s. */
export const SMALL_BOX_LOAD_MS: Record<string, number> = {
	'phi3:mini': 5_000,
	'llama3.2:3b': 8_000,
	'qwen2.5:7b': 12_000,
};
const REPLY_TOKENS: Record<Tier, number> = { low: 40, medium: 120, high: 280 };
const COUNTS: Record<Tier, number> = { low: 36, medium: 12, high: 12 };

/** 60 held-out prompts (36 low / 12 medium / 12 high by label, no chat), interleaved like an inbox. */
export function digest(heldout: readonly Labelled[]): Labelled[] {
	const take = (tier: Tier) =>
		heldout.filter((e) => e.tier === tier && e.source !== 'chat').slice(0, COUNTS[tier]);
	const hash = (id: string) => [...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
	return [...take('low'), ...take('medium'), ...take('high')].sort(
		(a, b) => hash(a.id) - hash(b.id),
	);
}

interface Run {
	label: string;
	wallMs: number;
	loads: number;
	/** Models that answered, in input order. */
	models: string[];
	highRecall: string;
	failures: number;
}

const request = (entry: Labelled): DispatchRequest => ({
	prompt: entry.text,
	task: 'auto',
	complexity: 'auto',
	format: { type: 'text' },
});

function ports(): EnginePorts {
	return {
		ollama: createOllamaClient(fetchHttpPort()),
		clock: { nowMs: () => Date.now() },
		sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
		log: { debug: () => undefined, warn: () => undefined },
		random: Math.random,
	};
}

async function box(
	items: readonly Labelled[],
	scale: number,
	holdsAll: boolean,
): Promise<OllamaSimulator> {
	const byPrompt = new Map(items.map((e) => [e.text, e]));
	return await startOllamaSimulator({
		models: DEFAULT_SIM_MODELS.filter((m) => m.name in SMALL_BOX_LOAD_MS).map((m) => ({
			...m,
			loadMs: SMALL_BOX_LOAD_MS[m.name],
		})),
		timeScale: scale,
		numParallel: holdsAll ? 4 : 1,
		maxLoadedModels: holdsAll ? 3 : 1,
		keepAliveMs: -1,
		...(holdsAll ? { preloaded: MODELS.map((m) => m.name) } : {}),
		respond: ({ model, prompt }) =>
			`[${model}] ${Array.from({ length: REPLY_TOKENS[byPrompt.get(prompt)?.tier ?? 'low'] }, (_, i) => `w${i}`).join(' ')}`,
	});
}

function config(sim: OllamaSimulator): DispatchConfig {
	const generous = {
		low: DEFAULT_TIMEOUTS_MS.high * 10,
		medium: DEFAULT_TIMEOUTS_MS.high * 10,
		high: DEFAULT_TIMEOUTS_MS.high * 10,
	};
	return { baseUrls: [sim.url], models: MODELS, timeoutsMs: generous };
}

function summary(
	label: string,
	items: readonly Labelled[],
	models: Array<string | null>,
	wallMs: number,
	sim: OllamaSimulator,
): Run {
	const tierOf = new Map(MODELS.map((m) => [m.name, m.tier]));
	const high = items
		.map((e, i) => [e.tier, models[i]] as const)
		.filter(([tier]) => tier === 'high');
	const onHigh = high.filter(([, m]) => m !== null && tierOf.get(m) === 'high').length;
	return {
		label,
		wallMs,
		loads: Object.values(sim.stats().loads).reduce((a, b) => a + b, 0),
		models: models.map((m) => m ?? '-'),
		highRecall: `${onHigh}/${high.length}`,
		failures: models.filter((m) => m === null).length,
	};
}

async function grouped(
	items: readonly Labelled[],
	sim: OllamaSimulator,
	concurrency: number,
): Promise<Run> {
	const state = createDispatcherState();
	const p = ports();
	const started = Date.now();
	const plans = [];
	for (const entry of items) plans.push(await planItem(request(entry), config(sim), state, p));
	const { results } = await runBatch(
		plans.map((plan, index) => ({ index, plan })),
		p,
		state,
		{
			concurrency,
			run: async (_, plan) => await settle(runPlan(plan as NonNullable<typeof plan>, p, state)),
		},
	);
	const wallMs = Date.now() - started;
	return summary(
		`grouped by model${concurrency > 1 ? ` (concurrency ${concurrency})` : ''}`,
		items,
		results.map((r) => (r?.ok ? r.value.model : null)),
		wallMs,
		sim,
	);
}

async function asReceived(
	items: readonly Labelled[],
	sim: OllamaSimulator,
	concurrency: number,
): Promise<Run> {
	const state = createDispatcherState();
	const p = ports();
	const started = Date.now();
	const results = await runPool(
		items.length,
		concurrency,
		async (i) => await settle(dispatch(request(items[i]), config(sim), state, p)),
	);
	const wallMs = Date.now() - started;
	return summary(
		`as received${concurrency > 1 ? ` (concurrency ${concurrency})` : ''}`,
		items,
		results.map((r) => (r?.ok ? r.value.model : null)),
		wallMs,
		sim,
	);
}

/** What n8n's HTTP Request node does: POST /api/generate, stream false, one item after the other. */
async function post(sim: OllamaSimulator, model: string, prompt: string): Promise<boolean> {
	const response = await fetch(`${sim.url}/api/generate`, {
		method: 'POST',
		body: JSON.stringify({ model, prompt, stream: false }),
	});
	await response.text();
	return response.ok;
}

async function httpStrong(items: readonly Labelled[], sim: OllamaSimulator): Promise<Run> {
	const started = Date.now();
	const ok: Array<string | null> = [];
	for (const entry of items) ok.push((await post(sim, STRONG, entry.text)) ? STRONG : null);
	return summary(`HTTP Request on ${STRONG}`, items, ok, Date.now() - started, sim);
}

async function ideal(
	items: readonly Labelled[],
	models: readonly string[],
	sim: OllamaSimulator,
): Promise<Run> {
	const started = Date.now();
	const answered: Array<string | null> = items.map(() => null);
	for (const model of [...new Set(models)]) {
		for (let i = 0; i < items.length; i++)
			if (models[i] === model) answered[i] = (await post(sim, model, items[i].text)) ? model : null;
	}
	return summary(
		'per-prompt ideal (each model once, no dispatcher)',
		items,
		answered,
		Date.now() - started,
		sim,
	);
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);
const row = (cells: string[], widths: number[]) =>
	cells.map((c, i) => c.padEnd(widths[i])).join(' ');

/** Runs each baseline on a fresh simulator and prints the comparison. */
export async function smallBoxFigures(heldout: readonly Labelled[], scale: number): Promise<void> {
	const items = digest(heldout);
	const counts = { low: 0, medium: 0, high: 0 } as Record<Tier, number>;
	for (const e of items) counts[e.tier]++;
	const fresh = async <T>(
		holdsAll: boolean,
		fn: (sim: OllamaSimulator) => Promise<T>,
	): Promise<T> => {
		const sim = await box(items, scale, holdsAll);
		try {
			return await fn(sim);
		} finally {
			await sim.close();
		}
	};
	console.log(
		`\n== Small box: ${items.length} held-out prompts (labelled ${counts.low} low / ${counts.medium} medium / ${counts.high} high), default settings, ` +
			`one model in memory (loads ${Object.entries(SMALL_BOX_LOAD_MS)
				.map(([m, ms]) => `${m} ${ms / 1000} s`)
				.join(', ')}), timeScale ${scale}, cold start ==`,
	);
	const g = await fresh(false, (sim) => grouped(items, sim, 1));
	const runs = [
		g,
		await fresh(false, (sim) => asReceived(items, sim, 1)),
		await fresh(false, (sim) => httpStrong(items, sim)),
		await fresh(false, (sim) => ideal(items, g.models, sim)),
	];
	const used = new Set(g.models.filter((m) => m !== '-')).size;
	const w = [50, 12, 8, 12, 12, 14];
	console.log(row(['', 'time (sim s)', 'loads', 'vs HTTP', 'vs ideal', 'high → high'], w));
	const [, , http, best] = runs;
	for (const r of runs) {
		console.log(
			row(
				[
					r.label,
					fmt(r.wallMs / 1000 / scale, 0),
					String(r.loads),
					`${fmt(r.wallMs / http.wallMs, 2)}×`,
					`${fmt(r.wallMs / best.wallMs, 2)}×`,
					`${r.highRecall}${r.failures ? ` (${r.failures} failed)` : ''}`,
				],
				w,
			),
		);
	}
	console.log(
		`models used by the dispatcher: ${used}; loads grouped ${g.loads} (target ≤ ${used + 1}); as received ${runs[1].loads}`,
	);

	console.log(
		`\n== Same digest on a box that holds all three models (preloaded, 4 slots each): grouping must cost nothing ==`,
	);
	const all = [
		await fresh(true, (sim) => grouped(items, sim, 1)),
		await fresh(true, (sim) => asReceived(items, sim, 1)),
		await fresh(true, (sim) => grouped(items, sim, 4)),
		await fresh(true, (sim) => asReceived(items, sim, 4)),
	];
	console.log(row(['', 'time (sim s)', 'loads', 'vs as received'], [50, 12, 8, 14]));
	for (const [i, r] of all.entries()) {
		const base = all[i % 2 === 0 ? i + 1 : i];
		console.log(
			row(
				[
					r.label,
					fmt(r.wallMs / 1000 / scale, 0),
					String(r.loads),
					`${fmt(r.wallMs / base.wallMs, 2)}×`,
				],
				[50, 12, 8, 14],
			),
		);
	}
}
