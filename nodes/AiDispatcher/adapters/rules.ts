/**
 * The node's rule parameters → validated engine rules, per item (item-field conditions are
 * expressions, resolved by getNodeParameter for each item). The UI builder and the JSON field both
 * produce the JSON shape that `engine/rules/validate.ts` checks, so they behave the same.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DispatcherError } from '../engine/errors';
import { parseJson } from '../engine/result';
import { valueFromText } from '../engine/rules/facts';
import type { FactName, Operator, Rule } from '../engine/rules/types';
import { parseRules, type IssueLabel } from '../engine/rules/validate';
import { configInvalid, fieldLabel, type FieldPath } from './fields';
import { thinkSetting } from './modelOptions';

/** Parsed JSON rules by their text, for one execution: the field rarely changes between items. */
export type RulesCache = Map<string, Rule[]>;
const MAX_CACHED = 32;

function rulesInvalid(issues: string[], hint: string): DispatcherError {
	const shown = issues.slice(0, 5).join('; ');
	const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
	return configInvalid(`${shown}${more}`, hint);
}

/** Reads the rules for item `itemIndex`: the UI rules first, then the JSON rules. */
export function readRules(
	ctx: IExecuteFunctions,
	itemIndex: number,
	cache: RulesCache = new Map(),
): Rule[] {
	const ui = (ctx.getNodeParameter('rules', itemIndex, {}) as { rule?: IDataObject[] }).rule ?? [];
	const rules: Rule[] = [];
	if (ui.length > 0) {
		const parsed = parseRules(ui.map(uiRule), 'rules', builderLabel(ui));
		if (!parsed.ok)
			throw rulesInvalid(
				parsed.issues,
				'Fix the rule and condition named above in the Rules section.',
			);
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
			throw rulesInvalid(
				[`${JSON_FIELD} is not valid JSON: ${(parsed.error as Error).message}`],
				'Paste an array of rules, e.g. [{"condition": {...}, "action": {...}}].',
			);
		}
		value = parsed.value;
	}
	const rules = parseRules(value, 'rulesJson', jsonLabel(value));
	if (!rules.ok)
		throw rulesInvalid(
			rules.issues,
			'Fix the rule and field named above in "Rules (JSON)"; the README lists every fact, operator and action.',
		);
	if (cache.size >= MAX_CACHED) cache.clear();
	cache.set(text, rules.value);
	return rules.value;
}

/** One UI rule → the JSON rule shape. Values stay as typed where they do not parse, so the validator names them. */
function uiRule(raw: IDataObject): IDataObject {
	const list =
		((raw.conditions as IDataObject | undefined)?.condition as IDataObject[] | undefined) ?? [];
	const leaves = list.map(uiCondition);
	const combined =
		leaves.length === 1 ? leaves[0] : { [raw.combine === 'any' ? 'any' : 'all']: leaves };
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
		if (typeof raw.timeZone === 'string' && raw.timeZone.trim() !== '')
			window.timeZone = raw.timeZone.trim();
		return { fact, operator: raw.windowOperator ?? 'within', value: window };
	}
	const operator = String(raw.operator ?? '');
	const value =
		typeof raw.value === 'string'
			? valueFromText(fact as FactName, operator as Operator, raw.value)
			: raw.value;
	const leaf: IDataObject = { fact, operator, value: value as IDataObject[string] };
	if (fact === 'signal') leaf.path = raw.signal;
	// Trimmed: an expression saved as "=  {{ $json.priority }}" yields "  P1", which would never equal P1.
	if (fact === 'item')
		leaf.input =
			raw.itemValue === undefined
				? null
				: typeof raw.itemValue === 'string'
					? raw.itemValue.trim()
					: (raw.itemValue as IDataObject[string]);
	if (operator === 'exists' && (raw.value === '' || raw.value === undefined)) delete leaf.value;
	return leaf;
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
	if (typeof call.temperature === 'number' && call.temperature >= 0)
		options.temperature = call.temperature;
	if (typeof call.numPredict === 'number' && call.numPredict > 0)
		options.num_predict = call.numPredict;
	// Think is passed on as the choice's value; an unknown one is refused by the rules validator with the field's label.
	if (typeof call.think === 'string' && call.think !== '' && call.think !== 'auto')
		options.think = thinkSetting(call.think as Parameters<typeof thinkSetting>[0]) ?? call.think;
	if (Object.keys(options).length > 0) action.options = options;
	if (raw.stop === true) action.stop = true;
	return action;
}

/** "Never Use Model": the dropdown's list, or a comma-separated text (expressions, older workflows). */
function modelList(raw: unknown): string[] {
	const names = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	return names.map((m) => m.trim()).filter(Boolean);
}

const JSON_FIELD = 'Rules (JSON)';

/** Issues in Rules (JSON): `Rules (JSON): rule 2 "P1" › condition.value …` (the JSON path inside the rule). */
function jsonLabel(value: unknown): IssueLabel {
	const list = Array.isArray(value) ? value : (value as { rules?: unknown } | null)?.rules;
	return (rule, at) => {
		if (rule === undefined) return JSON_FIELD;
		const name = Array.isArray(list)
			? (list[rule] as { name?: unknown } | undefined)?.name
			: undefined;
		const head = `${JSON_FIELD}: rule ${rule + 1}${typeof name === 'string' && name.trim() !== '' ? ` ${JSON.stringify(name.trim())}` : ''}`;
		return at === '' ? head : `${head} › ${at.slice(1)}`;
	};
}

/**
 * Issues in the Rules builder, named as in the panel: the JSON path `uiRule` produced
 * (`.condition.all[1].value`) → `Rules › Rule #1 "P1 to strong" › Conditions › Condition #2 › Value`.
 */
function builderLabel(ui: readonly IDataObject[]): IssueLabel {
	return (rule, at) => {
		if (rule === undefined) return fieldLabel(['rules']);
		const head = fieldLabel(['rules', 'rule', rule]);
		const name = typeof ui[rule]?.name === 'string' ? (ui[rule].name as string).trim() : '';
		const full = fieldLabel(['rules', 'rule', rule, ...builderPath(ui[rule] ?? {}, at)]);
		return `${head}${name ? ` ${JSON.stringify(name)}` : ''}${full.slice(head.length)}`;
	};
}

const ACTION_FIELDS: Record<string, FieldPath> = {
	useModel: ['model'],
	excludeModels: ['excludeModels'],
	useTier: ['tier'],
	maxTier: ['tier'],
	minTier: ['tier'],
	timeoutMs: ['callOptions', 'timeoutMs'],
	temperature: ['callOptions', 'temperature'],
	num_predict: ['callOptions', 'numPredict'],
	think: ['callOptions', 'think'],
	stop: ['stop'],
};
const TIME_FIELDS: Record<string, string> = {
	days: 'days',
	from: 'from',
	to: 'to',
	timeZone: 'timeZone',
};

/** A JSON path inside one UI rule → the builder's parameter path. */
function builderPath(rule: IDataObject, at: string): FieldPath {
	const steps = at.split(/[.[\]]+/).filter((s) => s !== '' && s !== 'not');
	if (steps[0] === 'name') return ['name'];
	if (steps[0] === 'action') {
		const key = steps[1] === 'options' ? steps[2] : steps[1];
		return ACTION_FIELDS[key ?? ''] ?? ['actionType'];
	}
	if (steps[0] !== 'condition') return [];
	const combined = steps[1] === 'all' || steps[1] === 'any';
	if (combined && steps[2] === undefined) return ['conditions'];
	const index = combined ? Number(steps[2]) : 0;
	const field = combined ? steps.slice(3) : steps.slice(1);
	const conditions =
		((rule.conditions as IDataObject | undefined)?.condition as IDataObject[] | undefined) ?? [];
	const time = conditions[index]?.fact === 'time';
	const base: FieldPath = ['conditions', 'condition', index];
	switch (field[0]) {
		case undefined:
			return base;
		case 'operator':
			return [...base, time ? 'windowOperator' : 'operator'];
		case 'path':
			return [...base, 'signal'];
		case 'input':
			return [...base, 'itemValue'];
		case 'value':
			return time ? [...base, TIME_FIELDS[field[1] ?? ''] ?? 'days'] : [...base, 'value'];
		default:
			return [...base, field[0]];
	}
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
