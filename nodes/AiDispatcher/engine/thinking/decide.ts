/**
 * How much a model thinks for an item: pure. Thinking costs hundreds of tokens per reply, so it is
 * spent where the prompt needs it: off for a low-tier prompt, the model's lowest effort for a
 * medium one (off for a model without effort levels), full effort for a high one. A `think` set by
 * the user (the model's options, the node's, or a matched rule's) wins over the tier.
 */
import type { ThinkingChoice, ThinkSetting, Tier } from '../types';

/** Families whose models take effort levels (`think: "low" | "medium" | "high"`) and cannot stop thinking. */
const LEVEL_FAMILIES = /^(gpt-oss|gptoss)/i;

/** True when Ollama's `think` for `model` takes effort levels rather than on/off (gpt-oss). */
export function takesThinkLevels(model: string): boolean {
	return LEVEL_FAMILIES.test(model.replace(/^.*\//, ''));
}

export interface ThinkingFacts {
	model: string;
	/** The tier the item was analysed (or ruled) at. */
	tier: Tier;
	/** The model's /api/show capabilities; null when unknown. */
	capabilities: readonly string[] | null;
	/** A `think` the user set, and where ("model option", `rule "P1"`); absent: decided from the tier. */
	forced?: { think: ThinkSetting; source: string };
	/**
	 * The router's P(high), 0..1, when the router's probabilities alone put the item on the high tier
	 * (no routing example, no rule, not forced, not the Quality point); absent otherwise.
	 */
	highProbability?: number;
}

/**
 * A high-tier item thinks at full effort only when the router's P(high) reaches this; below it (a
 * borderline-high item) the model's lowest effort. Chosen on 5-fold out-of-fold probabilities of the
 * router corpus's training part (`npx tsx scripts/think-threshold.ts`): the lowest threshold whose
 * training figures meet both targets (≥ 90 % of high-labelled prompts thinking, model time ≤ 1.2×
 * thinking where labelled): 90.7 % and 1.19×. The held-out split was never used to choose it.
 */
export const THINK_HIGH_PROBABILITY = 0.27;

/** The `think` to send for one model and item, with the effort and the reason. */
export function decideThinking(facts: ThinkingFacts): ThinkingChoice {
	const { model, tier, capabilities, forced } = facts;
	const thinks = capabilities?.includes('thinking');
	if (forced) {
		if (thinks === false && forced.think !== false) {
			return {
				effort: 'default',
				reason: `${forced.source} asks to think, but ${model} cannot (no "thinking" capability): not sent`,
			};
		}
		return {
			think: forced.think,
			effort: effortOf(forced.think),
			reason: `${forced.source} sets think ${JSON.stringify(forced.think)}`,
		};
	}
	if (capabilities === null) {
		return {
			effort: 'default',
			reason: `capabilities of ${model} unknown: think not sent (Ollama's default)`,
			capabilitiesUnknown: true,
		};
	}
	if (!thinks) return { effort: 'off', reason: `${model} does not think` };
	const levels = takesThinkLevels(model);
	if (
		tier === 'high' &&
		facts.highProbability !== undefined &&
		facts.highProbability < THINK_HIGH_PROBABILITY
	) {
		const why = `borderline high-tier prompt (P(high) ${facts.highProbability.toFixed(2)} < ${THINK_HIGH_PROBABILITY})`;
		return levels
			? { think: 'low', effort: 'low', reason: `${why}: lowest effort` }
			: { think: false, effort: 'off', reason: `${why}: no thinking` };
	}
	if (tier === 'high') {
		return levels
			? { think: 'high', effort: 'high', reason: 'high-tier prompt: thinks at high effort' }
			: { think: true, effort: 'on', reason: 'high-tier prompt: thinks' };
	}
	if (levels)
		return {
			think: 'low',
			effort: 'low',
			reason: `${tier}-tier prompt: lowest effort (${model} cannot stop thinking)`,
		};
	return { think: false, effort: 'off', reason: `${tier}-tier prompt: no thinking` };
}

function effortOf(think: ThinkSetting): ThinkingChoice['effort'] {
	if (think === true) return 'on';
	if (think === false) return 'off';
	return think;
}
