import { ruledTier, ruleExclusion } from '../rules/apply';
import type { RuleOutcome } from '../rules/types';
import type { LearnedModelStats } from '../signals/learned';
import type { SignalSnapshot } from '../signals/types';
import type { ComplexityResult, Decision, ModelSpec, RankedCandidate, TaskType } from '../types';
import {
	diskBytes,
	learnedKey,
	planKey,
	planPolicy,
	policyReasons,
	type PolicyConfig,
	type PolicyInput,
	type PolicyPlan,
} from './policy';
import { describeExpectedTime, expectedTimes, type ExpectedTime } from './expectedTime';
import { tierOrder, tierRank } from './tiers';

/** What selection knows besides the candidates. Pure data: no I/O, the clock is `nowMs`. */
export interface SelectionFacts {
	complexity: ComplexityResult;
	task: TaskType;
	nowMs: number;
	/** Models that must not be tried, with the reason (circuit open, not installed, a rule). */
	excluded?: ReadonlyMap<string, string>;
	/** Models currently loaded in Ollama's memory (from /api/ps). */
	loaded?: ReadonlySet<string>;
	/** Live signals (Prometheus, /api/ps, /api/tags) of the current round; see `policy.ts`. */
	signals?: SignalSnapshot;
	/** What this process learned per model on this Ollama host. */
	stats?: ReadonlyMap<string, LearnedModelStats>;
	/** The load policy; without it selection ignores signals and stats. */
	policy?: PolicyConfig;
	/** The workflow's rules as evaluated for this item: forced model/tier, exclusions, tier bounds. */
	rules?: RuleOutcome;
	/**
	 * What ranking by expected time needs when thinking models are among the candidates (see
	 * `expectedTime.ts`): the models' /api/show capabilities on the host and the learned speeds there.
	 */
	thinking?: {
		capabilities: ReadonlyMap<string, readonly string[] | null>;
		stats?: ReadonlyMap<string, LearnedModelStats>;
	};
}

/** The tier selection aims for: the measured (or forced) tier, bent by the rules. */
function targetTier(facts: SelectionFacts) {
	return ruledTier(facts.complexity.tier, facts.rules);
}

/**
 * Ranks the candidates for one item: a model forced by a rule first; then the target tier's models
 * (the complexity tier, bent by the rules), then the documented fallback order (`tierOrder`) — or
 * the load policy's order when signals are in play; within a tier, models listing the task, then
 * models for any task, then the rest; then loaded before cold; then configuration order.
 * Rules are applied before the policy: the policy starts from the rule-adjusted tier.
 * Pure and synchronous.
 */
export function selectModel(candidates: readonly ModelSpec[], facts: SelectionFacts): Decision {
	if (!facts.policy) return rank(candidates, facts);
	const usual = rank(candidates, { ...facts, policy: undefined });
	const input: PolicyInput = {
		item: {
			tier: targetTier(facts),
			task: facts.task,
			forced: facts.complexity.forced || facts.rules?.forcedTier !== undefined,
		},
		signals: facts.signals,
		stats: facts.stats,
		policy: facts.policy,
		usual: candidates.find((m) => m.name === usual.model),
		loaded: facts.loaded,
	};
	return rank(candidates, facts, {
		plan: planPolicy(candidates, input),
		input,
		usual: usual.model,
	});
}

interface Planned {
	plan: PolicyPlan;
	input: PolicyInput;
	/** The model chosen without the policy. */
	usual: string | null;
}

function rank(
	candidates: readonly ModelSpec[],
	facts: SelectionFacts,
	planned?: Planned,
): Decision {
	const order = planned?.plan.order ?? tierOrder(targetTier(facts));
	const forced = facts.rules?.forcedModel?.model;
	const timed = timedRanking(candidates, facts, planned);
	const ranked = candidates
		.map((model, index) => ({
			model,
			index,
			key: sortKey(model, index, facts, order, planned, timed.times),
		}))
		.sort(
			(a, b) =>
				Number(b.model.name === forced) - Number(a.model.name === forced) ||
				compareKeys(a.key, b.key),
		);

	const tried: RankedCandidate[] = [];
	const excluded: RankedCandidate[] = [];
	for (const { model } of ranked) {
		const time = timed.times?.get(model.name);
		const reasons = [
			...reasonsFor(model, facts, planned ? tierOrder(targetTier(facts)) : order),
			...(planned ? policyReasons(model, planned.input, planned.plan) : []),
			...(time ? [describeExpectedTime(time)] : []),
		];
		const why =
			facts.excluded?.get(model.name) ??
			ruleExclusion(model, facts.rules) ??
			planned?.plan.excluded.get(model.name);
		if (why)
			excluded.push({ model: model.name, tier: model.tier, rank: -1, reasons, excluded: why });
		else tried.push({ model: model.name, tier: model.tier, rank: tried.length, reasons });
	}

	const first = tried[0];
	return {
		model: first?.model ?? null,
		tier: first?.tier ?? null,
		reason: withTimes(
			withPolicy(
				first ? explain(first, facts, planned) : explainNone(excluded, candidates.length),
				first,
				planned,
			),
			first,
			timed,
		),
		alternatives: tried.slice(1).map((c) => c.model),
		candidates: [...tried, ...excluded],
		...(timed.times
			? { expectedTimes: [...timed.times.values()].sort((a, b) => a.seconds - b.seconds) }
			: {}),
		...(facts.rules ? { rules: facts.rules.matched } : {}),
	};
}

/** [tier distance (or the policy's key), task fit, cold, (learned speed), configuration order] */
type SortKey = number[];

function sortKey(
	model: ModelSpec,
	index: number,
	facts: SelectionFacts,
	order: string[],
	planned?: Planned,
	times?: ReadonlyMap<string, ExpectedTime>,
): SortKey {
	if (times) {
		// Ranked by expected time: never below the item's tier, then a model listing other tasks last, then time.
		const time = times.get(model.name);
		const head = time
			? [0, taskFit(model, facts.task) === 2 ? 1 : 0, time.seconds]
			: [1, order.indexOf(model.tier), 0];
		return [...head, taskFit(model, facts.task), facts.loaded?.has(model.name) ? 0 : 1, index];
	}
	const head = planned ? planKey(model, planned.plan, planned.input) : [order.indexOf(model.tier)];
	const learned = planned ? learnedKey(model, facts.stats) : [];
	return [
		...head,
		taskFit(model, facts.task),
		facts.loaded?.has(model.name) ? 0 : 1,
		...learned,
		index,
	];
}

/** 0: lists the task explicitly · 1: suits any task · 2: lists other tasks only. */
function taskFit(model: ModelSpec, task: TaskType): number {
	if (model.tasks.length === 0) return 1;
	return model.tasks.includes(task) ? 0 : 2;
}

interface Timed {
	times?: Map<string, ExpectedTime>;
	/** Why the candidates were not ranked by expected time although a thinking model is among them. */
	why?: string;
}

/**
 * Expected times when thinking models are among the candidates (low and medium items, not under
 * load pressure or backlog, no model forced by a rule): of the usable models at or above the item's
 * tier. Balanced's rule holds: a model below the item's tier is never preferred for being faster.
 */
function timedRanking(
	candidates: readonly ModelSpec[],
	facts: SelectionFacts,
	planned?: Planned,
): Timed {
	if (!facts.thinking || facts.rules?.forcedModel || (planned && planned.plan.mode !== 'normal'))
		return {};
	const target = targetTier(facts);
	const usable = candidates.filter(
		// A model of an OpenAI-compatible endpoint is not timed: the local models come first (`localFirst`).
		(m) =>
			!m.backend &&
			!facts.excluded?.has(m.name) &&
			!ruleExclusion(m, facts.rules) &&
			!planned?.plan.excluded.has(m.name) &&
			tierRank(m.tier) >= tierRank(target),
	);
	// A listed model's size comes from the signals round (/api/tags) when the row does not carry it, as the load policy reads it.
	const sized = usable.map((m) =>
		m.sizeBytes === undefined && m.parameterBillions === undefined
			? { ...m, sizeBytes: diskBytes(m, facts.signals) }
			: m,
	);
	return expectedTimes(sized, {
		tier: target,
		promptTokens: facts.complexity.tokens,
		capabilities: facts.thinking.capabilities,
		stats: facts.thinking.stats,
	});
}

/** Appends how expected time ranked the candidates (or why it did not). */
function withTimes(reason: string, first: RankedCandidate | undefined, timed: Timed): string {
	if (timed.why) return `${reason}; ${timed.why}`;
	if (!timed.times || !first) return reason;
	const list = [...timed.times.values()]
		.sort((a, b) => a.seconds - b.seconds)
		.map(
			(t) =>
				`${t.model} ~${t.seconds.toFixed(1)} s${t.thinkTokens > 0 ? ` (think ${t.effort})` : ''}`,
		)
		.join(', ');
	return `${reason}; thinking models among the candidates, ranked by expected time at the effort each would get: ${list}`;
}

function compareKeys(a: SortKey, b: SortKey): number {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
	return 0;
}

function suits(model: ModelSpec, task: TaskType): boolean {
	return taskFit(model, task) < 2;
}

function reasonsFor(model: ModelSpec, facts: SelectionFacts, order: string[]): string[] {
	const reasons: string[] = [];
	const target = targetTier(facts);
	if (facts.rules?.forcedModel?.model === model.name)
		reasons.push(`forced by rule ${JSON.stringify(facts.rules.forcedModel.rule)}`);
	const distance = order.indexOf(model.tier);
	reasons.push(
		distance === 0
			? `tier ${model.tier} matches`
			: `fallback tier ${model.tier} (wanted ${target})`,
	);
	if (!suits(model, facts.task)) reasons.push(`not listed for task ${facts.task}`);
	if (facts.loaded?.has(model.name)) reasons.push('already loaded');
	return reasons;
}

function explain(first: RankedCandidate, facts: SelectionFacts, planned?: Planned): string {
	const c = facts.complexity;
	const basis = c.forced
		? `complexity forced to ${c.tier}`
		: `complexity ${c.score} → ${c.tier}${topFeatures(c)}`;
	const target = targetTier(facts);
	const ruled = ruleNote(facts.rules, c.tier, target);
	const forced = facts.rules?.forcedModel?.model === first.model;
	const policyMoved = planned !== undefined && planned.plan.mode !== 'normal';
	const fallback =
		!forced && !policyMoved && first.tier !== target
			? `; no usable ${target}-tier model, nearest tier is ${first.tier}`
			: '';
	return `${basis}${ruled}, task ${facts.task}: chose ${first.model} (${first.tier})${fallback}`;
}

function ruleNote(rules: RuleOutcome | undefined, measured: string, target: string): string {
	if (!rules || rules.matched.length === 0) return '';
	const names = rules.matched.map((m) => JSON.stringify(m.name)).join(', ');
	const forced = rules.forcedModel ? `, model ${rules.forcedModel.model} forced` : '';
	const tier = target !== measured ? `, tier ${measured} → ${target}` : '';
	return `; rules matched: ${names}${forced}${tier}`;
}

function topFeatures(c: ComplexityResult): string {
	const top = c.features
		.filter((f) => f.contribution > 0)
		.sort((a, b) => b.contribution - a.contribution)
		.slice(0, 3)
		.map((f) => `${f.name.replace(/_/g, ' ')} ${f.value}`);
	return top.length > 0 ? ` (${top.join(', ')})` : '';
}

function explainNone(excluded: RankedCandidate[], total: number): string {
	if (total === 0) return 'no models configured or discovered';
	return `every model is excluded: ${excluded.map((c) => `${c.model}: ${c.excluded}`).join('; ')}`;
}

/** Prefixes the policy's figures: "CPU 91 % > 85 %: chose phi3:mini instead of qwen2.5:7b; …". */
function withPolicy(reason: string, first: RankedCandidate | undefined, planned?: Planned): string {
	if (!planned) return reason;
	const { plan, usual } = planned;
	const changed = first !== undefined && usual !== null && first.model !== usual;
	const parts: string[] = [];
	if (plan.mode !== 'normal') {
		parts.push(
			`${plan.notes.join('; ')}${changed ? `: chose ${first.model} instead of ${usual}` : ''}`,
		);
	} else {
		parts.push(...plan.notes);
		if (changed)
			parts.push(
				`chose ${first.model} instead of ${usual} (${plan.excluded.get(usual) ?? 'learned faster'})`,
			);
	}
	if (plan.unavailable) parts.push(plan.unavailable);
	return parts.length > 0 ? `${parts.join('; ')}; ${reason}` : reason;
}
