/**
 * A load is a cost in selection: when a few items would load a model for themselves, and a model the
 * batch uses anyway (or the host holds already) may answer them, they are moved to it when the time
 * their slower answers cost is less than the load they save. Pure: no I/O, no clock.
 *
 * How far a loaded model may be preferred is the Quality ↔ Speed setting:
 * - Quality: never (each item keeps its model).
 * - Balanced (default): only to a model of the same or a higher tier: never below the item's tier.
 * - Speed: also one tier below, except for high-tier items.
 * A model forced by a rule is never replaced. Without learned figures (the model's load time and
 * both models' warm answer times on the host) nothing moves.
 */
import { tierRank } from '../selection/tiers';
import type { Decision, RankedCandidate, Tier } from '../types';

export type LoadPreference = 'quality' | 'balanced' | 'speed';

/** One planned item, as the preference sees it. */
export interface PreferenceItem {
	index: number;
	decision: Decision;
	host: string;
	/** The item's Quality ↔ Speed setting. */
	preference: LoadPreference;
}

/** Learned figures per host (see `ResidencyStore`). */
export interface LoadCostFacts {
	loaded(host: string): readonly string[];
	/** Learned load time, in ms. */
	loadMsOf(host: string, model: string): number | undefined;
	/** Learned wall time of a call to the model already loaded, in ms. */
	warmCallMsOf(host: string, model: string): number | undefined;
}

/**
 * The decisions that change, by input index: their model is one the batch loads anyway, the former
 * choice first among the alternatives, and the reason says what was weighed.
 */
export function preferResident(
	items: readonly PreferenceItem[],
	facts: LoadCostFacts,
): Map<number, Decision> {
	const groups = new Map<string, PreferenceItem[]>();
	for (const item of items) {
		if (!item.decision.model) continue;
		const key = `${item.host}\u0000${item.decision.model}`;
		groups.set(key, [...(groups.get(key) ?? []), item]);
	}
	const changed = new Map<number, Decision>();
	const smallestFirst = [...groups.entries()].sort((a, b) => a[1].length - b[1].length);
	for (const [key, members] of smallestFirst) {
		const [host, model] = key.split('\u0000');
		if (facts.loaded(host).includes(model)) continue;
		const loadMs = facts.loadMsOf(host, model);
		const ownMs = facts.warmCallMsOf(host, model);
		if (loadMs === undefined || ownMs === undefined) continue;
		const targets = new Set([
			...facts.loaded(host),
			...[...groups.keys()]
				.filter((k) => k !== key && k.startsWith(`${host}\u0000`))
				.map((k) => k.split('\u0000')[1]),
		]);
		let best: { target: string; extraMs: number } | undefined;
		for (const target of targets) {
			if (target === model) continue;
			const targetMs = facts.warmCallMsOf(host, target);
			if (targetMs === undefined || !members.every((m) => allows(m, target))) continue;
			const extraMs = members.length * Math.max(0, targetMs - ownMs);
			if (extraMs < loadMs && (!best || extraMs < best.extraMs)) best = { target, extraMs };
		}
		if (!best) continue;
		const targetKey = `${host}\u0000${best.target}`;
		groups.set(targetKey, [...(groups.get(targetKey) ?? []), ...members]);
		groups.delete(key);
		const where = facts.loaded(host).includes(best.target)
			? 'which is loaded already'
			: 'which this batch uses anyway';
		const why = `batch: answered by ${best.target}, ${where}, instead of loading ${model} for ${members.length} item${members.length === 1 ? '' : 's'} (load ~${seconds(loadMs)} > ~${seconds(best.extraMs)} of slower answers)`;
		for (const m of members) changed.set(m.index, moved(m.decision, best.target, why));
	}
	return changed;
}

/** True when the item's setting lets `target` answer it instead of its chosen model. */
function allows(item: PreferenceItem, target: string): boolean {
	return mayAnswerInstead(item.decision, target, item.preference);
}

/**
 * True when `target` may answer instead of the decision's model under the Quality ↔ Speed setting:
 * it is a candidate (not excluded), the model was not forced by a rule, and its tier is the same or
 * higher (Balanced), or at most one below for a non-high item (Speed); never under Quality.
 */
export function mayAnswerInstead(
	decision: Decision,
	target: string,
	preference: LoadPreference,
): boolean {
	if (preference === 'quality' || !decision.tier) return false;
	const chosen = decision.candidates.find((c) => c.model === decision.model);
	if (chosen?.reasons.some((r) => r.startsWith('forced by rule'))) return false;
	const candidate = decision.candidates.find((c) => c.model === target && c.rank >= 0);
	if (!candidate) return false;
	const below = tierRank(decision.tier) - tierRank(candidate.tier);
	if (below <= 0) return true;
	return preference === 'speed' && below === 1 && decision.tier !== 'high';
}

/** The decision with `target` first, the former choice next, and `why` added to the reason. */
export function moved(decision: Decision, target: string, why: string): Decision {
	const former = decision.model as string;
	const tried = decision.candidates.filter((c) => c.rank >= 0);
	const excluded = decision.candidates.filter((c) => c.rank < 0);
	const first = tried.find((c) => c.model === target) as RankedCandidate;
	const order = [
		first,
		...tried.filter((c) => c.model === former),
		...tried.filter((c) => c.model !== target && c.model !== former),
	];
	const candidates = order.map((c, rank) => ({
		...c,
		rank,
		reasons: c === first ? [...c.reasons, 'loaded for this batch'] : [...c.reasons],
	}));
	return {
		...decision,
		model: target,
		tier: first.tier as Tier,
		reason: `${decision.reason}; ${why}`,
		alternatives: order.slice(1).map((c) => c.model),
		candidates: [...candidates, ...excluded],
	};
}

function seconds(ms: number): string {
	return `${(ms / 1000).toFixed(1)} s`;
}
