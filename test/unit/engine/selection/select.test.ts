import { analyseComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import { selectModel } from '../../../../nodes/AiDispatcher/engine/selection/select';
import type { ModelSpec, TaskType, Tier } from '../../../../nodes/AiDispatcher/engine/types';

const model = (name: string, tier: Tier, tasks: TaskType[] = []): ModelSpec => ({
	name,
	tier,
	tasks,
	options: {},
});
const DEFAULTS = [
	model('phi3:mini', 'low'),
	model('llama3.2:3b', 'medium'),
	model('qwen2.5:7b', 'high'),
];
const facts = (tier: Tier, extra: Partial<Parameters<typeof selectModel>[1]> = {}) => {
	const complexity = analyseComplexity('x', { complexity: tier, task: 'general' });
	return { complexity, task: complexity.task, nowMs: 0, ...extra };
};

describe('selectModel', () => {
	it.each([
		['low', ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b']],
		['medium', ['llama3.2:3b', 'qwen2.5:7b', 'phi3:mini']],
		['high', ['qwen2.5:7b', 'llama3.2:3b', 'phi3:mini']],
	] as const)('for a %s item tries %j', (tier, order) => {
		const decision = selectModel(DEFAULTS, facts(tier));
		expect([decision.model, ...decision.alternatives]).toEqual(order);
		expect(decision.tier).toBe(tier);
		expect(decision.reason).toContain(`chose ${order[0]}`);
	});

	it('explains a measured decision with the features that drove it', () => {
		const complexity = analyseComplexity(
			'Why does this fail?\n  at a (x.js:1:1)\n  at b (y.js:2:2)\n  at c (z.js:3:3)',
		);
		const decision = selectModel(DEFAULTS, { complexity, task: complexity.task, nowMs: 0 });
		expect(decision.reason).toMatch(/^complexity 0\.\d+ → \w+ \(.*stack trace lines 3/);
	});

	it('skips excluded models, keeps them in the candidate list with the reason, and falls to the next tier', () => {
		const decision = selectModel(
			DEFAULTS,
			facts('high', { excluded: new Map([['qwen2.5:7b', 'circuit open']]) }),
		);
		expect(decision.model).toBe('llama3.2:3b');
		expect(decision.alternatives).toEqual(['phi3:mini']);
		expect(decision.candidates.find((c) => c.model === 'qwen2.5:7b')).toMatchObject({
			rank: -1,
			excluded: 'circuit open',
		});
		expect(decision.reason).toContain('no usable high-tier model, nearest tier is medium');
	});

	it('prefers, within a tier, a model suited to the task, then a loaded one, then list order', () => {
		const models = [
			model('a', 'high', ['summarization']),
			model('b', 'high'),
			model('c', 'high'),
			model('d', 'high', ['code']),
		];
		const complexity = analyseComplexity('x', { complexity: 'high', task: 'code' });
		const decision = selectModel(models, {
			complexity,
			task: 'code',
			nowMs: 0,
			loaded: new Set(['c']),
		});
		expect([decision.model, ...decision.alternatives]).toEqual(['d', 'c', 'b', 'a']);
		expect(decision.candidates[3].reasons).toContain('not listed for task code');
		expect(decision.candidates[1].reasons).toContain('already loaded');
	});

	it('returns no model and says why when every candidate is excluded or none exist', () => {
		const all = new Map(DEFAULTS.map((m) => [m.name, 'not installed']));
		const none = selectModel(DEFAULTS, facts('low', { excluded: all }));
		expect(none.model).toBeNull();
		expect(none.reason).toContain('phi3:mini: not installed');
		expect(selectModel([], facts('low')).reason).toBe('no models configured or discovered');
	});

	it('is pure: same inputs, same decision', () => {
		expect(selectModel(DEFAULTS, facts('medium'))).toEqual(selectModel(DEFAULTS, facts('medium')));
	});
});
