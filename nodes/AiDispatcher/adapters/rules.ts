/**
 * The node's rule parameters → validated engine rules, per item (item-field conditions are
 * expressions, resolved by getNodeParameter for each item). The UI builder and the JSON field both
 * produce the JSON shape that `engine/rules/validate.ts` checks, so they behave the same.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DispatcherError } from '../engine/errors';
import { parseJson } from '../engine/result';
import type { Rule } from '../engine/rules/types';
import { parseRules } from '../engine/rules/validate';

const NUMERIC_FACTS = ['promptTokens', 'complexityScore', 'complexityConfidence', 'signal'];
const BOOLEAN_FACTS = ['containsCode', 'containsStackTrace'];
const ORDERING = ['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
/** Parsed JSON rules by their text, for one execution: the field rarely changes between items. */
export type RulesCache = Map<string, Rule[]>;
const MAX_CACHED = 32;

function rulesInvalid(issues: string[], hint: string): DispatcherError {
	const shown = issues.slice(0, 5).join('; ');
	const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
	return new DispatcherError('CONFIG_INVALID', `${shown}${more}`, { hint });
}

/** Reads the rules for item `itemIndex`: the UI rules first, then the JSON rules. */
export function readRules(ctx: IExecuteFunctions, itemIndex: number, cache: RulesCache = new Map()): Rule[] {
	const ui = ctx.getNodeParameter('rules', itemIndex, {}) as { rule?: IDataObject[] };
	const fromUi = (ui.rule ?? []).map(uiRule);
	const rules: Rule[] = [];
	if (fromUi.length > 0) {
		const parsed = parseRules(fromUi, 'rules');
		if (!parsed.ok) throw rulesInvalid(parsed.issues, 'Fix the rule and condition named above in the Rules section.');
		rules.push(...parsed.value);
	}
	rules.push(...readJsonRules(ctx.getNodeParameter('rulesJson', itemIndex, '[]'), cache));
	return rules;
}

function readJsonRules(raw: unknown, cache: RulesCache): Rule[] {
	if (raw === undefined || raw === null || raw === '') return [];
	const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
	const cached = cache.get(text);
	if (cached) return cached;
	let value: unknown = raw;
	if (typeof raw === 'string') {
		const parsed = parseJson(raw.trim() === '' ? '[]' : raw);
		if (!parsed.ok) {
			throw rulesInvalid([`rulesJson is not valid JSON: ${(parsed.error as Error).message}`], 'Paste an array of rules, e.g. [{"condition": {...}, "action": {...}}].');
		}
		value = parsed.value;
	}
	const rules = parseRules(value, 'rulesJson');
	if (!rules.ok) throw rulesInvalid(rules.issues, 'Fix the rule and field named above in "Rules (JSON)"; the README lists every fact, operator and action.');
	if (cache.size >= MAX_CACHED) cache.clear();
	cache.set(text, rules.value);
	return rules.value;
}

/** One UI rule → the JSON rule shape. Values stay as typed where they do not parse, so the validator names them. */
function uiRule(raw: IDataObject): IDataObject {
	const list = ((raw.conditions as IDataObject | undefined)?.condition as IDataObject[] | undefined) ?? [];
	const leaves = list.map(uiCondition);
	const combined = leaves.length === 1 ? leaves[0] : { [raw.combine === 'any' ? 'any' : 'all']: leaves };
	return {
		name: raw.name || undefined,
		condition: raw.negate === true ? { not: combined } : combined,
		action: uiAction(raw),
	};
}

function uiCondition(raw: IDataObject): IDataObject {
	const fact = String(raw.fact ?? '');
	if (fact === 'time') {
		const window: IDataObject = { days: raw.days, from: raw.from, to: raw.to };
		if (typeof raw.timeZone === 'string' && raw.timeZone.trim() !== '') window.timeZone = raw.timeZone.trim();
		return { fact, operator: raw.windowOperator ?? 'within', value: window };
	}
	const operator = String(raw.operator ?? '');
	const leaf: IDataObject = { fact, operator, value: uiValue(fact, operator, raw.value) as IDataObject[string] };
	if (fact === 'signal') leaf.path = raw.signal;
	if (fact === 'item') leaf.input = raw.itemValue === undefined ? null : (raw.itemValue as IDataObject[string]);
	if (operator === 'exists' && (raw.value === '' || raw.value === undefined)) delete leaf.value;
	return leaf;
}

function uiValue(fact: string, operator: string, raw: unknown): unknown {
	if (typeof raw !== 'string') return raw;
	const text = raw.trim();
	if (operator === 'in' || operator === 'notIn') return text === '' ? [] : text.split(',').map((v) => scalar(v.trim()));
	if (operator === 'matches' || operator === 'notMatches') return raw;
	if (BOOLEAN_FACTS.includes(fact) || operator === 'exists') return text === 'true' ? true : text === 'false' ? false : text;
	if (NUMERIC_FACTS.includes(fact) || ORDERING.includes(operator)) return text !== '' && Number.isFinite(Number(text)) ? Number(text) : text;
	return fact === 'item' ? scalar(text) : text;
}

function scalar(text: string): string | number | boolean {
	if (text === 'true' || text === 'false') return text === 'true';
	return text !== '' && Number.isFinite(Number(text)) && !/^0\d/.test(text) ? Number(text) : text;
}

function uiAction(raw: IDataObject): IDataObject {
	const action: IDataObject = {};
	const kind = String(raw.actionType ?? 'none');
	if (kind === 'useModel') action.useModel = raw.model;
	if (kind === 'excludeModels') action.excludeModels = modelList(raw.excludeModels ?? raw.model);
	if (kind === 'useTier' || kind === 'maxTier' || kind === 'minTier') action[kind] = raw.tier;
	// "Call Options" holds only what the user added; workflows saved before it kept the three
	// fields flat on the rule, with -1 / 0 meaning "unchanged".
	const call = (raw.callOptions as IDataObject | undefined) ?? raw;
	if (typeof call.timeoutMs === 'number' && call.timeoutMs > 0) action.timeoutMs = call.timeoutMs;
	const options: IDataObject = {};
	if (typeof call.temperature === 'number' && call.temperature >= 0) options.temperature = call.temperature;
	if (typeof call.numPredict === 'number' && call.numPredict > 0) options.num_predict = call.numPredict;
	if (Object.keys(options).length > 0) action.options = options;
	if (raw.stop === true) action.stop = true;
	return action;
}

/** "Never Use Model": the dropdown's list, or a comma-separated text (expressions, older workflows). */
function modelList(raw: unknown): string[] {
	const names = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	return names.map((m) => m.trim()).filter(Boolean);
}

/** The workflow's time zone (Settings → Timezone, else the instance default). */
export function readTimeZone(ctx: IExecuteFunctions): string {
	const zone = typeof ctx.getTimezone === 'function' ? ctx.getTimezone() : undefined;
	return typeof zone === 'string' && zone !== '' ? zone : 'UTC';
}

/** The input item's JSON, for item-field conditions written in JSON rules. */
export function readItem(ctx: IExecuteFunctions, itemIndex: number): IDataObject | undefined {
	return ctx.getInputData()[itemIndex]?.json;
}
