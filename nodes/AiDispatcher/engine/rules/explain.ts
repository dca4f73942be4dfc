/**
 * Why each rule did or did not match, in the words of the Rules builder: the first condition that
 * failed and the value it saw ("Item Field equals \"P1\": saw \"P2\""). Pure: reads the traces
 * `evaluateRules` recorded.
 */
import type { ConditionTrace, RuleOutcome } from './types';

const FACT_WORDS: Record<string, string> = {
	promptTokens: 'Prompt Tokens',
	containsCode: 'Contains Code',
	containsStackTrace: 'Contains Stack Trace',
	text: 'Prompt',
	taskType: 'Task Type',
	complexityTier: 'Complexity Tier',
	complexityScore: 'Complexity Score',
	complexityConfidence: 'Complexity Confidence',
	signal: 'Signal',
	time: 'Time',
	item: 'Item Field',
};

const OPERATOR_WORDS: Record<string, string> = {
	equal: 'equals',
	notEqual: 'does not equal',
	greaterThan: 'greater than',
	greaterThanInclusive: 'at least',
	lessThan: 'less than',
	lessThanInclusive: 'at most',
	in: 'is one of',
	notIn: 'is not one of',
	contains: 'contains',
	matches: 'matches',
	notMatches: 'does not match',
	exists: 'exists',
	within: 'within',
	notWithin: 'outside',
};

/** A value as the user typed it: strings quoted, regexes as /source/, objects as JSON. */
function shown(value: unknown): string {
	if (value === undefined) return 'nothing';
	if (
		value &&
		typeof value === 'object' &&
		'source' in value &&
		typeof (value as { source: unknown }).source === 'string'
	) {
		return `/${(value as { source: string }).source}/`;
	}
	const text = JSON.stringify(value) ?? String(value);
	return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/** "Item Field equals \"P1\": saw \"P2\"" — one condition and what it saw. */
export function conditionWords(trace: ConditionTrace): string {
	const fact = FACT_WORDS[trace.fact] ?? trace.fact;
	const operator = OPERATOR_WORDS[trace.operator] ?? trace.operator;
	const expected = trace.operator === 'exists' ? '' : ` ${shown(trace.expected)}`;
	const note = trace.note ? ` (${trace.note})` : '';
	return `${fact} ${operator}${expected}: saw ${shown(trace.actual)}${note}`;
}

/** One rule's result for an item. */
export interface RuleResultJson {
	rule: string;
	matched: boolean;
	/** For a rule that did not match: its first failed condition and the value it saw. */
	why?: string;
	[key: string]: unknown;
}

/** Every rule evaluated for the item, in order, each with whether it matched and, if not, why. */
export function ruleResults(outcome: RuleOutcome | undefined): RuleResultJson[] {
	if (!outcome) return [];
	return outcome.evaluated.map((r) => {
		const name = r.name || `Rule ${r.index + 1}`;
		if (r.result) return { rule: name, matched: true };
		const failed = r.conditions.find((c) => !c.result);
		// A negated rule fails when its conditions all held.
		const why = failed
			? conditionWords(failed)
			: `negated, and its conditions matched (${r.conditions.map(conditionWords).join('; ')})`;
		return { rule: name, matched: false, why };
	});
}
