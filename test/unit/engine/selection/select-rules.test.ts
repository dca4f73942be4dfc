import { analyseComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import { decide, type DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import type { RuleOutcome } from '../../../../nodes/AiDispatcher/engine/rules/types';
import { parseRules } from '../../../../nodes/AiDispatcher/engine/rules/validate';
import { selectModel } from '../../../../nodes/AiDispatcher/engine/selection/select';
import type { DispatchRequest, ModelSpec, Tier } from '../../../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../../../support/fakes';

let state = createDispatcherState();

const model = (name: string, tier: Tier): ModelSpec => ({ name, tier, tasks: [], options: {} });
const MODELS = [
	model('phi3:mini', 'low'),
	model('llama3.2:3b', 'medium'),
	model('qwen2.5:7b', 'high'),
];
const outcome = (extra: Partial<RuleOutcome>): RuleOutcome => ({
	excluded: new Map(),
	matched: [{ index: 0, name: 'r', conditions: [] }],
	evaluated: [],
	...extra,
});
const facts = (tier: Tier, rules: RuleOutcome) => {
	const complexity = analyseComplexity('x', { complexity: tier, task: 'general' });
	return { complexity, task: complexity.task, nowMs: 0, rules };
};
const order = (d: { model: string | null; alternatives: string[] }) => [d.model, ...d.alternatives];

describe('selectModel with rules', () => {
	it('tries a forced model first, then the usual order', () => {
		const d = selectModel(
			MODELS,
			facts('low', outcome({ forcedModel: { model: 'qwen2.5:7b', rule: 'P1' } })),
		);
		expect(order(d)).toEqual(['qwen2.5:7b', 'phi3:mini', 'llama3.2:3b']);
		expect(d.candidates[0].reasons).toContain('forced by rule "P1"');
		expect(d.reason).toContain('rules matched: "r", model qwen2.5:7b forced');
		expect(d.reason).not.toContain('nearest tier');
		expect(d.rules).toEqual([{ index: 0, name: 'r', conditions: [] }]);
	});

	it('excludes models a rule names, with the rule as the reason', () => {
		const d = selectModel(
			MODELS,
			facts(
				'high',
				outcome({ excluded: new Map([['qwen2.5:7b', 'rule: "no 7b at work hours"']]) }),
			),
		);
		expect(order(d)).toEqual(['llama3.2:3b', 'phi3:mini']);
		expect(d.candidates.find((c) => c.model === 'qwen2.5:7b')).toMatchObject({
			rank: -1,
			excluded: 'rule: "no 7b at work hours"',
		});
	});

	it('clamps the tier and keeps models outside the bounds out, even as fallbacks', () => {
		const capped = selectModel(
			MODELS,
			facts('high', outcome({ maxTier: { tier: 'medium', rule: 'office hours' } })),
		);
		expect(order(capped)).toEqual(['llama3.2:3b', 'phi3:mini']);
		expect(capped.candidates.find((c) => c.model === 'qwen2.5:7b')?.excluded).toBe(
			'rule: "office hours" (at most medium tier)',
		);
		expect(capped.reason).toContain('tier high → medium');
		const floored = selectModel(
			MODELS,
			facts('low', outcome({ minTier: { tier: 'medium', rule: 'vip' } })),
		);
		expect(order(floored)).toEqual(['llama3.2:3b', 'qwen2.5:7b']);
	});

	it('targets a tier a rule asks for', () => {
		const d = selectModel(
			MODELS,
			facts('low', outcome({ forcedTier: { tier: 'high', rule: 'code' } })),
		);
		expect(d.model).toBe('qwen2.5:7b');
	});

	it('records no rules when none are configured', () => {
		const complexity = analyseComplexity('x', { complexity: 'low', task: 'general' });
		expect(selectModel(MODELS, { complexity, task: 'general', nowMs: 0 })).not.toHaveProperty(
			'rules',
		);
	});
});

describe('decide and dispatch with rules', () => {
	const parsed = parseRules([
		{
			name: 'P1 on the strong model',
			condition: { fact: 'item', path: 'priority', operator: 'equal', value: 'P1' },
			action: { useModel: 'qwen2.5:7b', timeoutMs: 120000, options: { temperature: 0.1 } },
		},
		{
			name: 'no strong model otherwise',
			condition: { not: { fact: 'item', path: 'priority', operator: 'equal', value: 'P1' } },
			action: { maxTier: 'medium' },
		},
	]);
	if (!parsed.ok) throw new Error(parsed.issues.join('\n'));
	const config: DispatchConfig = {
		baseUrls: ['http://o'],
		models: MODELS,
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		rules: parsed.value,
		timeZone: 'UTC',
	};
	const request: DispatchRequest = {
		prompt: 'Is this email spam? Answer yes or no. WIN A FREE IPHONE NOW',
		task: 'auto',
		complexity: 'auto',
		format: { type: 'text' },
	};

	it('records which rules matched and what each condition saw', () => {
		const choice = decide(request, config, 0, { item: { priority: 'P1' } });
		expect(choice.decision.model).toBe('qwen2.5:7b');
		expect(choice.decision.rules).toEqual([
			{
				index: 0,
				name: 'P1 on the strong model',
				conditions: [
					{ fact: 'item.priority', operator: 'equal', expected: 'P1', actual: 'P1', result: true },
				],
			},
		]);
		const other = decide(request, config, 0, { item: { priority: 'P3' } });
		expect(other.decision.model).toBe('phi3:mini');
		expect(other.decision.candidates.find((c) => c.model === 'qwen2.5:7b')?.excluded).toContain(
			'no strong model otherwise',
		);
	});

	it("applies a rule's timeout and options to this item's calls only", async () => {
		const { ollama, calls } = scriptedOllama({ 'qwen2.5:7b': ['ok'], 'phi3:mini': ['ok'] });
		await dispatch(request, config, state, fakePorts(ollama), { item: { priority: 'P1' } });
		await dispatch(request, config, state, fakePorts(ollama), { item: { priority: 'P4' } });
		expect(calls[0]).toMatchObject({
			model: 'qwen2.5:7b',
			timeoutMs: 120000,
			options: { temperature: 0.1 },
		});
		expect(calls[1]).toMatchObject({ model: 'phi3:mini', timeoutMs: DEFAULT_TIMEOUTS_MS.low });
		expect(calls[1].options).not.toHaveProperty('temperature');
	});
});
