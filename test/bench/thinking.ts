/**
 * `npm run bench`, thinking table: ONE reasoning model (the simulator's qwen3:8b, ~400 thinking
 * tokens per reply unless `think: false`) over the 235 held-out router prompts, answered
 *
 *  - by the engine (`dispatch`, think decided per item from the analysed tier),
 *  - with `think: true` on every item (Ollama's default for a thinking model, and n8n's Ollama Chat Model's),
 *  - with `think` exactly where the labels say (high): the least any router could spend,
 *
 * side by side, with two reply lengths: the simulator's short default reply, and 40/120/280 tokens
 * by the prompt's label (as the replay table). Model time is computed from each reply's token
 * counts at the model's simulated speeds (prefill 110 tokens/s, decode 11 tokens/s); nothing is asserted.
 */
import type { DispatchConfig } from '../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../nodes/AiDispatcher/engine/resilience/timeouts';
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import { dispatch } from '../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { createOllamaClient } from '../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../support/http-port';
import { startOllamaSimulator, THINKING_SIM_MODELS } from '../support/simulator';
import { heldoutDigest, modelSeconds, shareOf, type DigestItem } from '../support/thinking-digest';

const MODEL = THINKING_SIM_MODELS[0];
const REPLY_TOKENS: Record<DigestItem['tier'], number> = { low: 40, medium: 120, high: 280 };

interface Run {
	label: string;
	seconds: number;
	thought: boolean[];
}

async function runAll(
	digest: DigestItem[],
	labelledReplies: boolean,
	timeScale: number,
): Promise<Run[]> {
	const byPrompt = new Map(digest.map((d) => [d.prompt, d]));
	const sim = await startOllamaSimulator({
		models: THINKING_SIM_MODELS,
		timeScale,
		numParallel: 1,
		...(labelledReplies
			? {
					respond: ({ model, prompt }) =>
						`[${model}] ${Array.from({ length: REPLY_TOKENS[byPrompt.get(prompt)?.tier ?? 'low'] }, (_, i) => `w${i}`).join(' ')}`,
				}
			: {}),
	});
	const ollama = createOllamaClient(fetchHttpPort());
	const ports: EnginePorts = {
		ollama,
		clock: { nowMs: () => Date.now() },
		sleep: async (ms) => await new Promise((resolve) => setTimeout(resolve, ms)),
		log: { debug: () => undefined, warn: () => undefined },
		random: Math.random,
	};
	const config: DispatchConfig = {
		baseUrls: [sim.url],
		models: [{ name: MODEL.name, tier: 'high', tasks: [], options: {} }],
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
	};
	const state = createDispatcherState();
	const runs: Run[] = [];
	try {
		const engine: Run = { label: 'AI Dispatcher (think per item)', seconds: 0, thought: [] };
		for (const d of digest) {
			const r = await dispatch(
				{ prompt: d.prompt, task: 'auto', complexity: 'auto', format: { type: 'text' } },
				config,
				state,
				ports,
			);
			engine.seconds += modelSeconds(MODEL, r.usage.prompt_tokens, r.usage.completion_tokens);
			engine.thought.push((r.thinking?.text.length ?? 0) > 0);
		}
		runs.push(engine);
		for (const [label, think] of [
			['think on every item', () => true],
			['think where labelled (high)', (d: DigestItem) => d.tier === 'high'],
		] as const) {
			const run: Run = { label, seconds: 0, thought: [] };
			for (const d of digest) {
				const out = await ollama.generate({
					baseUrl: sim.url,
					model: MODEL.name,
					prompt: d.prompt,
					format: { type: 'text' },
					options: {},
					think: think(d),
					timeoutMs: 120_000,
				});
				run.seconds += modelSeconds(MODEL, out.usage.prompt_tokens, out.usage.completion_tokens);
				run.thought.push((out.thinking?.length ?? 0) > 0);
			}
			runs.push(run);
		}
	} finally {
		await sim.close();
	}
	return runs;
}

/** Prints the thinking table (both reply lengths). */
export async function thinkingFigures(timeScale: number): Promise<void> {
	const digest = heldoutDigest();
	const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
	for (const labelled of [false, true]) {
		const runs = await runAll(digest, labelled, timeScale / 10);
		const [engine, everywhere, labelledRun] = runs;
		console.log(
			`\n== One reasoning model (${MODEL.name}, ${MODEL.thinkTokens} thinking tokens), ${digest.length} held-out prompts, ${labelled ? 'replies 40/120/280 tokens by label' : "the simulator's short replies"} ==`,
		);
		const w = [34, 14, 11, 11, 15, 17];
		const row = (cells: string[]) =>
			cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('');
		console.log(
			row(['', 'model time s', 'vs every', 'vs labels', 'high thought', 'low not thought']),
		);
		for (const r of runs) {
			const items = digest.map((d, i) => ({ ...d, thought: r.thought[i] }));
			console.log(
				row([
					r.label,
					r.seconds.toFixed(0),
					`${(r.seconds / everywhere.seconds).toFixed(2)}×`,
					`${(r.seconds / labelledRun.seconds).toFixed(2)}×`,
					pct(shareOf(items, 'high', (i) => i.thought)),
					pct(shareOf(items, 'low', (i) => !i.thought)),
				]),
			);
		}
		console.log(
			`(targets: ≤ 0.6× every item, ≤ 1.2× labels; AI Dispatcher thought on ${engine.thought.filter(Boolean).length}/${digest.length} items)`,
		);
	}
}
