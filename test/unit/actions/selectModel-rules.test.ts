/** Rules through the node: the UI builder and the JSON field, read per item, on the Select Model operation. */
import { NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { AiDispatcher } from '../../../nodes/AiDispatcher/AiDispatcher.node';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { createContext } from '../../support/n8n-context';

const node = new AiDispatcher(createDispatcherState());
const LIST = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{ name: 'qwen2.5:7b', tier: 'high' },
	],
};
const TICKETS: INodeExecutionData[] = [
	{ json: { key: 'OPS-1', priority: 'P1', summary: 'Checkout is down for every customer' } },
	{ json: { key: 'OPS-2', priority: 'P3', summary: 'Typo on the pricing page' } },
];

async function select(params: Record<string, unknown>, items = TICKETS) {
	const ctx = createContext({
		items,
		params: {
			operation: 'selectModel',
			inputMode: 'prompt',
			prompt: (i: number) => `Summarize this ticket in one sentence: ${items[i].json.summary}`,
			modelSource: 'list',
			models: LIST,
			simplifyOutput: false,
			...params,
		},
	});
	const [out] = await node.execute.call(ctx.execute);
	return out.map((o) => o.json as Record<string, any>);
}

const P1_JSON = [
	{
		name: 'P1 on the strong model',
		condition: { fact: 'item', path: 'priority', operator: 'equal', value: 'P1' },
		action: { useModel: 'qwen2.5:7b' },
	},
];
const P1_UI = {
	rule: [
		{
			name: 'P1 on the strong model',
			combine: 'all',
			negate: false,
			conditions: { condition: [{ fact: 'item', itemValue: '', operator: 'equal', value: 'P1' }] },
			actionType: 'useModel',
			model: 'qwen2.5:7b',
			stop: false,
		},
	],
};
/** The UI's Item Value is an expression: n8n resolves it for each item, as this function does. */
const uiRulesFor = (i: number) => ({
	rule: [
		{
			...P1_UI.rule[0],
			conditions: {
				condition: [
					{ ...P1_UI.rule[0].conditions.condition[0], itemValue: TICKETS[i].json.priority },
				],
			},
		},
	],
});

describe('AI Dispatcher node: rules', () => {
	it('routes P1 tickets to the strong model with the JSON rules, and records the rule in the decision', async () => {
		const out = await select({ rulesJson: JSON.stringify(P1_JSON) });
		expect(out.map((o) => o.model)).toEqual(['qwen2.5:7b', 'phi3:mini']);
		expect(out[0].decision.rules).toEqual([
			{
				index: 0,
				name: 'P1 on the strong model',
				conditions: [
					{ fact: 'item.priority', operator: 'equal', expected: 'P1', actual: 'P1', result: true },
				],
			},
		]);
		expect(out[0].decision.reason).toContain('rules matched: "P1 on the strong model"');
		expect(out[1].decision.rules).toEqual([]);
	});

	it('gives the same decisions from the UI builder, with the item value resolved per item', async () => {
		const ui = await select({ rules: uiRulesFor });
		const json = await select({ rulesJson: P1_JSON });
		expect(ui.map((o) => o.model)).toEqual(json.map((o) => o.model));
		expect(ui[0].decision.rules[0].conditions[0]).toMatchObject({
			fact: 'item',
			actual: 'P1',
			result: true,
		});
	});

	it('applies a time window in the workflow time zone', async () => {
		const rulesJson = [
			{
				name: 'no 7b ever',
				condition: { fact: 'time', operator: 'within', value: {} },
				action: { maxTier: 'medium' },
			},
			...P1_JSON,
		];
		const out = await select({ rulesJson });
		expect(out[0].model).toBe('qwen2.5:7b'); // a forced model escapes tier bounds
		expect(out[0].decision.rules[0].conditions[0].actual).toMatch(/ UTC$/);
	});

	it('converts the builder fields: lists for "is one of", numbers, booleans, signals, time windows, negate, call options', async () => {
		const base = { ...P1_UI.rule[0], model: '' };
		const rules = {
			rule: [
				{
					...base,
					name: 'P3/P4 small',
					actionType: 'maxTier',
					tier: 'low',
					conditions: {
						condition: [{ fact: 'item', itemValue: 'P3', operator: 'in', value: 'P3, P4' }],
					},
				},
				{
					...base,
					name: 'no code, long',
					actionType: 'none',
					callOptions: { timeoutMs: 5000, numPredict: 64 },
					combine: 'all',
					negate: true,
					conditions: {
						condition: [
							{ fact: 'containsCode', operator: 'equal', value: 'true' },
							{ fact: 'promptTokens', operator: 'lessThan', value: '5' },
						],
					},
				},
				{
					...base,
					name: 'hot cpu',
					actionType: 'excludeModels',
					excludeModels: ['qwen2.5:7b', 'llama3.2:3b'],
					conditions: {
						condition: [{ fact: 'signal', signal: 'cpu', operator: 'greaterThan', value: '0.9' }],
					},
				},
				{
					...base,
					name: 'weekend',
					actionType: 'useTier',
					tier: 'high',
					conditions: {
						condition: [
							{
								fact: 'time',
								windowOperator: 'notWithin',
								days: ['sat', 'sun'],
								from: '00:00',
								to: '24:00',
								timeZone: '',
							},
						],
					},
				},
			],
		};
		const [out] = await select({ rules }, [TICKETS[1]]);
		const matched = Object.fromEntries(
			(out.decision.rules as Array<{ name: string; conditions: unknown[] }>).map((m) => [
				m.name,
				m.conditions,
			]),
		);
		expect(matched['P3/P4 small']).toEqual([
			{ fact: 'item', operator: 'in', expected: ['P3', 'P4'], actual: 'P3', result: true },
		]);
		expect(matched['no code, long']).toEqual([
			{ fact: 'containsCode', operator: 'equal', expected: true, actual: false, result: false },
			{
				fact: 'promptTokens',
				operator: 'lessThan',
				expected: 5,
				actual: expect.any(Number),
				result: false,
			},
		]);
		expect(matched['hot cpu']).toBeUndefined(); // no signal snapshot here: unknown means not met
		expect(out.model).toBe('phi3:mini');
	});

	it.each([
		[
			{
				rulesJson:
					'[{"condition": {"fact": "promptTokens", "operator": "greaterThan", "value": "high"}, "action": {"useTier": "high"}}]',
			},
			'Rules (JSON): rule 1 › condition.value should be a number, got "high"',
		],
		[
			{
				rulesJson:
					'[{"name": "P1", "condition": {"all": [{"fact": "containsCode", "operator": "equal", "value": true}, {"fact": "complexityTier", "operator": "equal", "value": "huge"}]}, "action": {"useTier": "high"}}]',
			},
			'Rules (JSON): rule 1 "P1" › condition.all[1].value should be one of low, medium, high, got "huge"',
		],
		[{ rulesJson: '[{"condition": ' }, 'Rules (JSON) is not valid JSON'],
		[
			{
				rulesJson:
					'[{"condition": {"fact": "text", "operator": "matches", "value": "(a+)+"}, "action": {"useTier": "high"}}]',
			},
			'nested quantifier',
		],
		[
			{
				rules: {
					rule: [
						{
							...P1_UI.rule[0],
							conditions: {
								condition: [{ fact: 'promptTokens', operator: 'greaterThan', value: 'many' }],
							},
						},
					],
				},
			},
			'Rules › Rule #1 "P1 on the strong model" › Conditions › Condition #1 › Value should be a number, got "many"',
		],
		[
			{
				rules: {
					rule: [
						{ ...P1_UI.rule[0], name: '' },
						{
							...P1_UI.rule[0],
							name: 'P1 to strong',
							negate: true,
							conditions: {
								condition: [
									P1_UI.rule[0].conditions.condition[0],
									{ fact: 'complexityScore', operator: 'greaterThan', value: 'high' },
								],
							},
						},
					],
				},
			},
			/^Rules › Rule #2 "P1 to strong" › Conditions › Condition #2 › Value should be a number, got "high" \[item 0\]$/,
		],
		[
			{
				rules: {
					rule: [
						{
							...P1_UI.rule[0],
							conditions: {
								condition: [
									{
										fact: 'time',
										windowOperator: 'within',
										days: ['mon'],
										from: '9am',
										to: '17:00',
									},
								],
							},
						},
					],
				},
			},
			/^Rules › Rule #1 "P1 on the strong model" › Conditions › Condition #1 › From should be a time "HH:MM" \(24-hour\), got "9am" \[item 0\]$/,
		],
		[
			{
				rules: {
					rule: [
						{
							...P1_UI.rule[0],
							conditions: {
								condition: [{ fact: 'signal', signal: ' ', operator: 'greaterThan', value: '80' }],
							},
						},
					],
				},
			},
			/^Rules › Rule #1 "P1 on the strong model" › Conditions › Condition #1 › Signal Name should be a signal name/,
		],
		[
			{ rules: { rule: [{ ...P1_UI.rule[0], actionType: 'useTier', tier: 'huge' }] } },
			/^Rules › Rule #1 "P1 on the strong model" › Tier should be one of low, medium, high, got "huge" \[item 0\]$/,
		],
	])(
		'rejects bad rules with a NodeOperationError naming the field: %#',
		async (params, message) => {
			const failure = select(params);
			await expect(failure).rejects.toBeInstanceOf(NodeOperationError);
			await expect(failure).rejects.toThrow(message);
		},
	);
});
