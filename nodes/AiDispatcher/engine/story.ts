/**
 * What happened to an item, in one plain sentence a newcomer can read: how the prompt was judged,
 * which model was chosen, and — when another one answered — which model answered and why the
 * first choice did not. The scores stay in the decision (`decision.reason`, `complexity`); this is
 * the `reason` people read in the table. Pure: reads the plan and the result.
 */
import { causeOf, listWords, type FailureCause } from './failures';
import type { Plan } from './plan';
import { ruledTier } from './rules/apply';
import type { Attempt, ComplexityResult, DispatchResult, Tier } from './types';

const TIER_JUDGEMENT: Record<Tier, string> = { low: 'Simple', medium: 'Moderate', high: 'Complex' };

/** Why a model did not answer, after "which failed (…)" or "skipped (…)". */
const CAUSE_PHRASE: Record<FailureCause, string> = {
	memory: 'out of memory',
	refused: 'connection refused',
	connection: 'connection lost',
	timeout: 'timed out',
	not_installed: 'not installed',
	busy: 'Ollama busy',
	server_error: 'server error',
	bad_reply: 'unusable reply',
	rejected: 'request rejected',
	circuit_open: 'it failed repeatedly',
	cancelled: 'cancelled',
	auth: 'API key rejected',
	context_length: 'prompt too long for it',
	budget: 'over the budget',
};

/** "Simple extraction prompt", "Complex code prompt", "Tier set to high". */
function judgement(c: ComplexityResult): string {
	if (c.forced) return `Complexity set to ${c.tier}`;
	const task = c.task === 'general' ? '' : ` ${c.task}`;
	return `${TIER_JUDGEMENT[c.tier]}${task} prompt`;
}

/** What the rules did to the choice, when anything: `rule "P1" chose qwen2.5:7b`, `rule "cap" moved it to medium`. */
function ruleClause(plan: Plan): string {
	const rules = plan.rules;
	if (!rules || rules.matched.length === 0) return '';
	if (rules.forcedModel && rules.forcedModel.model === plan.decision.model)
		return `, rule "${rules.forcedModel.rule}" picked the model`;
	const target = ruledTier(plan.complexity.tier, rules);
	const names = listWords(rules.matched.map((m) => `"${m.name}"`));
	return target !== plan.complexity.tier
		? `, rule ${names} moved it to ${target}`
		: `, rule ${names} matched`;
}

/**
 * "; qwen2.5:7b skipped: it failed repeatedly (tried again after 16:04:12 UTC)", "… failed repeatedly
 * on another n8n process (shared through Prometheus) …" — only for a model this item would have used.
 */
function skipClause(plan: Plan): string {
	const would = plan.firstChoice;
	if (!would || would === plan.decision.model) return '';
	const skip = plan.skipped.find((s) => s.model === would);
	if (!skip) return '';
	const retry = /retry after \d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d)/.exec(skip.error ?? '')?.[1];
	// A breaker adopted from another queue-mode worker: this process never saw the failures itself.
	const where = skip.error?.includes('on another n8n process')
		? ' on another n8n process (shared through Prometheus)'
		: '';
	return `; ${would} skipped: it failed repeatedly${where}${retry ? ` (tried again after ${retry} UTC)` : ''}`;
}

function escaped(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * When live load moved the choice, the load policy's own words from the decision: "instead of
 * qwen2.5:7b: memory available 3.1 GiB < 4.0 GiB", "instead of a: learned faster".
 */
function policyNote(plan: Plan): string | undefined {
	const model = escaped(plan.decision.model ?? '');
	const because = new RegExp(`(?:^|; )([^;]+): chose ${model} instead of (\\S+?)(?:;|$)`).exec(
		plan.decision.reason,
	);
	if (because) return `instead of ${because[2]}: ${because[1]}`;
	const learned = new RegExp(`chose ${model} instead of (\\S+) \\(([^)]*)\\)`).exec(
		plan.decision.reason,
	);
	return learned ? `instead of ${learned[1]}: ${learned[2]}` : undefined;
}

/** The chosen tier, and why when it is not the wanted one: " (medium tier; high-tier models were not usable now)". */
function tierNote(plan: Plan): string {
	const { decision, complexity, rules } = plan;
	if (!decision.tier || rules?.forcedModel?.model === decision.model) return '';
	const policy = policyNote(plan);
	if (policy) return ` (${decision.tier} tier) ${policy}`;
	const wanted = ruledTier(complexity.tier, rules);
	return decision.tier !== wanted
		? ` (${decision.tier} tier; ${wanted}-tier models were not usable now)`
		: ` (${decision.tier} tier)`;
}

/** The cost notes of an OpenAI-compatible endpoint in the decision ("local first: …", "cloud used: …", "cloud: …"), kept as written. */
function costNotes(reason: string): string {
	const notes = reason
		.split('; ')
		.filter((part) =>
			/^(?:local first: |cloud used: |cloud: |endpoint models of unknown price last: )/.test(part),
		);
	return notes.length > 0 ? `; ${notes.join('; ')}` : '';
}

/** The plan in one sentence, before any call: "Simple extraction prompt: chose phi3:mini (low tier)". */
export function planStory(plan: Plan, decisionReason = plan.decision.reason): string {
	const { decision } = plan;
	if (!decision.model)
		return `${judgement(plan.complexity)}${ruleClause(plan)}: no model can take it (${decision.reason})`;
	return `${judgement(plan.complexity)}${ruleClause(plan)}: chose ${decision.model}${tierNote(plan)}${skipClause(plan)}${costNotes(decisionReason)}`;
}

/** The failed models before the one that answered, with why: "qwen2.5:7b (out of memory)". */
function failedBefore(attempts: readonly Attempt[], answered: string): string[] {
	const last = new Map<string, Attempt>();
	for (const a of attempts) if (!a.ok && a.model !== answered) last.set(a.model, a);
	return [...last.values()].map((a) => `${a.model} (${CAUSE_PHRASE[causeOf(a)]})`);
}

/**
 * The model that did not answer when another one did: the plan's first choice when it failed, or
 * the model this item would have used when its circuit is open; undefined when the first choice answered.
 */
export function fallbackFrom(plan: Plan, result: DispatchResult): string | undefined {
	if (result.reused) return undefined; // no model was called for this item
	const first = plan.firstChoice ?? plan.decision.model;
	return first !== null && result.model !== first ? first : undefined;
}

/**
 * The answered item in one sentence, naming the model that answered: "Complex code prompt: chose
 * qwen2.5:7b (high tier), but it failed (out of memory), so llama3.2:3b (medium tier) answered".
 */
export function resultStory(plan: Plan, result: DispatchResult): string {
	const chosen = planStory(plan, result.decision?.reason ?? plan.decision.reason);
	if (result.reused) {
		const { kind, model, tier } = result.reused;
		return kind === 'in flight'
			? `${chosen}; shares the answer ${model} (${tier} tier) gave an identical item at the same time`
			: `${chosen}; reused the answer ${model} (${tier} tier) gave an identical request (no model call)`;
	}
	if (result.model === plan.decision.model) return chosen;
	const failed = failedBefore(result.attempts, result.model);
	const which =
		failed.length === 1 && failed[0].startsWith(`${plan.decision.model} (`)
			? `it failed ${failed[0].slice(failed[0].indexOf('('))}`
			: `${listWords(failed)} failed`;
	return `${chosen}, but ${which}, so ${result.model} (${result.tier} tier) answered`;
}
