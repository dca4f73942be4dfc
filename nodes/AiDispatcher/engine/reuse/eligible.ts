/**
 * Which stored answer an item may take instead of calling a model: one from a model the item's
 * configuration still lists, of the same or a higher tier than the model the plan chose (the rule's
 * forced model only, when a rule forced one), called with the options (and the `think`) that model
 * would be called with now, and either from this execution or, when Reuse Answers is on, within its window.
 */
import type { Plan } from '../plan';
import { tierRank } from '../selection/tiers';
import type { ModelSpec, Tier } from '../types';
import { optionsKey } from './key';
import type { ReuseStore } from './store';
import type { ReuseConfig, ReuseKind, StoredAnswer } from './types';

export interface Reusable {
	answer: StoredAnswer;
	kind: ReuseKind;
}

/** The tier an answer must at least come from: the chosen model's, or the analysis' when none was chosen. */
export function neededTier(plan: Plan): Tier {
	return plan.decision.tier ?? plan.complexity.tier;
}

/** The configured models whose answers the item may take, the plan's own choice first. */
export function acceptedModels(plan: Plan): ModelSpec[] {
	const forced = plan.rules?.forcedModel?.model;
	const floor = tierRank(neededTier(plan));
	const order = [plan.decision.model, ...plan.decision.alternatives];
	const rank = (m: ModelSpec) => {
		const i = order.indexOf(m.name);
		return i < 0 ? order.length : i;
	};
	return plan.config.models
		.filter((m) => (forced ? m.name === forced : tierRank(m.tier) >= floor))
		.sort((a, b) => rank(a) - rank(b));
}

/**
 * The answer-changing options `model` is called with for this plan: its own options, with `think`
 * as the plan decided it for this item (engine/thinking), which is what Ollama gets.
 */
export function callOptionsKey(plan: Plan, model: ModelSpec): string {
	return optionsKey({ ...model.options, think: plan.thinking[model.name]?.think });
}

/** Whether `answer` came from an accepted model called with the options it would be called with now. */
export function fitsPlan(answer: StoredAnswer, models: readonly ModelSpec[], plan: Plan): boolean {
	const model = models.find((m) => m.name === answer.model);
	return model !== undefined && callOptionsKey(plan, model) === answer.optionsKey;
}

/** The stored answer the item may reuse at `nowMs`, or undefined. */
export function findReusable(
	store: ReuseStore,
	plan: Plan,
	reuse: ReuseConfig,
	key: string,
	nowMs: number,
): Reusable | undefined {
	const models = acceptedModels(plan);
	for (const model of models) {
		const answer = store.get(key, model.name);
		if (!answer || !fitsPlan(answer, models, plan)) continue;
		if (answer.executionId === reuse.executionId) return { answer, kind: 'this execution' };
		if (answer.shared && reuse.windowMs > 0 && nowMs - answer.storedAtMs <= reuse.windowMs)
			return { answer, kind: 'earlier execution' };
	}
	return undefined;
}
