/** How both nodes show a decision: complexity, ranked candidates, rules. Built from real plans. */
import {
	complexityJson,
	decisionJson,
	rulesField,
} from '../../../../nodes/AiDispatcher/adapters/output/decision';
import { planItem } from '../../../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import { readRules } from '../../../../nodes/AiDispatcher/adapters/rules';
import { promptItem, threeModelConfig } from '../../../support/engine-config';
import { fakePorts, scriptedOllama } from '../../../support/fakes';
import { createContext } from '../../../support/n8n-context';

const config = (rules: object[]) =>
	threeModelConfig({
		rules: readRules(createContext({ params: { rulesJson: JSON.stringify(rules) } }).execute, 0),
		analyser: 'heuristic',
	});
const request = promptItem({ prompt: 'P1: thank Dana for the notes' });
const P1 = {
	name: 'P1 to strong',
	condition: { fact: 'text', operator: 'matches', value: '^P1:' },
	action: { useModel: 'qwen2.5:7b' },
};
const NEVER = {
	name: 'Never',
	condition: { fact: 'text', operator: 'matches', value: 'incident' },
	action: { useTier: 'high' },
};
const plan = async (rules: object[] = []) =>
	await planItem(
		request,
		config(rules),
		createDispatcherState(),
		fakePorts(scriptedOllama({}).ollama),
	);

describe('decisionJson', () => {
	it('shows the chosen model’s reason, the alternatives, every ranked candidate and the matched rules', async () => {
		const { decision } = await plan([P1]);
		const json = decisionJson(decision);
		expect(json.reason).toBe(decision.reason);
		expect(decision.model).toBe('qwen2.5:7b');
		expect(json.alternatives).toEqual(decision.alternatives);
		expect(json.alternatives).toContain('phi3:mini');
		expect((json.candidates as Array<{ model: string }>).map((c) => c.model)).toEqual(
			decision.candidates.map((c) => c.model),
		);
		expect(json.rules).toEqual([expect.objectContaining({ name: 'P1 to strong' })]);
	});

	it('copies: changing the output leaves the decision as it was', async () => {
		const { decision } = await plan();
		const json = decisionJson(decision);
		(json.alternatives as string[]).push('changed');
		(json.candidates as Array<{ reasons: string[] }>)[0].reasons.push('changed');
		expect(decision.alternatives).not.toContain('changed');
		expect(decision.candidates[0].reasons).not.toContain('changed');
	});

	it('has no `rules` without rules', async () => {
		expect(decisionJson((await plan()).decision)).not.toHaveProperty('rules');
	});
});

describe('complexityJson', () => {
	it('shows score, tier, task, tokens, forced and the measured features', async () => {
		const { complexity } = await plan();
		expect(complexityJson(complexity)).toEqual({
			score: complexity.score,
			tier: complexity.tier,
			task: complexity.task,
			tokens: complexity.tokens,
			forced: false,
			features: complexity.features,
		});
	});
});

describe('rulesField', () => {
	it('lists each rule, whether it matched and why not', async () => {
		expect(rulesField(await plan([P1, NEVER]))).toEqual({
			rules: [
				{ rule: 'P1 to strong', matched: true },
				{ rule: 'Never', matched: false, why: expect.stringContaining('incident') },
			],
		});
	});

	it('is absent without rules', async () => {
		expect(rulesField(await plan())).toEqual({});
	});
});
