/**
 * Through the node's execute: with a thinking model among the candidates, a medium item is ranked by
 * expected time (thinking tokens at the effort it would get; learned speeds, else the parameter size)
 * and goes to a gpt-oss-like model at "low" effort rather than a slow 14B that does not think, or
 * stays on the 14B when that is expected faster.
 */
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import type { DispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import type { Usage } from '../../../nodes/AiDispatcher/engine/types';
import { runNode } from '../../support/node-run';
import {
	DEFAULT_SIM_MODELS,
	startOllamaSimulator,
	THINKING_SIM_MODELS,
	type OllamaSimulator,
	type SimModel,
} from '../../support/simulator';

/** A slow 14B that does not think. */
const SLOW_14B: SimModel = {
	name: 'qwen2.5:14b',
	parameterSize: '14.8B',
	sizeBytes: 8_988_124_069,
	family: 'qwen2',
	quantization: 'Q4_K_M',
	loadMs: 6000,
	promptTokensPerS: 50,
	tokensPerS: 5,
};
const GPT_OSS = THINKING_SIM_MODELS.find((m) => m.name === 'gpt-oss:20b') as SimModel;

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.0005,
		models: [DEFAULT_SIM_MODELS[0], SLOW_14B, GPT_OSS],
	});
});
afterAll(async () => await sim.close());

type Out = {
	model: string;
	decision: {
		reason: string;
		expectedTimes?: Array<{ model: string; effort: string; speedFrom: string; tokensPerS: number }>;
	};
	thinking?: { effort: string; think: unknown };
};

/** Speeds as this process would have learned them from earlier answers (the models' simulated decode speeds). */
function learnSpeeds(state: DispatcherState, speeds: Record<string, number>): void {
	for (const [model, tokensPerS] of Object.entries(speeds)) {
		const usage: Usage = {
			prompt_tokens: 10,
			completion_tokens: 100,
			total_ms: 1000,
			load_ms: 0,
			tokens_per_s: tokensPerS,
		};
		state.learned.record(sim.url, [{ model, ok: true, error: null, ms: 1000 }], usage, Date.now());
	}
}

/** One low item first: the host has answered, so the next plan may ask /api/show of every candidate. */
async function warm(state: DispatcherState): Promise<void> {
	const [out] = await runNode({
		state,
		baseUrl: sim.url,
		prompts: ['What is the invoice number?'],
		params: { modelSource: 'auto', complexity: 'low' },
	}).result;
	expect(out[0].json.model).toBe('phi3:mini');
}

async function medium(state: DispatcherState): Promise<Out> {
	const [out] = await runNode({
		state,
		baseUrl: sim.url,
		prompts: ['Summarise this thread'],
		params: { modelSource: 'auto', complexity: 'medium' },
	}).result;
	return out[0].json as unknown as Out;
}

describe('ranking by expected time in the node (auto-discovered: phi3:mini low, qwen2.5:14b medium, gpt-oss:20b high)', () => {
	it('learned speeds (gpt-oss 14 tok/s, the 14B 5 tok/s): the medium item goes to gpt-oss at low effort; the decision records the times', async () => {
		const state = createDispatcherState();
		await warm(state);
		learnSpeeds(state, { 'gpt-oss:20b': 14, 'qwen2.5:14b': 5 });
		const out = await medium(state);
		expect(out.model).toBe('gpt-oss:20b');
		expect(out.thinking).toMatchObject({ effort: 'low', think: 'low' });
		expect(
			out.decision.expectedTimes?.map((t) => [t.model, t.effort, t.speedFrom, t.tokensPerS]),
		).toEqual([
			['gpt-oss:20b', 'low', 'learned', 14],
			['qwen2.5:14b', 'off', 'learned', 5],
		]);
		expect(out.decision.reason).toMatch(
			/ranked by expected time at the effort each would get: gpt-oss:20b ~[\d.]+ s \(think low\), qwen2\.5:14b ~[\d.]+ s$/,
		);
	});

	it('no learned speeds: by parameter size the 20.9B is expected slower, so the medium item stays on the 14B', async () => {
		const state = createDispatcherState();
		await warm(state);
		const out = await medium(state);
		expect(out.model).toBe('qwen2.5:14b');
		expect(out.decision.expectedTimes?.map((t) => [t.model, t.speedFrom])).toEqual([
			['qwen2.5:14b', 'parameter size'],
			['gpt-oss:20b', 'parameter size'],
		]);
	});
});
