/**
 * Evaluates the ordered rules for one item: pure and synchronous, facts gathered beforehand. Every
 * leaf records the fact value it saw, like json-rules-engine's RuleResult.
 */
import { TIERS, type Tier } from '../types';
import { FACT_TABLE } from './facts';
import { testBounded } from './regex';
import { inWindow, localTime, type LocalTime } from './timeWindow';
import type {
	Condition,
	ConditionTrace,
	LeafCondition,
	Rule,
	RuleFacts,
	RuleMatch,
	RuleOutcome,
	TimeWindow,
} from './types';

/** Applies `rules` in order; later rules never override an earlier forced model, tier or timeout. */
export function evaluateRules(rules: readonly Rule[], facts: RuleFacts): RuleOutcome {
	const outcome: RuleOutcome = { excluded: new Map(), matched: [], evaluated: [] };
	const memo: Memo = {};
	for (const [index, rule] of rules.entries()) {
		const traces: ConditionTrace[] = [];
		const result = evaluateCondition(rule.condition, facts, traces, memo);
		const match: RuleMatch = { index, name: rule.name, conditions: traces };
		outcome.evaluated.push({ ...match, result });
		if (!result) continue;
		outcome.matched.push(match);
		apply(outcome, rule);
		if (rule.action.stop) break;
	}
	return outcome;
}

function apply(outcome: RuleOutcome, rule: Rule): void {
	const { action, name } = rule;
	const reason = `rule: ${JSON.stringify(name)}`;
	if (action.useModel && !outcome.forcedModel)
		outcome.forcedModel = { model: action.useModel, rule: name };
	if (action.useTier && !outcome.forcedTier)
		outcome.forcedTier = { tier: action.useTier, rule: name };
	for (const model of action.excludeModels ?? [])
		if (!outcome.excluded.has(model)) outcome.excluded.set(model, reason);
	// Bounds tighten, but never cross: a bound that contradicts an earlier rule's is ignored.
	const max = action.maxTier;
	if (
		max &&
		(!outcome.maxTier || rank(max) < rank(outcome.maxTier.tier)) &&
		(!outcome.minTier || rank(max) >= rank(outcome.minTier.tier))
	) {
		outcome.maxTier = { tier: max, rule: name };
	}
	const min = action.minTier;
	if (
		min &&
		(!outcome.minTier || rank(min) > rank(outcome.minTier.tier)) &&
		(!outcome.maxTier || rank(min) <= rank(outcome.maxTier.tier))
	) {
		outcome.minTier = { tier: min, rule: name };
	}
	if (action.timeoutMs !== undefined && outcome.timeoutMs === undefined)
		outcome.timeoutMs = action.timeoutMs;
	if (action.options?.think !== undefined && outcome.thinkRule === undefined)
		outcome.thinkRule = name;
	if (action.options) outcome.options = { ...action.options, ...outcome.options };
}

/** Per-evaluation cache of facts that cost something to compute. */
interface Memo {
	local?: Map<string, LocalTime>;
}

function evaluateCondition(
	condition: Condition,
	facts: RuleFacts,
	traces: ConditionTrace[],
	memo: Memo,
): boolean {
	// Every branch is evaluated (no short circuit) so the trace shows all that the rule looked at.
	if ('all' in condition)
		return condition.all.map((c) => evaluateCondition(c, facts, traces, memo)).every(Boolean);
	if ('any' in condition)
		return condition.any.map((c) => evaluateCondition(c, facts, traces, memo)).some(Boolean);
	if ('not' in condition) return !evaluateCondition(condition.not, facts, traces, memo);
	const trace = evaluateLeaf(condition, facts, memo);
	traces.push(trace);
	return trace.result;
}

function evaluateLeaf(leaf: LeafCondition, facts: RuleFacts, memo: Memo): ConditionTrace {
	const seen = FACT_TABLE[leaf.fact].read(leaf, {
		facts,
		localTime: (timeZone) => local(facts, timeZone, memo),
	});
	const base = {
		fact: leaf.path ? `${leaf.fact}.${leaf.path}` : leaf.fact,
		operator: leaf.operator,
		expected: shownValue(leaf),
	};
	if (seen.note) return { ...base, actual: seen.actual ?? null, result: false, note: seen.note };
	return { ...base, actual: seen.actual, result: compare(leaf, seen.actual, facts, memo) };
}

function shownValue(leaf: LeafCondition): unknown {
	return leaf.pattern ? `/${leaf.pattern.source}/${leaf.pattern.flags}` : leaf.value;
}

function local(facts: RuleFacts, timeZone: string, memo: Memo): LocalTime {
	memo.local ??= new Map();
	let value = memo.local.get(timeZone);
	if (!value) {
		value = localTime(facts.nowMs, timeZone);
		memo.local.set(timeZone, value);
	}
	return value;
}

function compare(leaf: LeafCondition, actual: unknown, facts: RuleFacts, memo: Memo): boolean {
	const expected = leaf.value;
	switch (leaf.operator) {
		case 'within':
		case 'notWithin': {
			const window = expected as TimeWindow;
			const inside = inWindow(local(facts, window.timeZone ?? facts.timeZone, memo), window);
			return leaf.operator === 'within' ? inside : !inside;
		}
		case 'matches':
		case 'notMatches': {
			const subject =
				leaf.fact === 'text'
					? facts.text
					: actual === undefined || actual === null
						? ''
						: String(actual);
			const found = leaf.pattern ? testBounded(leaf.pattern, subject) : false;
			return leaf.operator === 'matches' ? found : !found;
		}
		case 'in':
			return (expected as unknown[]).some((e) => same(actual, e));
		case 'notIn':
			return !(expected as unknown[]).some((e) => same(actual, e));
		case 'contains':
			return Array.isArray(actual)
				? actual.some((a) => same(a, expected))
				: String(actual ?? '').includes(String(expected));
		case 'exists':
			return (actual !== undefined && actual !== null && actual !== '') === (expected !== false);
		case 'equal':
			return same(actual, expected);
		case 'notEqual':
			return !same(actual, expected);
		default:
			return ordered(leaf.operator, actual, expected);
	}
}

/** Equality that lets item fields compare loosely with typed values ("3" equals 3, "P1" equals "p1" not). */
function same(actual: unknown, expected: unknown): boolean {
	if (actual === expected) return true;
	if (typeof expected === 'number' && typeof actual === 'string' && actual.trim() !== '')
		return Number(actual) === expected;
	if (typeof expected === 'boolean' && typeof actual === 'string')
		return actual === String(expected);
	return false;
}

function ordered(operator: string, actual: unknown, expected: unknown): boolean {
	const a = orderValue(actual);
	const b = orderValue(expected);
	if (a === null || b === null) return false;
	switch (operator) {
		case 'lessThan':
			return a < b;
		case 'lessThanInclusive':
			return a <= b;
		case 'greaterThan':
			return a > b;
		default:
			return a >= b;
	}
}

/** Numbers, numeric strings and tiers (low < medium < high) are ordered; anything else is not. */
function orderValue(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string') {
		if ((TIERS as readonly string[]).includes(value)) return rank(value as Tier);
		const n = Number(value);
		return value.trim() !== '' && Number.isFinite(n) ? n : null;
	}
	return null;
}

function rank(tier: Tier): number {
	return TIERS.indexOf(tier);
}
