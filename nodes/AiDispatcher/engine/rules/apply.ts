/** How a RuleOutcome bends selection (target tier, exclusions) and the call (timeout, options). Pure. */
import { TIERS, type ModelSpec, type Tier } from '../types';
import type { RuleOutcome } from './types';

/** The tier selection aims for: a rule's `useTier`, else the measured tier, clamped to min/max. */
export function ruledTier(measured: Tier, rules: RuleOutcome | undefined): Tier {
	if (!rules) return measured;
	let index = TIERS.indexOf(rules.forcedTier?.tier ?? measured);
	if (rules.maxTier) index = Math.min(index, TIERS.indexOf(rules.maxTier.tier));
	if (rules.minTier) index = Math.max(index, TIERS.indexOf(rules.minTier.tier));
	return TIERS[index];
}

/** Why a rule keeps `model` out, or undefined. A forced model escapes tier bounds, not explicit exclusions. */
export function ruleExclusion(
	model: ModelSpec,
	rules: RuleOutcome | undefined,
): string | undefined {
	if (!rules) return undefined;
	const explicit = rules.excluded.get(model.name);
	if (explicit) return explicit;
	if (rules.forcedModel?.model === model.name) return undefined;
	const rank = TIERS.indexOf(model.tier);
	if (rules.maxTier && rank > TIERS.indexOf(rules.maxTier.tier)) {
		return `rule: ${JSON.stringify(rules.maxTier.rule)} (at most ${rules.maxTier.tier} tier)`;
	}
	if (rules.minTier && rank < TIERS.indexOf(rules.minTier.tier)) {
		return `rule: ${JSON.stringify(rules.minTier.rule)} (at least ${rules.minTier.tier} tier)`;
	}
	return undefined;
}

/** The models with the rules' timeout and options laid over each one's own (for this item only). */
export function withRuleOverrides(
	models: ModelSpec[],
	rules: RuleOutcome | undefined,
): ModelSpec[] {
	if (!rules || (rules.timeoutMs === undefined && !rules.options)) return models;
	return models.map((m) => ({
		...m,
		options: {
			...m.options,
			...rules.options,
			...(rules.timeoutMs !== undefined ? { timeoutMs: rules.timeoutMs } : {}),
		},
	}));
}
