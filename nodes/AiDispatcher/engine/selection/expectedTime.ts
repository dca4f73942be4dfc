/**
 * Expected answer time per candidate when thinking models are among them, pure: prefill + (reply +
 * thinking tokens at the effort the item would get) ÷ decode speed. The decode speed is the learned
 * tokens/s on the host where known, else a prior from the model's parameter count (or its disk size,
 * ~0.6 GB per billion at Q4, as auto-discovery estimates it).
 *
 * Used for low- and medium-tier items only: there thinking is overhead the item does not need, so a
 * thinking model at its lowest effort competes on time with the models that do not think (a
 * gpt-oss-like model at "low" may beat a slow 14B; a small non-thinker stays when faster). A
 * high-tier item keeps today's ranking: there the thinking is what the item needs.
 */
import type { LearnedModelStats } from '../signals/learned';
import { decideThinking } from '../thinking/decide';
import type { ExpectedTime, ModelSpec, ThinkingChoice, Tier } from '../types';

export type { ExpectedTime };

export interface ExpectedTimeAssumptions {
	/** Reply tokens expected per item tier (thinking excluded). */
	replyTokens: Record<Tier, number>;
	/** Thinking tokens expected per effort. */
	thinkTokens: Record<ThinkingChoice['effort'], number>;
	/** Decode tokens/s of a 1-billion-parameter model; the prior is this ÷ billions (Q4 on a CPU box: ~90). */
	decodeTokensPerSAt1B: number;
	/** Prefill is this many times faster than decode. */
	prefillFactor: number;
}

/** Defaults: replies as the bench's (40/120/280 by tier), thinking as Ollama's reasoning models do at each effort. */
export const DEFAULT_EXPECTED_TIME: ExpectedTimeAssumptions = {
	replyTokens: { low: 40, medium: 120, high: 280 },
	thinkTokens: { off: 0, low: 100, medium: 250, high: 400, on: 400, default: 400 },
	decodeTokensPerSAt1B: 90,
	prefillFactor: 10,
};

export interface ExpectedTimeFacts {
	/** The tier the item would be served at (the measured tier, bent by the rules). */
	tier: Tier;
	/** Prompt tokens (estimate). */
	promptTokens: number;
	/** /api/show capabilities per model on the host (null: unknown). */
	capabilities: ReadonlyMap<string, readonly string[] | null>;
	/** Learned stats per model on the host. */
	stats?: ReadonlyMap<string, LearnedModelStats>;
	assumptions?: ExpectedTimeAssumptions;
}

/** Billions of parameters, or an estimate from the disk size; undefined when neither is known. */
function billionsOf(model: ModelSpec): number | undefined {
	if (model.parameterBillions !== undefined && model.parameterBillions > 0)
		return model.parameterBillions;
	return model.sizeBytes !== undefined && model.sizeBytes > 0 ? model.sizeBytes / 6e8 : undefined;
}

/** The expected time of `model` for the item; undefined when its speed or its capabilities are unknown. */
export function expectedTimeOf(
	model: ModelSpec,
	facts: ExpectedTimeFacts,
): ExpectedTime | undefined {
	const a = facts.assumptions ?? DEFAULT_EXPECTED_TIME;
	const capabilities = facts.capabilities.get(model.name);
	if (capabilities === undefined || capabilities === null) return undefined;
	const learned = facts.stats?.get(model.name)?.tokensPerS;
	const billions = billionsOf(model);
	const tokensPerS =
		learned != null && learned > 0
			? learned
			: billions !== undefined
				? a.decodeTokensPerSAt1B / billions
				: undefined;
	if (tokensPerS === undefined) return undefined;
	const choice = decideThinking({
		model: model.name,
		tier: facts.tier,
		capabilities,
		forced:
			model.options.think === undefined
				? undefined
				: { think: model.options.think, source: 'the Think option' },
	});
	const thinkTokens = a.thinkTokens[choice.effort];
	const seconds =
		facts.promptTokens / (tokensPerS * a.prefillFactor) +
		(a.replyTokens[facts.tier] + thinkTokens) / tokensPerS;
	return {
		model: model.name,
		seconds,
		effort: choice.effort,
		thinkTokens,
		tokensPerS,
		speedFrom: learned != null && learned > 0 ? 'learned' : 'parameter size',
	};
}

/**
 * The expected times of `candidates` (those at or above the item's tier), when the ranking applies:
 * the item is low or medium, at least one of them is known to think, and every one's time is known.
 * Otherwise `why` says why not (undefined when no thinking model is among them: nothing to say).
 */
export function expectedTimes(
	candidates: readonly ModelSpec[],
	facts: ExpectedTimeFacts,
): { times?: Map<string, ExpectedTime>; why?: string } {
	const thinkers = candidates.filter((m) => facts.capabilities.get(m.name)?.includes('thinking'));
	if (thinkers.length === 0 || candidates.length < 2) return {};
	if (facts.tier === 'high')
		return {
			why: 'high-tier item: ranked by tier (thinking is what it needs), not by expected time',
		};
	const times = new Map<string, ExpectedTime>();
	for (const model of candidates) {
		const time = expectedTimeOf(model, facts);
		if (!time)
			return {
				why: `expected time not ranked: ${model.name}'s ${facts.capabilities.get(model.name) == null ? 'capabilities' : 'speed'} unknown`,
			};
		times.set(model.name, time);
	}
	return { times };
}

/** "gpt-oss:20b ~9.4 s (think low ~100 tokens, 14 tok/s learned)". */
export function describeExpectedTime(t: ExpectedTime): string {
	const think = t.thinkTokens > 0 ? `think ${t.effort} ~${t.thinkTokens} tokens` : 'no thinking';
	return `expected ~${t.seconds.toFixed(1)} s (${think}, ${t.tokensPerS.toFixed(0)} tok/s ${t.speedFrom === 'learned' ? 'learned' : 'from parameter size'})`;
}
