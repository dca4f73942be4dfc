/**
 * Selection rules, in json-rules-engine's vocabulary: a rule has a `condition` (a leaf
 * `{fact, operator, value}` or a boolean `{all}` / `{any}` / `{not}`) and an `action`; rules are an
 * ordered list evaluated before the default policy. Evaluation records what every leaf saw.
 */
import type { ModelOptions, TaskType, Tier } from '../types';

export const NUMERIC_OPERATORS = [
	'equal',
	'notEqual',
	'lessThan',
	'lessThanInclusive',
	'greaterThan',
	'greaterThanInclusive',
] as const;
export type NumericOperator = (typeof NUMERIC_OPERATORS)[number];
export const SET_OPERATORS = ['in', 'notIn'] as const;
export const REGEX_OPERATORS = ['matches', 'notMatches'] as const;
export const WINDOW_OPERATORS = ['within', 'notWithin'] as const;
export const ITEM_OPERATORS = [
	...NUMERIC_OPERATORS,
	...SET_OPERATORS,
	...REGEX_OPERATORS,
	'contains',
	'exists',
] as const;
export type Operator =
	| NumericOperator
	| (typeof SET_OPERATORS)[number]
	| (typeof REGEX_OPERATORS)[number]
	| (typeof WINDOW_OPERATORS)[number]
	| 'contains'
	| 'exists';

export const FACTS = [
	'promptTokens',
	'containsCode',
	'containsStackTrace',
	'text',
	'taskType',
	'complexityTier',
	'complexityScore',
	'complexityConfidence',
	'signal',
	'time',
	'item',
] as const;
export type FactName = (typeof FACTS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A time-of-day and weekday window; `to` before `from` wraps past midnight. */
export interface TimeWindow {
	/** Days the window applies to; empty or absent = every day. */
	days?: Weekday[];
	/** "HH:MM", inclusive; absent = 00:00. */
	from?: string;
	/** "HH:MM", exclusive; absent = 24:00. */
	to?: string;
	/** IANA zone; absent = the workflow's time zone. */
	timeZone?: string;
}

/** A compiled regular expression with the source it came from. */
export interface CompiledPattern {
	source: string;
	flags: string;
	regex: RegExp;
}

/** A leaf: compares one fact (optionally at `path`) with `value` using `operator`. */
export interface LeafCondition {
	fact: FactName;
	operator: Operator;
	value: unknown;
	/** Signal name (fact `signal`) or dotted field path in the item's JSON (fact `item`). */
	path?: string;
	/** Fact `item` only: the value already resolved from a per-item expression (rules from the UI). */
	input?: unknown;
	/** Operators `matches` / `notMatches` (and `text`): compiled when the rules are read. */
	pattern?: CompiledPattern;
}

export type Condition =
	LeafCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

/** Rule options passed to Ollama for this call (in Ollama's naming). */
export type RuleModelOptions = Pick<
	ModelOptions,
	'temperature' | 'num_predict' | 'num_ctx' | 'keep_alive' | 'think'
>;

export interface RuleAction {
	/** Try this model first. */
	useModel?: string;
	/** Target this tier instead of the measured one. */
	useTier?: Tier;
	/** Never try these models. */
	excludeModels?: string[];
	/** Clamp the target tier, and exclude models outside the bounds (except a forced model). */
	maxTier?: Tier;
	minTier?: Tier;
	/** Per-attempt timeout for this item, in milliseconds. */
	timeoutMs?: number;
	options?: RuleModelOptions;
	/** Stop evaluating further rules when this one matched. */
	stop?: boolean;
}

export interface Rule {
	name: string;
	condition: Condition;
	action: RuleAction;
}

/** What the rules see for one item. Gathered before evaluation; evaluation is pure. */
export interface RuleFacts {
	/** The analysed text (prompt or user turns); regexes run on its first `MAX_MATCHED_CHARS`. */
	text: string;
	tokens: number;
	score: number;
	/** The trained router's confidence, 0..1 (margin between its two likeliest tiers); absent for the heuristic analyser. */
	confidence?: number;
	tier: Tier;
	task: TaskType;
	/** Counts the analysis measured; absent: not measured, and conditions on them are not met. */
	codeBlocks?: number;
	stackFrames?: number;
	nowMs: number;
	/** IANA time zone for `time` conditions without their own (the workflow's). */
	timeZone: string;
	/**
	 * Live signals by name (cpu, memory, load, queue, gpuFree, or a custom query's name). Missing,
	 * null or NaN means unknown: the condition is not met and the trace says so.
	 */
	signals?: Readonly<Record<string, number | null | undefined>>;
	/** The input item's JSON, for `item` conditions with a `path`. */
	item?: Readonly<Record<string, unknown>>;
}

/** One leaf as evaluated: what the fact was and whether the comparison held. */
export interface ConditionTrace {
	fact: string;
	operator: Operator;
	expected: unknown;
	actual: unknown;
	result: boolean;
	/** Why the fact has no value (unknown signal, missing field), when it has none. */
	note?: string;
}

export interface RuleMatch {
	/** Position in the rule list, 0 first. */
	index: number;
	name: string;
	conditions: ConditionTrace[];
}

export interface TierBound {
	tier: Tier;
	rule: string;
}

/** The combined effect of the matching rules on one item. */
export interface RuleOutcome {
	forcedModel?: { model: string; rule: string };
	forcedTier?: TierBound;
	/** Model → reason (`rule: "<name>"`). */
	excluded: Map<string, string>;
	maxTier?: TierBound;
	minTier?: TierBound;
	timeoutMs?: number;
	options?: RuleModelOptions;
	/** The rule whose options set `think` (the first matching one that does). */
	thinkRule?: string;
	matched: RuleMatch[];
	/** Every rule evaluated (matched or not), with its traces, for debugging a rule that did not fire. */
	evaluated: Array<RuleMatch & { result: boolean }>;
}
