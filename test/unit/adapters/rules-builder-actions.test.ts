/** The rules builder's action fields → engine rule actions: only what the user set, no stand-in values. */
import { readRules } from '../../../nodes/AiDispatcher/adapters/rules';
import { createContext } from '../../support/n8n-context';

const WHEN_P1 = { condition: [{ fact: 'item', itemValue: 'P1', operator: 'equal', value: 'P1' }] };

function actionsOf(rule: Record<string, unknown>) {
	const ctx = createContext({
		items: [{ json: {} }],
		params: { rules: { rule: [{ name: 'r', conditions: WHEN_P1, ...rule }] }, rulesJson: '[]' },
	});
	return readRules(ctx.execute, 0).map((r) => r.action);
}

describe('rules builder actions', () => {
	it('applies only the call options the user added', () => {
		expect(actionsOf({ actionType: 'none', callOptions: {}, stop: true })).toEqual([
			{ stop: true },
		]);
		expect(
			actionsOf({
				actionType: 'none',
				callOptions: { temperature: 0, numPredict: 64, timeoutMs: 5000 },
			}),
		).toEqual([{ timeoutMs: 5000, options: { temperature: 0, num_predict: 64 } }]);
	});

	it('reads workflows saved with the flat fields, where -1 and 0 meant "unchanged"', () => {
		expect(
			actionsOf({
				actionType: 'useTier',
				tier: 'low',
				temperature: -1,
				numPredict: 0,
				timeoutMs: 0,
			}),
		).toEqual([{ useTier: 'low' }]);
		expect(
			actionsOf({ actionType: 'none', temperature: 0.2, numPredict: 0, timeoutMs: 900 }),
		).toEqual([{ timeoutMs: 900, options: { temperature: 0.2 } }]);
	});

	it('takes "Never Use Model" from the dropdown list or from comma-separated text', () => {
		expect(
			actionsOf({ actionType: 'excludeModels', excludeModels: ['qwen2.5:7b', 'llama3.2:3b'] }),
		).toEqual([{ excludeModels: ['qwen2.5:7b', 'llama3.2:3b'] }]);
		expect(actionsOf({ actionType: 'excludeModels', model: 'qwen2.5:7b, llama3.2:3b' })).toEqual([
			{ excludeModels: ['qwen2.5:7b', 'llama3.2:3b'] },
		]);
	});

	it('uses the model picked in the dropdown and stops when asked', () => {
		expect(actionsOf({ actionType: 'useModel', model: 'qwen2.5:7b', stop: true })).toEqual([
			{ useModel: 'qwen2.5:7b', stop: true },
		]);
	});
});
