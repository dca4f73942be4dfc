/** The rules builder's Call Options › Think → the rule's `think` option. */
import { readRules } from '../../../nodes/AiDispatcher/adapters/rules';
import { createContext } from '../../support/n8n-context';

const WHEN_P1 = { condition: [{ fact: 'item', itemValue: 'P1', operator: 'equal', value: 'P1' }] };
const read = (callOptions: Record<string, unknown>) => {
	const ctx = createContext({
		items: [{ json: {} }],
		params: {
			rules: { rule: [{ name: 'r', conditions: WHEN_P1, actionType: 'none', callOptions }] },
			rulesJson: '[]',
		},
	});
	return readRules(ctx.execute, 0).map((r) => r.action);
};

describe('rules builder: Call Options › Think', () => {
	it.each([
		['on', true],
		['off', false],
		['low', 'low'],
		['high', 'high'],
	])('%s → think %p', (choice, think) => {
		expect(read({ think: choice })).toEqual([{ options: { think } }]);
	});

	it('a value that is no choice is refused, naming the field', () => {
		expect(() => read({ think: 'max' })).toThrow(
			/Rules › Rule #1 "r" › Call Options › Think should be true, false, "low", "medium" or "high", got "max"/,
		);
	});
});
