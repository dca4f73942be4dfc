/**
 * The rules' one fact table, in json-rules-engine's style: per fact, the operators it accepts, the
 * kind of value each operator compares with, and a typed reader of what the item's analysis saw.
 * `validate.ts` checks rules against it, `evaluate.ts` reads facts through it, and the node's UI
 * adapter turns the builder's text values into JSON values with `valueFromText`. A fact added to
 * `FACTS` without an entry here does not compile.
 */
import type { ComplexityResult } from '../types';
import type { LocalTime } from './timeWindow';
import {
	ITEM_OPERATORS,
	NUMERIC_OPERATORS,
	REGEX_OPERATORS,
	SET_OPERATORS,
	WINDOW_OPERATORS,
	type FactName,
	type LeafCondition,
	type Operator,
	type RuleFacts,
	type TimeWindow,
} from './types';

/** What a condition's `value` must be, given its fact and operator. */
export type ValueKind =
	| 'number'
	| 'boolean'
	| 'tier'
	| 'tiers'
	| 'task'
	| 'tasks'
	| 'regex'
	| 'window'
	| 'scalar'
	| 'list'
	| 'flag';

/** A fact's value for one item, or why it has none (`note`: the condition is not met, the trace says why). */
export interface Seen {
	actual: unknown;
	note?: string;
}

/** What a reader gets: the item's facts and its local time in a zone (memoised per evaluation). */
export interface FactScope {
	facts: RuleFacts;
	localTime(timeZone: string): LocalTime;
}

export interface FactSpec {
	operators: readonly Operator[];
	/** The value kind for an operator this fact accepts (operator-wide kinds are settled first, see `valueKind`). */
	kind: ValueKind | { single: ValueKind; set: ValueKind };
	read(leaf: LeafCondition, scope: FactScope): Seen;
}

const numeric = (read: (facts: RuleFacts) => Seen): FactSpec => ({
	operators: NUMERIC_OPERATORS,
	kind: 'number',
	read: (_, s) => read(s.facts),
});
const boolean = (read: (facts: RuleFacts) => Seen): FactSpec => ({
	operators: ['equal', 'notEqual'],
	kind: 'boolean',
	read: (_, s) => read(s.facts),
});

/** A count the analysis measures; absent means this analyser did not measure it (never a silent 0). */
function fromCount(value: number | undefined, name: string, test: (n: number) => boolean): Seen {
	return value === undefined
		? { actual: null, note: `${name} is not measured by this analyser` }
		: { actual: test(value) };
}

export const FACT_TABLE: Readonly<Record<FactName, FactSpec>> = {
	promptTokens: numeric((f) => ({ actual: f.tokens })),
	complexityScore: numeric((f) => ({ actual: f.score })),
	complexityConfidence: numeric((f) =>
		f.confidence === undefined
			? { actual: null, note: 'confidence is measured by the trained router only' }
			: { actual: f.confidence },
	),
	signal: {
		operators: NUMERIC_OPERATORS,
		kind: 'number',
		read: (leaf, s) => signalValue(s.facts, leaf.path ?? ''),
	},
	containsCode: boolean((f) => fromCount(f.codeBlocks, 'code blocks', (n) => n > 0)),
	containsStackTrace: boolean((f) => fromCount(f.stackFrames, 'stack trace lines', (n) => n >= 2)),
	text: {
		operators: REGEX_OPERATORS,
		kind: 'regex',
		read: (_, s) => ({
			actual: s.facts.text.length > 80 ? `${s.facts.text.slice(0, 80)}…` : s.facts.text,
		}),
	},
	taskType: {
		operators: ['equal', 'notEqual', ...SET_OPERATORS],
		kind: { single: 'task', set: 'tasks' },
		read: (_, s) => ({ actual: s.facts.task }),
	},
	complexityTier: {
		operators: [...NUMERIC_OPERATORS, ...SET_OPERATORS],
		kind: { single: 'tier', set: 'tiers' },
		read: (_, s) => ({ actual: s.facts.tier }),
	},
	time: {
		operators: WINDOW_OPERATORS,
		kind: 'window',
		read: (leaf, s) => ({
			actual: s.localTime((leaf.value as TimeWindow).timeZone ?? s.facts.timeZone).label,
		}),
	},
	item: { operators: ITEM_OPERATORS, kind: { single: 'scalar', set: 'list' }, read: itemValue },
};

/** The kind of value `operator` compares `fact` with. */
export function valueKind(fact: FactName, operator: Operator): ValueKind {
	if (operator === 'matches' || operator === 'notMatches') return 'regex';
	if (operator === 'within' || operator === 'notWithin') return 'window';
	if (operator === 'exists') return 'flag';
	const kind = FACT_TABLE[fact].kind;
	if (typeof kind === 'string') return kind;
	if (operator === 'in' || operator === 'notIn') return kind.set;
	// Item fields compare by order as numbers; equality and `contains` take any scalar.
	if (
		kind.single === 'scalar' &&
		operator !== 'equal' &&
		operator !== 'notEqual' &&
		operator !== 'contains'
	)
		return 'number';
	return kind.single;
}

/**
 * A value typed as text in the Rules builder → the JSON value `validate.ts` checks. What does not
 * parse stays text, so the validator names it (`should be a number, got "many"`).
 */
export function valueFromText(fact: FactName, operator: Operator, text: string): unknown {
	const kind = valueKind(fact, operator);
	const trimmed = text.trim();
	switch (kind) {
		case 'list':
		case 'tiers':
		case 'tasks':
			return trimmed === '' ? [] : trimmed.split(',').map((v) => scalarFromText(v.trim()));
		case 'regex':
			return text;
		case 'boolean':
		case 'flag':
			return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
		case 'number':
			return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
		case 'scalar':
			return scalarFromText(trimmed);
		default:
			return trimmed;
	}
}

/** "true"/"false" → booleans, numbers → numbers (not "007": kept as an identifier), else the text. */
function scalarFromText(text: string): string | number | boolean {
	if (text === 'true' || text === 'false') return text === 'true';
	return text !== '' && Number.isFinite(Number(text)) && !/^0\d/.test(text) ? Number(text) : text;
}

function signalValue(facts: RuleFacts, name: string): Seen {
	const value = facts.signals?.[name];
	if (value === undefined)
		return { actual: null, note: `signal ${JSON.stringify(name)} is not available` };
	if (value === null || !Number.isFinite(value))
		return { actual: null, note: `signal ${JSON.stringify(name)} is unknown (no data)` };
	return { actual: value };
}

function itemValue(leaf: LeafCondition, scope: FactScope): Seen {
	if ('input' in leaf) return { actual: leaf.input };
	let value: unknown = scope.facts.item;
	for (const key of (leaf.path ?? '').split('.')) {
		if (value === null || typeof value !== 'object') {
			value = undefined;
			break;
		}
		value = (value as Record<string, unknown>)[key];
	}
	if (value === undefined && leaf.operator !== 'exists')
		return { actual: null, note: `item field ${JSON.stringify(leaf.path)} is missing` };
	return { actual: value };
}

/** The structural counts both analysers report among their features (engine/analysis). */
export type MeasuredCount = 'code_blocks' | 'stack_trace_lines';

/** A measured count from the analysis; undefined when the analyser did not report it (never 0 by a misspelt name). */
export function measuredCount(
	complexity: Pick<ComplexityResult, 'features'>,
	name: MeasuredCount,
): number | undefined {
	return complexity.features.find((f) => f.name === name)?.value;
}
