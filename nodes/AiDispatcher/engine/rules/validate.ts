/**
 * Reads rules from untrusted JSON (the "Rules (JSON)" field, or the UI builder's output) into
 * checked engine rules. Hand-written in zod's style, so the package keeps no runtime dependency:
 * it collects every issue, each naming the position and the field:
 * `rules[2].condition.value should be a number, got "high"`. Facts and their operators and value
 * kinds come from the fact table (facts.ts).
 */
import { TASK_TYPES, THINK_LEVELS, TIERS, type ThinkSetting } from '../types';
import { RULE_SIGNAL_ALIASES } from '../signals/ruleSignals';
import { isKeepAlive } from '../keepAlive';
import { FACT_TABLE, valueKind, type ValueKind } from './facts';
import { compilePattern } from './regex';
import { isValidTimeZone, parseClock } from './timeWindow';
import {
	FACTS,
	WEEKDAYS,
	type Condition,
	type FactName,
	type LeafCondition,
	type Operator,
	type Rule,
	type RuleAction,
	type RuleModelOptions,
} from './types';

export const MAX_RULES = 100;
const MAX_DEPTH = 8;
const MAX_LEAVES_PER_RULE = 50;

export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** Shows a value in an issue: strings quoted and cut short, other types named. */
export function showValue(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
	if (value === null || value === undefined) return String(value);
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'object') return 'an object';
	return `${typeof value} ${String(value)}`;
}

/** Names where an issue is: `rule` is the rule's position (absent: the list itself), `at` the JSON path inside it (".condition.value", "" for the rule). */
export type IssueLabel = (rule: number | undefined, at: string) => string;

/** The default label, a JSON path from `base`: `rules[2].condition.value`. */
export const jsonPathLabel =
	(base: string): IssueLabel =>
	(rule, at) =>
		`${base}${rule === undefined ? '' : `[${rule}]`}${at}`;

class Issues {
	constructor(
		readonly list: string[],
		private readonly label: IssueLabel,
		private readonly rule?: number,
	) {}
	/** The issues of rule `index`, with paths relative to it. */
	forRule(index: number): Issues {
		return new Issues(this.list, this.label, index);
	}
	add(path: string, message: string): void {
		this.list.push(`${this.label(this.rule, path)} ${message}`);
	}
	expected(path: string, what: string, got: unknown): void {
		this.add(path, `should be ${what}, got ${showValue(got)}`);
	}
}

const isObject = (v: unknown): v is Record<string, unknown> =>
	typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = (values: readonly string[]) => `one of ${values.join(', ')}`;

/**
 * Accepts an array of rules or `{ "rules": [...] }`. `base` names the field in issues, or `label`
 * names each place as the user sees it (the node's Rules builder). A rule with `"enabled": false`
 * is checked like the others but left out of the result.
 */
export function parseRules(
	raw: unknown,
	base = 'rules',
	label: IssueLabel = jsonPathLabel(base),
): Parsed<Rule[]> {
	const issues = new Issues([], label);
	const list = isObject(raw) && Array.isArray(raw.rules) ? raw.rules : raw;
	if (!Array.isArray(list)) {
		issues.expected('', 'an array of rules', raw);
		return { ok: false, issues: issues.list };
	}
	if (list.length > MAX_RULES)
		issues.add('', `has ${list.length} rules; the limit is ${MAX_RULES}`);
	const rules = list
		.slice(0, MAX_RULES)
		.map((entry, i) => parseRule(entry, '', i, issues.forRule(i)));
	if (issues.list.length > 0) return { ok: false, issues: issues.list };
	return { ok: true, value: rules.filter((r): r is Rule => r !== DISABLED) as Rule[] };
}

const RULE_KEYS = ['name', 'condition', 'conditions', 'action', 'enabled'];
/** A valid rule switched off with `"enabled": false`. */
const DISABLED = Symbol('disabled rule');

function parseRule(
	raw: unknown,
	path: string,
	index: number,
	issues: Issues,
): Rule | typeof DISABLED | null {
	if (!isObject(raw)) {
		issues.expected(path, 'an object with condition and action', raw);
		return null;
	}
	for (const key of Object.keys(raw))
		if (!RULE_KEYS.includes(key))
			issues.add(`${path}.${key}`, `is not a rule field; use ${oneOf(RULE_KEYS)}`);
	if (raw.name !== undefined && typeof raw.name !== 'string')
		issues.expected(`${path}.name`, 'a string', raw.name);
	const name =
		typeof raw.name === 'string' && raw.name.trim() !== '' ? raw.name.trim() : `rule ${index + 1}`;
	const conditionKey =
		raw.condition === undefined && raw.conditions !== undefined ? 'conditions' : 'condition';
	const counter = { leaves: 0 };
	const condition = parseCondition(
		raw[conditionKey],
		`${path}.${conditionKey}`,
		0,
		issues,
		counter,
	);
	if (counter.leaves > MAX_LEAVES_PER_RULE)
		issues.add(
			`${path}.${conditionKey}`,
			`has ${counter.leaves} conditions; the limit is ${MAX_LEAVES_PER_RULE}`,
		);
	const action = parseAction(raw.action, `${path}.action`, issues);
	if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean')
		issues.expected(`${path}.enabled`, 'true or false', raw.enabled);
	if (!condition || !action) return null;
	return raw.enabled === false ? DISABLED : { name, condition, action };
}

function parseCondition(
	raw: unknown,
	path: string,
	depth: number,
	issues: Issues,
	counter: { leaves: number },
): Condition | null {
	if (!isObject(raw)) {
		issues.expected(
			path,
			'a condition object ({fact, operator, value} or {all}, {any}, {not})',
			raw,
		);
		return null;
	}
	if (depth > MAX_DEPTH) {
		issues.add(path, `is nested deeper than ${MAX_DEPTH} levels`);
		return null;
	}
	for (const key of ['all', 'any'] as const) {
		if (key in raw) {
			const list = raw[key];
			if (!Array.isArray(list) || list.length === 0) {
				issues.expected(`${path}.${key}`, 'a non-empty array of conditions', list);
				return null;
			}
			const parsed = list.map((c, i) =>
				parseCondition(c, `${path}.${key}[${i}]`, depth + 1, issues, counter),
			);
			return parsed.every(Boolean) ? ({ [key]: parsed } as Condition) : null;
		}
	}
	if ('not' in raw) {
		const inner = parseCondition(raw.not, `${path}.not`, depth + 1, issues, counter);
		return inner ? { not: inner } : null;
	}
	counter.leaves++;
	return parseLeaf(raw, path, issues);
}

const LEAF_KEYS = ['fact', 'operator', 'value', 'path', 'flags', 'input'];

function parseLeaf(
	raw: Record<string, unknown>,
	path: string,
	issues: Issues,
): LeafCondition | null {
	for (const key of Object.keys(raw))
		if (!LEAF_KEYS.includes(key))
			issues.add(`${path}.${key}`, `is not a condition field; use ${oneOf(LEAF_KEYS)}`);
	if (!(FACTS as readonly string[]).includes(raw.fact as string)) {
		issues.expected(`${path}.fact`, oneOf(FACTS), raw.fact);
		return null;
	}
	const fact = raw.fact as FactName;
	const allowed = FACT_TABLE[fact].operators;
	if (!(allowed as readonly string[]).includes(raw.operator as string)) {
		issues.expected(`${path}.operator`, `${oneOf(allowed)} for fact ${fact}`, raw.operator);
		return null;
	}
	const operator = raw.operator as Operator;
	const leaf: LeafCondition = { fact, operator, value: raw.value };
	if (fact === 'signal' || (fact === 'item' && !('input' in raw))) {
		if (typeof raw.path !== 'string' || raw.path.trim() === '' || raw.path.length > 200) {
			issues.expected(
				`${path}.path`,
				fact === 'signal'
					? `a signal name (${Object.keys(RULE_SIGNAL_ALIASES).join(', ')}, a built-in signal name or a custom query name)`
					: 'a field path such as "priority" or "fields.priority"',
				raw.path,
			);
			return null;
		}
		leaf.path = raw.path.trim();
	}
	if (fact === 'item' && 'input' in raw) {
		leaf.input = raw.input;
		if (typeof raw.path === 'string' && raw.path.trim() !== '') leaf.path = raw.path.trim();
	}
	if (raw.flags !== undefined && typeof raw.flags !== 'string')
		issues.expected(`${path}.flags`, 'a string of regex flags (i, m, s, u)', raw.flags);
	return checkValue(
		leaf,
		valueKind(fact, operator),
		typeof raw.flags === 'string' ? raw.flags : '',
		path,
		issues,
	)
		? leaf
		: null;
}

/** True for a non-empty array whose every entry is one of `allowed`. */
function isNonEmptyListOf(v: unknown, allowed: readonly string[]): boolean {
	return Array.isArray(v) && v.length > 0 && v.every((x) => allowed.includes(x));
}

function checkValue(
	leaf: LeafCondition,
	kind: ValueKind,
	flags: string,
	path: string,
	issues: Issues,
): boolean {
	const at = `${path}.value`;
	const v = leaf.value;
	const fail = (what: string) => {
		issues.expected(at, what, v);
		return false;
	};
	switch (kind) {
		case 'number':
			if (typeof v === 'number' && Number.isFinite(v)) return true;
			return fail('a number');
		case 'boolean':
		case 'flag':
			if (v === undefined) leaf.value = true;
			else if (typeof v !== 'boolean') return fail('true or false');
			return true;
		case 'tier':
			return (TIERS as readonly unknown[]).includes(v) || fail(oneOf(TIERS));
		case 'task':
			return (TASK_TYPES as readonly unknown[]).includes(v) || fail(oneOf(TASK_TYPES));
		case 'tiers':
			return isNonEmptyListOf(v, TIERS) || fail(`a non-empty array of ${oneOf(TIERS)}`);
		case 'tasks':
			return isNonEmptyListOf(v, TASK_TYPES) || fail(`a non-empty array of ${oneOf(TASK_TYPES)}`);
		case 'list':
			return (
				(Array.isArray(v) && v.length > 0 && v.length <= 1000 && v.every(isScalar)) ||
				fail('a non-empty array of strings, numbers or booleans')
			);
		case 'scalar':
			return isScalar(v) || fail('a string, number or boolean');
		case 'regex': {
			if (typeof v !== 'string') return fail('a regular expression (a string)');
			const compiled = compilePattern(v, flags);
			if (!compiled.ok) {
				issues.add(at, `${showValue(v)} ${String(compiled.error)}`);
				return false;
			}
			leaf.pattern = compiled.value;
			return true;
		}
		case 'window':
			return checkWindow(v, at, issues);
	}
}

function isScalar(v: unknown): boolean {
	return (
		typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
	);
}

function checkWindow(v: unknown, at: string, issues: Issues): boolean {
	if (!isObject(v)) {
		issues.expected(at, 'a time window {days, from, to, timeZone}', v);
		return false;
	}
	const before = issues.list.length;
	for (const key of Object.keys(v))
		if (!['days', 'from', 'to', 'timeZone'].includes(key))
			issues.add(`${at}.${key}`, 'is not a window field; use days, from, to, timeZone');
	if (
		v.days !== undefined &&
		!(Array.isArray(v.days) && v.days.every((d) => (WEEKDAYS as readonly unknown[]).includes(d)))
	) {
		issues.expected(`${at}.days`, `an array of ${oneOf(WEEKDAYS)}`, v.days);
	}
	for (const key of ['from', 'to'] as const) {
		if (
			v[key] !== undefined &&
			(typeof v[key] !== 'string' || parseClock(v[key] as string) === null)
		) {
			issues.expected(`${at}.${key}`, 'a time "HH:MM" (24-hour)', v[key]);
		}
	}
	if (
		v.timeZone !== undefined &&
		(typeof v.timeZone !== 'string' || !isValidTimeZone(v.timeZone))
	) {
		issues.expected(`${at}.timeZone`, 'an IANA time zone such as "Europe/Berlin"', v.timeZone);
	}
	return issues.list.length === before;
}

const ACTION_KEYS = [
	'useModel',
	'useTier',
	'excludeModels',
	'maxTier',
	'minTier',
	'timeoutMs',
	'options',
	'stop',
];
const MAX_TIMEOUT_MS = 3_600_000;

function parseAction(raw: unknown, path: string, issues: Issues): RuleAction | null {
	if (!isObject(raw)) {
		issues.expected(path, `an object with at least one of ${ACTION_KEYS.join(', ')}`, raw);
		return null;
	}
	const before = issues.list.length;
	const action: RuleAction = {};
	for (const key of Object.keys(raw))
		if (!ACTION_KEYS.includes(key))
			issues.add(`${path}.${key}`, `is not an action; use ${oneOf(ACTION_KEYS)}`);
	const model = (key: string, v: unknown) => {
		if (typeof v === 'string' && v.trim() !== '' && v.length <= 200) return v.trim();
		issues.expected(`${path}.${key}`, 'a model name such as "qwen2.5:7b"', v);
		return undefined;
	};
	const tier = (key: string, v: unknown) => {
		if ((TIERS as readonly unknown[]).includes(v)) return v as RuleAction['useTier'];
		issues.expected(`${path}.${key}`, oneOf(TIERS), v);
		return undefined;
	};
	if (raw.useModel !== undefined) action.useModel = model('useModel', raw.useModel);
	if (raw.useTier !== undefined) action.useTier = tier('useTier', raw.useTier);
	if (raw.maxTier !== undefined) action.maxTier = tier('maxTier', raw.maxTier);
	if (raw.minTier !== undefined) action.minTier = tier('minTier', raw.minTier);
	if (raw.excludeModels !== undefined) {
		const list = typeof raw.excludeModels === 'string' ? [raw.excludeModels] : raw.excludeModels;
		if (!Array.isArray(list))
			issues.expected(`${path}.excludeModels`, 'an array of model names', raw.excludeModels);
		else
			action.excludeModels = list
				.map((m, i) => model(`excludeModels[${i}]`, m))
				.filter((m): m is string => m !== undefined);
	}
	if (raw.timeoutMs !== undefined) {
		const t = raw.timeoutMs;
		if (typeof t === 'number' && Number.isFinite(t) && t >= 1 && t <= MAX_TIMEOUT_MS)
			action.timeoutMs = t;
		else
			issues.expected(
				`${path}.timeoutMs`,
				`a number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`,
				t,
			);
	}
	if (raw.options !== undefined)
		action.options = parseOptions(raw.options, `${path}.options`, issues);
	if (raw.stop !== undefined) {
		if (typeof raw.stop === 'boolean') action.stop = raw.stop;
		else issues.expected(`${path}.stop`, 'true or false', raw.stop);
	}
	if (
		action.minTier &&
		action.maxTier &&
		TIERS.indexOf(action.minTier) > TIERS.indexOf(action.maxTier)
	) {
		issues.add(path, `has minTier ${action.minTier} above maxTier ${action.maxTier}`);
	}
	if (Object.keys(raw).length === 0)
		issues.add(path, `is empty; set at least one of ${ACTION_KEYS.join(', ')}`);
	return issues.list.length === before ? action : null;
}

function parseOptions(raw: unknown, path: string, issues: Issues): RuleModelOptions | undefined {
	if (!isObject(raw)) {
		issues.expected(path, 'an object such as {"temperature": 0.2, "num_predict": 256}', raw);
		return undefined;
	}
	const options: RuleModelOptions = {};
	const numeric = (key: 'temperature' | 'num_predict' | 'num_ctx', min: number) => {
		const v = raw[key];
		if (v === undefined) return;
		if (typeof v === 'number' && Number.isFinite(v) && v >= min) options[key] = v;
		else issues.expected(`${path}.${key}`, `a number ≥ ${min}`, v);
	};
	for (const key of Object.keys(raw)) {
		if (!['temperature', 'num_predict', 'num_ctx', 'keep_alive', 'think'].includes(key))
			issues.add(
				`${path}.${key}`,
				'is not a supported option; use temperature, num_predict, num_ctx, keep_alive, think',
			);
	}
	numeric('temperature', 0);
	numeric('num_predict', -1);
	numeric('num_ctx', 1);
	if (raw.keep_alive !== undefined) {
		const k = raw.keep_alive;
		if (isKeepAlive(k)) options.keep_alive = typeof k === 'string' ? k.trim() : k;
		else issues.expected(`${path}.keep_alive`, 'a duration such as "5m" or a number of seconds', k);
	}
	if (raw.think !== undefined) {
		const t = raw.think;
		if (typeof t === 'boolean' || (THINK_LEVELS as readonly unknown[]).includes(t))
			options.think = t as ThinkSetting;
		else issues.expected(`${path}.think`, 'true, false, "low", "medium" or "high"', t);
	}
	return options;
}
