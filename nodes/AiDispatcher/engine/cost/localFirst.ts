/**
 * Local first: a priced (cloud) model is tried only after every suitable local model, unless a
 * rule sends the item to it or the user made priced models ordinary candidates. The decision's
 * reason says which, so a user reading an item sees why the cloud was or was not used.
 */
import type { RuleOutcome } from '../rules/types';
import type { Decision, ModelSpec } from '../types';
import { isPriced } from './price';

/** True when `model` has a price above zero (a cloud model). */
export function isPricedModel(model: ModelSpec | undefined): boolean {
	return isPriced(model?.backend?.price);
}

/**
 * Reorders the decision's try order so priced models come after every local one, and says so in
 * the reason. Pure. `pricedAsCandidates` keeps the ranking as it is; a rule's forced priced model
 * stays first.
 */
export function localFirst(
	decision: Decision,
	models: readonly ModelSpec[],
	rules: RuleOutcome | undefined,
	pricedAsCandidates: boolean,
): Decision {
	const split = splitOrder(decision, models, isPricedModel);
	if (!split) return decision;
	const { byName, order, matching: cloud, others: local } = split;
	const forced = rules?.forcedModel;
	if (pricedAsCandidates)
		return reordered(
			decision,
			order,
			byName,
			`cloud: priced models are ordinary candidates (${cloud.join(', ')})`,
		);
	if (forced && forced.model === decision.model && cloud.includes(forced.model)) {
		return reordered(
			decision,
			order,
			byName,
			`cloud: rule "${forced.rule}" sends the item to ${forced.model}`,
		);
	}
	if (local.length === 0)
		return reordered(
			decision,
			cloud,
			byName,
			`cloud: no local model is suitable, so ${cloud[0]} answers`,
		);
	return reordered(
		decision,
		[...local, ...cloud],
		byName,
		`local first: ${cloud.join(', ')} only if every local model fails`,
	);
}

/** True for an endpoint model whose price is not known (found by Auto-Discover). */
export function isPriceUnknown(model: ModelSpec | undefined): boolean {
	return model?.backend?.priceUnknown === true && !isPriced(model.backend.price);
}

/**
 * Moves endpoint models whose price is not known after every other model, whatever the rules and
 * the Priced Models setting say: such a model may be a paid cloud model that no budget can count.
 * Pure; applied after `localFirst`.
 */
export function unknownPriceLast(decision: Decision, models: readonly ModelSpec[]): Decision {
	const split = splitOrder(decision, models, isPriceUnknown);
	if (!split) return decision;
	const { byName, matching: unknown, others: known } = split;
	if (known.length === 0)
		return reordered(
			decision,
			unknown,
			byName,
			`endpoint: no other model is suitable, so ${unknown[0]} (price unknown) answers`,
		);
	return reordered(
		decision,
		[...known, ...unknown],
		byName,
		`endpoint models of unknown price last: ${unknown.join(', ')} only if every other model fails`,
	);
}

/**
 * The decision's model order split into the models `matches` picks and the others, each in order;
 * undefined when there is no model or none matches (the decision then stays as it is).
 */
function splitOrder(
	decision: Decision,
	models: readonly ModelSpec[],
	matches: (model: ModelSpec | undefined) => boolean,
):
	| { byName: Map<string, ModelSpec>; order: string[]; matching: string[]; others: string[] }
	| undefined {
	if (!decision.model) return undefined;
	const byName = new Map(models.map((m) => [m.name, m]));
	const order = [decision.model, ...decision.alternatives];
	const matching = order.filter((name) => matches(byName.get(name)));
	if (matching.length === 0) return undefined;
	const others = order.filter((name) => !matches(byName.get(name)));
	return { byName, order, matching, others };
}

function reordered(
	decision: Decision,
	order: string[],
	byName: Map<string, ModelSpec>,
	why: string,
): Decision {
	const rank = new Map(order.map((name, i) => [name, i]));
	const [first, ...rest] = order;
	return {
		...decision,
		model: first,
		tier: byName.get(first)?.tier ?? decision.tier,
		alternatives: rest,
		reason: `${decision.reason}; ${why}`,
		candidates: decision.candidates.map((c) =>
			rank.has(c.model) ? { ...c, rank: rank.get(c.model) as number } : c,
		),
	};
}
