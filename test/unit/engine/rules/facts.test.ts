import type { INodeProperties, INodePropertyCollection, INodePropertyOptions } from 'n8n-workflow';

import { ruleProperties } from '../../../../nodes/AiDispatcher/description/rules';
import { analyseComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import { routeComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/router/route';
import { evaluateRules } from '../../../../nodes/AiDispatcher/engine/rules/evaluate';
import {
	FACT_TABLE,
	measuredCount,
	valueFromText,
	valueKind,
	type ValueKind,
} from '../../../../nodes/AiDispatcher/engine/rules/facts';
import {
	FACTS,
	WINDOW_OPERATORS,
	type FactName,
	type RuleFacts,
} from '../../../../nodes/AiDispatcher/engine/rules/types';
import { parseRules } from '../../../../nodes/AiDispatcher/engine/rules/validate';

/** A valid value of each kind, and a text the Rules builder would hold for it. */
const SAMPLE: Record<ValueKind, unknown> = {
	number: 1,
	boolean: true,
	flag: true,
	tier: 'medium',
	tiers: ['low', 'high'],
	task: 'code',
	tasks: ['code', 'analysis'],
	regex: 'lunch',
	window: { days: ['wed'], from: '09:00', to: '18:00', timeZone: 'UTC' },
	scalar: 'P1',
	list: ['P1', 'P2'],
};
const PATHS: Partial<Record<FactName, string>> = { signal: 'cpu', item: 'priority' };

// Wednesday 2026-11-18 10:30 UTC.
const FACTS_SEEN: RuleFacts = {
	text: 'Summarize: lunch on Friday?',
	tokens: 8,
	score: 0.05,
	confidence: 0.7,
	tier: 'low',
	task: 'summarization',
	codeBlocks: 2,
	stackFrames: 1,
	nowMs: Date.UTC(2026, 10, 18, 10, 30),
	timeZone: 'UTC',
	signals: { cpu: 0.5 },
	item: { priority: 'P1' },
};

/** What each fact's reader must see in FACTS_SEEN: a reader wired to the wrong field fails here. */
const ACTUAL: Record<FactName, unknown> = {
	promptTokens: 8,
	complexityScore: 0.05,
	complexityConfidence: 0.7,
	signal: 0.5,
	containsCode: true,
	containsStackTrace: false,
	text: 'Summarize: lunch on Friday?',
	taskType: 'summarization',
	complexityTier: 'low',
	time: 'wed 10:30 UTC',
	item: 'P1',
};

const everyPair = FACTS.flatMap((fact) =>
	FACT_TABLE[fact].operators.map((operator) => [fact, operator] as const),
);

describe('the rules fact table', () => {
	it('covers every fact in FACTS, each with at least one operator', () => {
		expect(Object.keys(FACT_TABLE).sort()).toEqual([...FACTS].sort());
		for (const fact of FACTS) expect(FACT_TABLE[fact].operators.length).toBeGreaterThan(0);
		expect(everyPair.length).toBeGreaterThan(FACTS.length);
	});

	it.each(everyPair)(
		'%s %s: accepted by validate, read and compared by evaluate',
		(fact, operator) => {
			const path = PATHS[fact];
			const condition = {
				fact,
				operator,
				value: SAMPLE[valueKind(fact, operator)],
				...(path ? { path } : {}),
			};
			const parsed = parseRules([{ name: 'r', condition, action: { useTier: 'high' } }]);
			if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
			const outcome = evaluateRules(parsed.value, FACTS_SEEN);
			const [trace] = outcome.evaluated[0].conditions;
			expect(trace.note).toBeUndefined();
			expect(trace.actual).toEqual(ACTUAL[fact]);
			expect(typeof trace.result).toBe('boolean');
		},
	);

	it('compares through the table: one true and one false leaf per fact', () => {
		const pairs: Array<[FactName, string, unknown, boolean]> = [
			['promptTokens', 'greaterThan', 5, true],
			['complexityScore', 'lessThan', 0.01, false],
			['complexityConfidence', 'greaterThanInclusive', 0.7, true],
			['signal', 'lessThan', 0.4, false],
			['containsCode', 'equal', true, true],
			['containsStackTrace', 'equal', true, false],
			['text', 'matches', 'friday', false],
			['taskType', 'in', ['summarization'], true],
			['complexityTier', 'greaterThan', 'low', false],
			['time', 'within', { from: '10:00', to: '11:00', timeZone: 'UTC' }, true],
			['item', 'notEqual', 'P1', false],
		];
		expect(pairs.map(([f]) => f).sort()).toEqual([...FACTS].sort());
		for (const [fact, operator, value, expected] of pairs) {
			const path = PATHS[fact];
			const parsed = parseRules([
				{
					condition: { fact, operator, value, ...(path ? { path } : {}) },
					action: { useTier: 'high' },
				},
			]);
			if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
			expect([fact, evaluateRules(parsed.value, FACTS_SEEN).evaluated[0].result]).toEqual([
				fact,
				expected,
			]);
		}
	});

	it('a count the analyser did not measure is unknown, not 0: the condition is not met and says why', () => {
		const parsed = parseRules([
			{
				condition: { fact: 'containsCode', operator: 'equal', value: false },
				action: { useTier: 'low' },
			},
		]);
		if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
		const { codeBlocks: _omitted, ...unmeasured } = FACTS_SEEN;
		const [trace] = evaluateRules(parsed.value, unmeasured).evaluated[0].conditions;
		expect(trace).toMatchObject({
			fact: 'containsCode',
			actual: null,
			result: false,
			note: 'code blocks is not measured by this analyser',
		});
	});

	it('both analysers report the counts the facts read by their typed names', () => {
		const text =
			'Why does this fail?\n```js\nfoo()\n```\n    at foo (a.js:1:1)\n    at bar (b.js:2:2)\n    at baz (c.js:3:3)';
		for (const result of [analyseComplexity(text), routeComplexity(text)]) {
			expect(measuredCount(result, 'code_blocks')).toBe(1);
			expect(measuredCount(result, 'stack_trace_lines')).toBeGreaterThanOrEqual(2);
		}
	});

	it.each([
		[
			{ fact: 'cpu', operator: 'greaterThan', value: 1 },
			'rules[0].condition.fact should be one of promptTokens, containsCode, containsStackTrace, text, taskType, complexityTier, complexityScore, complexityConfidence, signal, time, item, got "cpu"',
		],
		[
			{ fact: 'containsCode', operator: 'greaterThan', value: 1 },
			'rules[0].condition.operator should be one of equal, notEqual for fact containsCode, got "greaterThan"',
		],
		[
			{ fact: 'text', operator: 'startsWith', value: 'x' },
			'rules[0].condition.operator should be one of matches, notMatches for fact text, got "startsWith"',
		],
	])('an unknown fact or operator is named with what is allowed: %#', (condition, message) => {
		expect(parseRules([{ condition, action: { useTier: 'high' } }])).toEqual({
			ok: false,
			issues: [message],
		});
	});

	it.each([
		['promptTokens', 'greaterThan', ' 42 ', 42],
		['promptTokens', 'greaterThan', 'many', 'many'],
		['containsCode', 'equal', 'false', false],
		['item', 'exists', 'true', true],
		['item', 'equal', '3', 3],
		['item', 'equal', '007', '007'],
		['item', 'lessThan', '2.5', 2.5],
		['item', 'in', 'P1, 2, true', ['P1', 2, true]],
		['complexityTier', 'in', 'low,high', ['low', 'high']],
		['complexityTier', 'greaterThan', ' medium ', 'medium'],
		['taskType', 'equal', 'code', 'code'],
		['text', 'matches', ' ORA-\\d+ ', ' ORA-\\d+ '],
		['signal', 'lessThan', '0.5', 0.5],
	] as const)('the builder text of %s %s %j becomes %j', (fact, operator, text, value) => {
		expect(valueFromText(fact, operator, text)).toEqual(value);
	});

	it('the Rules builder offers exactly the facts of the table, and every operator they accept', () => {
		const conditionFields = (
			(ruleProperties[0].options as INodePropertyCollection[])[0].values.find(
				(f) => f.name === 'conditions',
			) as INodeProperties
		).options as INodePropertyCollection[];
		const values = (name: string) =>
			(
				(conditionFields[0].values.find((f) => f.name === name) as INodeProperties)
					.options as INodePropertyOptions[]
			).map((o) => o.value);
		expect(values('fact').sort()).toEqual([...FACTS].sort());
		const offered = new Set([...values('operator'), ...values('windowOperator')]);
		const accepted = new Set(FACTS.flatMap((f) => FACT_TABLE[f].operators));
		expect([...offered].sort()).toEqual([...accepted].sort());
		expect(values('windowOperator').sort()).toEqual([...WINDOW_OPERATORS].sort());
	});
});
