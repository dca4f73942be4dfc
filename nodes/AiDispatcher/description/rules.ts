import type { INodeProperties } from 'n8n-workflow';

import { booleanField, choiceField, numberField, stringField } from './fields';

import { TIER_OPTIONS } from './choices';
import { THINK_OPTIONS } from './ollamaOptions';
import { V1, V1_1 } from './versions';

const show = { show: { operation: ['generate', 'selectModel'] } };

const FACT_OPTIONS = [
	{
		name: 'Complexity Confidence',
		value: 'complexityConfidence',
		description:
			"The router's confidence in its tier, 0 (unsure) to 1 (certain): e.g. below 0.3, use at least medium",
	},
	{
		name: 'Complexity Score',
		value: 'complexityScore',
		description: 'The measured score, 0 (trivial) to 1 (hardest)',
	},
	{
		name: 'Complexity Tier',
		value: 'complexityTier',
		description: 'The measured tier: low, medium or high',
	},
	{ name: 'Contains Code', value: 'containsCode', description: 'Value: true or false' },
	{
		name: 'Contains Stack Trace',
		value: 'containsStackTrace',
		description: 'Value: true or false',
	},
	{
		name: 'Item Field',
		value: 'item',
		description: 'Any value of the item, mapped with an expression',
	},
	{
		name: 'Prompt Matches Regex',
		value: 'text',
		description: 'The prompt (first 20,000 characters) against a regular expression',
	},
	{ name: 'Prompt Tokens', value: 'promptTokens', description: 'Estimated tokens of the prompt' },
	{
		name: 'Signal',
		value: 'signal',
		description:
			'A live signal (CPU, memory, load, queue, GPU free, or a custom query); unknown means not met',
	},
	{ name: 'Task Type', value: 'taskType', description: 'The detected or configured task' },
	{
		name: 'Time Window',
		value: 'time',
		description: "Day and time, in the workflow's time zone unless set",
	},
];

const OPERATOR_OPTIONS = [
	{ name: 'Contains', value: 'contains' },
	{ name: 'Equals', value: 'equal' },
	{ name: 'Exists', value: 'exists' },
	{ name: 'Greater Than', value: 'greaterThan' },
	{ name: 'Greater Than or Equal', value: 'greaterThanInclusive' },
	{ name: 'Is Not One Of', value: 'notIn', description: 'Value: a comma-separated list' },
	{ name: 'Is One Of', value: 'in', description: 'Value: a comma-separated list' },
	{ name: 'Less Than', value: 'lessThan' },
	{ name: 'Less Than or Equal', value: 'lessThanInclusive' },
	{ name: 'Matches Regex', value: 'matches' },
	{ name: 'Does Not Match Regex', value: 'notMatches' },
	{ name: 'Not Equals', value: 'notEqual' },
];

const conditionFields: INodeProperties[] = [
	choiceField('Fact', 'fact', 'promptTokens', { options: FACT_OPTIONS }),
	stringField('Signal Name', 'signal', 'cpu', {
		placeholder: 'e.g. cpu, memory, load, queue, gpuFree',
		description: 'A built-in signal or the name of a custom query',
		displayOptions: { show: { fact: ['signal'] } },
	}),
	stringField('Item Value', 'itemValue', '', {
		placeholder: 'e.g. {{ $json.priority }}',
		description: 'An expression evaluated for each item; its result is compared with Value',
		displayOptions: { show: { fact: ['item'] } },
	}),
	// Two versions of one field: a saved rule omits an operator left at its default, so version 1
	// keeps "Greater Than"; new nodes (1.1) start a condition at "Equals".
	choiceField('Operator', 'operator', 'greaterThan', {
		options: OPERATOR_OPTIONS,
		displayOptions: { show: V1, hide: { fact: ['time'] } },
	}),
	choiceField('Operator', 'operator', 'equal', {
		options: OPERATOR_OPTIONS,
		displayOptions: { show: V1_1, hide: { fact: ['time'] } },
	}),
	choiceField('Window Operator', 'windowOperator', 'within', {
		options: [
			{ name: 'Within Window', value: 'within' },
			{ name: 'Outside Window', value: 'notWithin' },
		],
		displayOptions: { show: { fact: ['time'] } },
	}),
	stringField('Value', 'value', '', {
		placeholder: 'e.g. 2000, P1, high, true, ORA-\\d{5}',
		description:
			'Numbers, true/false, a tier or task name, a regular expression, or a comma-separated list for "is one of"',
		displayOptions: { hide: { fact: ['time'] } },
	}),
	choiceField('Days', 'days', ['mon', 'tue', 'wed', 'thu', 'fri'], {
		options: [
			{ name: 'Friday', value: 'fri' },
			{ name: 'Monday', value: 'mon' },
			{ name: 'Saturday', value: 'sat' },
			{ name: 'Sunday', value: 'sun' },
			{ name: 'Thursday', value: 'thu' },
			{ name: 'Tuesday', value: 'tue' },
			{ name: 'Wednesday', value: 'wed' },
		],
		displayOptions: { show: { fact: ['time'] } },
	}),
	stringField('From', 'from', '09:00', {
		description: 'Start time, HH:MM (24-hour), inclusive',
		displayOptions: { show: { fact: ['time'] } },
	}),
	stringField('To', 'to', '18:00', {
		description:
			'End time, HH:MM (24-hour), exclusive; before From means the window spans midnight',
		displayOptions: { show: { fact: ['time'] } },
	}),
	stringField('Time Zone', 'timeZone', '', {
		placeholder: 'e.g. Europe/Berlin',
		description: "Leave empty for the workflow's time zone",
		displayOptions: { show: { fact: ['time'] } },
	}),
];

/**
 * One rule's fields in the order a person reads a rule: its name, when it matches, what it does,
 * then the optional call options. Each field shows only for the action that uses it, and the call
 * options are added on demand, so no field shows a stand-in value such as -1 or 0.
 */
const ruleFields: INodeProperties[] = [
	stringField('Name', 'name', '', { placeholder: 'e.g. P1 tickets on the strong model' }),
	{
		displayName: 'Conditions',
		name: 'conditions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		options: [{ name: 'condition', displayName: 'Condition', values: conditionFields }],
	},
	choiceField('Combine Conditions', 'combine', 'all', {
		options: [
			{ name: 'All Must Match', value: 'all' },
			{ name: 'Any Can Match', value: 'any' },
		],
	}),
	booleanField('Negate', 'negate', false, {
		description: 'Whether the rule applies when the combined conditions do NOT match',
	}),
	choiceField('Action', 'actionType', 'useModel', {
		options: [
			{
				name: 'At Least Tier',
				value: 'minTier',
				description: 'Raise the tier to at least the one chosen below',
			},
			{
				name: 'At Most Tier',
				value: 'maxTier',
				description: 'Cap the tier at the one chosen below',
			},
			{
				name: 'Never Use Model',
				value: 'excludeModels',
				description: 'Leave the models chosen below out for this item',
			},
			{
				name: 'Only Set Call Options',
				value: 'none',
				description: 'Keep the choice; apply only the call options below',
			},
			{ name: 'Use Model', value: 'useModel', description: 'Answer with the model chosen below' },
			{
				name: 'Use Tier',
				value: 'useTier',
				description: 'Answer with a model of the tier chosen below',
			},
		],
		description: 'What a match does. Call options apply with any action.',
	}),
	{
		displayName: 'Model Name or ID',
		name: 'model',
		type: 'options',
		typeOptions: { loadOptionsMethod: 'getModels' },
		default: '',
		description:
			'The model that answers matching items. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { actionType: ['useModel'] } },
	},
	{
		displayName: 'Model Names or IDs',
		name: 'excludeModels',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getModels' },
		default: [],
		description:
			'Models never used for matching items. Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		displayOptions: { show: { actionType: ['excludeModels'] } },
	},
	choiceField('Tier', 'tier', 'high', {
		options: TIER_OPTIONS,
		displayOptions: { show: { actionType: ['useTier', 'maxTier', 'minTier'] } },
	}),
	{
		displayName: 'Call Options',
		name: 'callOptions',
		type: 'collection',
		placeholder: 'Add Call Option',
		default: {},
		description:
			"Settings for this item's calls when the rule matches; unset ones stay as they are",
		options: [
			numberField('Max Tokens (Num Predict)', 'numPredict', 512, {
				typeOptions: { minValue: 1 },
				description: 'Token cap for the answer',
			}),
			numberField('Temperature', 'temperature', 0.8, {
				typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
				description: 'Sampling temperature',
			}),
			choiceField('Think', 'think', 'on', {
				options: THINK_OPTIONS.filter((o) => o.value !== 'auto'),
				description: 'Whether a thinking model thinks for this item, over the per-item decision',
			}),
			numberField('Timeout (Ms)', 'timeoutMs', 30000, {
				typeOptions: { minValue: 100 },
				description: 'Per-attempt limit for the calls',
			}),
		],
	},
	booleanField('Stop After This Rule', 'stop', false, {
		description: 'Whether to skip the remaining rules when this one matches',
	}),
];

export const ruleProperties: INodeProperties[] = [
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Rule',
		default: {},
		description:
			'Checked in order for every item, before the default choice by complexity. A matching rule applies its action.',
		displayOptions: show,
		options: [{ name: 'rule', displayName: 'Rule', values: ruleFields }],
	},
	{
		// Under Options › Rules (JSON) from version 1.1.
		displayName: 'Rules (JSON)',
		name: 'rulesJson',
		type: 'json',
		default: '[]',
		description:
			'The same rules as JSON, for copying between workflows; checked after the rules above. Example: [{"name": "P1 on the strong model", "condition": {"fact": "item", "path": "priority", "operator": "equal", "value": "P1"}, "action": {"useModel": "qwen2.5:7b"}}].',
		displayOptions: { show: { ...show.show, ...V1 } },
	},
];
