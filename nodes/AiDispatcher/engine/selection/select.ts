import { ruledTier, ruleExclusion } from '../rules/apply';
import type { RuleOutcome } from '../rules/types';
import type { ComplexityResult, Decision, ModelSpec, RankedCandidate, TaskType } from '../types';
import { tierOrder } from './tiers';

/** What selection knows besides the candidates. Pure data: no I/O, the clock is `nowMs`. */
export interface SelectionFacts {
	complexity: ComplexityResult;
	task: TaskType;
	nowMs: number;
	/** Models that must not be tried, with the reason (circuit open, not installed, a rule). */
	excluded?: ReadonlyMap<string, string>;
	/** Models currently loaded in Ollama's memory (from /api/ps). */
	loaded?: ReadonlySet<string>;
	/** The workflow's rules as evaluated for this item: forced model/tier, exclusions, tier bounds. */
	rules?: RuleOutcome;
}

/**
 * Ranks the candidates for one item: the complexity tier's models first, then the documented
 * fallback order (`tierOrder`); within a tier, models listing the task, then models for any task,
 * then the rest; then loaded before cold; then configuration order. Pure and synchronous.
 */
export function selectModel(candidates: readonly ModelSpec[], facts: SelectionFacts): Decision {
	const order = tierOrder(ruledTier(facts.complexity.tier, facts.rules));
	const forced = facts.rules?.forcedModel?.model;
	const ranked = candidates
		.map((model, index) => ({ model, index, key: sortKey(model, index, facts, order) }))
		.sort((a, b) => Number(b.model.name === forced) - Number(a.model.name === forced) || compareKeys(a.key, b.key));

	const tried: RankedCandidate[] = [];
	const excluded: RankedCandidate[] = [];
	for (const { model } of ranked) {
		const reasons = reasonsFor(model, facts, order);
		const why = facts.excluded?.get(model.name) ?? ruleExclusion(model, facts.rules);
		if (why) excluded.push({ model: model.name, tier: model.tier, rank: -1, reasons, excluded: why });
		else tried.push({ model: model.name, tier: model.tier, rank: tried.length, reasons });
	}

	const first = tried[0];
	return {
		model: first?.model ?? null,
		tier: first?.tier ?? null,
		reason: first ? explain(first, facts) : explainNone(excluded, candidates.length),
		alternatives: tried.slice(1).map((c) => c.model),
		candidates: [...tried, ...excluded],
		...(facts.rules ? { rules: facts.rules.matched } : {}),
	};
}

type SortKey = [tierDistance: number, taskFit: number, cold: number, index: number];

function sortKey(model: ModelSpec, index: number, facts: SelectionFacts, order: string[]): SortKey {
	return [order.indexOf(model.tier), taskFit(model, facts.task), facts.loaded?.has(model.name) ? 0 : 1, index];
}

/** 0: lists the task explicitly · 1: suits any task · 2: lists other tasks only. */
function taskFit(model: ModelSpec, task: TaskType): number {
	if (model.tasks.length === 0) return 1;
	return model.tasks.includes(task) ? 0 : 2;
}

function compareKeys(a: SortKey, b: SortKey): number {
	for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
	return 0;
}

function suits(model: ModelSpec, task: TaskType): boolean {
	return model.tasks.length === 0 || model.tasks.includes(task);
}

function reasonsFor(model: ModelSpec, facts: SelectionFacts, order: string[]): string[] {
	const reasons: string[] = [];
	const target = ruledTier(facts.complexity.tier, facts.rules);
	if (facts.rules?.forcedModel?.model === model.name) reasons.push(`forced by rule ${JSON.stringify(facts.rules.forcedModel.rule)}`);
	const distance = order.indexOf(model.tier);
	reasons.push(distance === 0 ? `tier ${model.tier} matches` : `fallback tier ${model.tier} (wanted ${target})`);
	if (!suits(model, facts.task)) reasons.push(`not listed for task ${facts.task}`);
	if (facts.loaded?.has(model.name)) reasons.push('already loaded');
	return reasons;
}

function explain(first: RankedCandidate, facts: SelectionFacts): string {
	const c = facts.complexity;
	const basis = c.forced
		? `complexity forced to ${c.tier}`
		: `complexity ${c.score} → ${c.tier}${topFeatures(c)}`;
	const target = ruledTier(c.tier, facts.rules);
	const ruled = ruleNote(facts.rules, c.tier, target);
	const forced = facts.rules?.forcedModel?.model === first.model;
	const fallback = !forced && first.tier !== target ? `; no usable ${target}-tier model, nearest tier is ${first.tier}` : '';
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
