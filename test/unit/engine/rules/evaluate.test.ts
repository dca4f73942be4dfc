import { evaluateRules } from '../../../../nodes/AiDispatcher/engine/rules/evaluate';
import { testBounded, MAX_MATCHED_CHARS } from '../../../../nodes/AiDispatcher/engine/rules/regex';
import type {
	LeafCondition,
	Rule,
	RuleFacts,
} from '../../../../nodes/AiDispatcher/engine/rules/types';
import { parseRules } from '../../../../nodes/AiDispatcher/engine/rules/validate';

function rules(raw: unknown): Rule[] {
	const parsed = parseRules(raw);
	if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
	return parsed.value;
}

// Wednesday 2026-11-18 10:30 UTC = 11:30 in Berlin, 05:30 in New York.
const WED_1030_UTC = Date.UTC(2026, 10, 18, 10, 30);

const facts = (extra: Partial<RuleFacts> = {}): RuleFacts => ({
	text: 'Summarize: lunch on Friday?',
	tokens: 8,
	score: 0.05,
	tier: 'low',
	task: 'summarization',
	codeBlocks: 0,
	stackFrames: 0,
	nowMs: WED_1030_UTC,
	timeZone: 'Europe/Berlin',
	...extra,
});

describe('evaluateRules', () => {
	it('records every condition with the fact value it saw', () => {
		const outcome = evaluateRules(
			rules([
				{
					name: 'big or code',
					condition: {
						any: [
							{ fact: 'promptTokens', operator: 'greaterThan', value: 5 },
							{ fact: 'containsCode', operator: 'equal', value: true },
						],
					},
					action: { useTier: 'high' },
				},
			]),
			facts(),
		);
		expect(outcome.forcedTier).toEqual({ tier: 'high', rule: 'big or code' });
		expect(outcome.matched).toEqual([
			{
				index: 0,
				name: 'big or code',
				conditions: [
					{ fact: 'promptTokens', operator: 'greaterThan', expected: 5, actual: 8, result: true },
					{ fact: 'containsCode', operator: 'equal', expected: true, actual: false, result: false },
				],
			},
		]);
	});

	it('combines all / any / not', () => {
		const r = rules([
			{
				name: 'a',
				condition: {
					all: [
						{ fact: 'taskType', operator: 'equal', value: 'summarization' },
						{ not: { fact: 'complexityTier', operator: 'greaterThanInclusive', value: 'medium' } },
					],
				},
				action: { useModel: 'phi3:mini' },
			},
		]);
		expect(evaluateRules(r, facts()).forcedModel).toEqual({ model: 'phi3:mini', rule: 'a' });
		expect(evaluateRules(r, facts({ tier: 'high' })).matched).toEqual([]);
	});

	it('keeps the first forced model, merges exclusions, takes the tightest bounds, and stops when told', () => {
		const r = rules([
			{
				name: 'first',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: { useModel: 'a', excludeModels: ['x'], maxTier: 'medium', timeoutMs: 5000 },
			},
			{
				name: 'second',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: {
					useModel: 'b',
					excludeModels: ['y'],
					maxTier: 'low',
					timeoutMs: 9000,
					stop: true,
				},
			},
			{
				name: 'never',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: { excludeModels: ['z'] },
			},
		]);
		const outcome = evaluateRules(r, facts());
		expect(outcome.forcedModel?.model).toBe('a');
		expect([...outcome.excluded]).toEqual([
			['x', 'rule: "first"'],
			['y', 'rule: "second"'],
		]);
		expect(outcome.maxTier).toEqual({ tier: 'low', rule: 'second' });
		expect(outcome.timeoutMs).toBe(5000);
		expect(outcome.matched.map((m) => m.name)).toEqual(['first', 'second']);
	});

	it('lets an earlier tier bound win over a later one that contradicts it, so some model stays usable', () => {
		const r = rules([
			{
				name: 'P4 small',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: { maxTier: 'low' },
			},
			{
				name: 'traces medium+',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: { minTier: 'medium' },
			},
		]);
		const outcome = evaluateRules(r, facts());
		expect(outcome.maxTier).toEqual({ tier: 'low', rule: 'P4 small' });
		expect(outcome.minTier).toBeUndefined();
		expect(outcome.matched).toHaveLength(2);
	});

	it('treats a missing or unknown signal as "not met" and says so', () => {
		const r = rules([
			{
				name: 'busy',
				condition: { fact: 'signal', path: 'cpu', operator: 'greaterThan', value: 0.8 },
				action: { maxTier: 'low' },
			},
		]);
		const none = evaluateRules(r, facts());
		expect(none.matched).toEqual([]);
		expect(none.evaluated[0].conditions[0]).toMatchObject({
			result: false,
			actual: null,
			note: 'signal "cpu" is not available',
		});
		expect(
			evaluateRules(r, facts({ signals: { cpu: null } })).evaluated[0].conditions[0].note,
		).toBe('signal "cpu" is unknown (no data)');
		// `not` of an unknown signal does match: write "cpu < 0.8" rather than "not cpu > 0.8" to fail safe.
		expect(evaluateRules(r, facts({ signals: { cpu: 0.93 } })).maxTier).toEqual({
			tier: 'low',
			rule: 'busy',
		});
	});

	it.each([
		[{ days: ['wed'], from: '09:00', to: '18:00' }, true], // 11:30 Berlin
		[{ days: ['wed'], from: '09:00', to: '18:00', timeZone: 'America/New_York' }, false], // 05:30 there
		[{ days: ['sat', 'sun'] }, false],
		[{ from: '22:00', to: '12:00' }, true], // overnight window reaches 11:30
		[{ days: ['tue'], from: '22:00', to: '12:00' }, true], // Tuesday's overnight window spans into Wednesday
	])('checks time window %j in the workflow time zone', (window, inside) => {
		const r = rules([
			{
				name: 'office',
				condition: { fact: 'time', operator: 'within', value: window },
				action: { maxTier: 'medium' },
			},
		]);
		const outcome = evaluateRules(r, facts());
		expect(outcome.matched.length === 1).toBe(inside);
		expect(outcome.evaluated[0].conditions[0].actual).toMatch(/^wed \d\d:30 /);
	});

	it('compares item fields loosely (mapped values are often strings) and reads nested paths', () => {
		const r = rules([
			{
				name: 'P1',
				condition: { fact: 'item', path: 'fields.priority', operator: 'equal', value: 'P1' },
				action: { useModel: 'qwen2.5:7b' },
			},
			{
				name: 'big account',
				condition: { fact: 'item', path: 'seats', operator: 'greaterThanInclusive', value: 100 },
				action: { minTier: 'medium' },
			},
		]);
		const outcome = evaluateRules(r, facts({ item: { fields: { priority: 'P1' }, seats: '250' } }));
		expect(outcome.matched.map((m) => m.name)).toEqual(['P1', 'big account']);
		const missing = evaluateRules(r, facts({ item: {} }));
		expect(missing.evaluated[0].conditions[0].note).toBe('item field "fields.priority" is missing');
	});

	it('uses the value resolved from a per-item expression when the rule carries one (UI rules)', () => {
		const r = rules([
			{
				name: 'P1',
				condition: { fact: 'item', input: 'P1', operator: 'equal', value: 'P1' },
				action: { useModel: 'qwen2.5:7b' },
			},
		]);
		expect(evaluateRules(r, facts()).matched[0].conditions[0]).toMatchObject({
			fact: 'item',
			actual: 'P1',
			result: true,
		});
	});

	it('matches regular expressions on bounded input only', () => {
		const r = rules([
			{
				name: 'oracle',
				condition: { fact: 'text', operator: 'matches', value: 'ORA-\\d{5}' },
				action: { useTier: 'high' },
			},
		]);
		expect(
			evaluateRules(r, facts({ text: 'failed with ORA-00942 table missing' })).forcedTier?.tier,
		).toBe('high');
		const late = `${'x'.repeat(MAX_MATCHED_CHARS)} ORA-00942`;
		expect(evaluateRules(r, facts({ text: late })).matched).toEqual([]);
		const { pattern } = r[0].condition as LeafCondition;
		expect(pattern && testBounded(pattern, 'ORA-12345')).toBe(true);
	});
});
