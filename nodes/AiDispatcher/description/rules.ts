import type { INodeProperties } from 'n8n-workflow';

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
	{
		displayName: 'Fact',
		name: 'fact',
		type: 'options',
		options: FACT_OPTIONS,
		default: 'promptTokens',
	},
	{
		displayName: 'Signal Name',
		name: 'signal',
		type: 'string',
		default: 'cpu',
		placeholder: 'e.g. cpu, memory, load, queue, gpuFree',
		description: 'A built-in signal or the name of a custom query',
		displayOptions: { show: { fact: ['signal'] } },
	},
	{
		displayName: 'Item Value',
		name: 'itemValue',
		type: 'string',
		default: '',
		placeholder: 'e.g. {{ $json.priority }}',
		description: 'An expression evaluated for each item; its result is compared with Value',
		displayOptions: { show: { fact: ['item'] } },
	},
	// Two versions of one field: a saved rule omits an operator left at its default, so version 1
	// keeps "Greater Than"; new nodes (1.1) start a condition at "Equals".
	{
		displayName: 'Operator',
		name: 'operator',
		type: 'options',
		options: OPERATOR_OPTIONS,
		default: 'greaterThan',
		displayOptions: { show: V1, hide: { fact: ['time'] } },
	},
	{
		displayName: 'Operator',
		name: 'operator',
		type: 'options',
		options: OPERATOR_OPTIONS,
		default: 'equal',
		displayOptions: { show: V1_1, hide: { fact: ['time'] } },
	},
	{
		displayName: 'Window Operator',
		name: 'windowOperator',
		type: 'options',
		options: [
			{ name: 'Within Window', value: 'within' },
			{ name: 'Outside Window', value: 'notWithin' },
		],
		default: 'within',
		displayOptions: { show: { fact: ['time'] } },
	},
	{
		displayName: 'Value',
		name: 'value',
		type: 'string',
		default: '',
		placeholder: 'e.g. 2000, P1, high, true, ORA-\\d{5}',
		description:
			'Numbers, true/false, a tier or task name, a regular expression, or a comma-separated list for "is one of"',
		displayOptions: { hide: { fact: ['time'] } },
	},
	{
		displayName: 'Days',
		name: 'days',
		type: 'multiOptions',
		options: [
			{ name: 'Friday', value: 'fri' },
			{ name: 'Monday', value: 'mon' },
			{ name: 'Saturday', value: 'sat' },
			{ name: 'Sunday', value: 'sun' },
			{ name: 'Thursday', value: 'thu' },
			{ name: 'Tuesday', value: 'tue' },
			{ name: 'Wednesday', value: 'wed' },
		],
		default: ['mon', 'tue', 'wed', 'thu', 'fri'],
		displayOptions: { show: { fact: ['time'] } },
	},
	{
		displayName: 'From',
		name: 'from',
		type: 'string',
		default: '09:00',
		description: 'Start time, HH:MM (24-hour), inclusive',
		displayOptions: { show: { fact: ['time'] } },
	},
	{
		displayName: 'To',
		name: 'to',
		type: 'string',
		default: '18:00',
		description:
			'End time, HH:MM (24-hour), exclusive; before From means the window spans midnight',
		displayOptions: { show: { fact: ['time'] } },
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'e.g. Europe/Berlin',
		description: "Leave empty for the workflow's time zone",
		displayOptions: { show: { fact: ['time'] } },
	},
];

/**
 * One rule's fields in the order a person reads a rule: its name, when it matches, what it does,
 * then the optional call options. Each field shows only for the action that uses it, and the call
 * options are added on demand, so no field shows a stand-in value such as -1 or 0.
 */
const ruleFields: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		placeholder: 'e.g. P1 tickets on the strong model',
	},
	{
		displayName: 'Conditions',
		name: 'conditions',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Condition',
		default: {},
		options: [{ name: 'condition', displayName: 'Condition', values: conditionFields }],
	},
	{
		displayName: 'Combine Conditions',
		name: 'combine',
		type: 'options',
		options: [
			{ name: 'All Must Match', value: 'all' },
			{ name: 'Any Can Match', value: 'any' },
		],
		default: 'all',
	},
	{
		displayName: 'Negate',
		name: 'negate',
		type: 'boolean',
		default: false,
		description: 'Whether the rule applies when the combined conditions do NOT match',
	},
	{
		displayName: 'Action',
		name: 'actionType',
		type: 'options',
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
		default: 'useModel',
		description: 'What a match does. Call options apply with any action.',
	},
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
	{
		displayName: 'Tier',
		name: 'tier',
		type: 'options',
		options: TIER_OPTIONS,
		default: 'high',
		displayOptions: { show: { actionType: ['useTier', 'maxTier', 'minTier'] } },
	},
	{
		displayName: 'Call Options',
		name: 'callOptions',
		type: 'collection',
		placeholder: 'Add Call Option',
		default: {},
		description:
			"Settings for this item's calls when the rule matches; unset ones stay as they are",
		options: [
			{
				displayName: 'Max Tokens (Num Predict)',
				name: 'numPredict',
				type: 'number',
				default: 512,
				typeOptions: { minValue: 1 },
				description: 'Token cap for the answer',
			},
			{
				displayName: 'Temperature',
				name: 'temperature',
				type: 'number',
				default: 0.8,
				typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
				description: 'Sampling temperature',
			},
			{
				displayName: 'Think',
				name: 'think',
				type: 'options',
				options: THINK_OPTIONS.filter((o) => o.value !== 'auto'),
				default: 'on',
				description: 'Whether a thinking model thinks for this item, over the per-item decision',
			},
			{
				displayName: 'Timeout (Ms)',
				name: 'timeoutMs',
				type: 'number',
				default: 30000,
				typeOptions: { minValue: 100 },
				description: 'Per-attempt limit for the calls',
			},
		],
	},
	{
		displayName: 'Stop After This Rule',
		name: 'stop',
		type: 'boolean',
		default: false,
		description: 'Whether to skip the remaining rules when this one matches',
	},
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
