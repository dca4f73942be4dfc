/** `planItem` (decide, never call) and `dispatch` (plan, then run), through the fake ports. */
import * as route from '../../../nodes/AiDispatcher/engine/analysis/router/route';
import { DispatcherError } from '../../../nodes/AiDispatcher/engine/errors';
import { dispatch, planItem, runPlan, type Plan } from '../../../nodes/AiDispatcher/engine/plan';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../nodes/AiDispatcher/engine/state';
import type { Tier } from '../../../nodes/AiDispatcher/engine/types';
import {
	HOST,
	openCircuit,
	planHighItem,
	promptItem,
	threeModelConfig,
	TIER_MODELS,
} from '../../support/engine-config';
import { fakePorts, scriptedOllama } from '../../support/fakes';

let state: DispatcherState;
beforeEach(() => {
	state = createDispatcherState();
});
afterEach(() => jest.restoreAllMocks());

describe('planItem', () => {
	it.each<Tier>(['low', 'medium', 'high'])(
		"picks the %s tier's model, names why, and calls no model",
		async (tier) => {
			const { ollama, calls } = scriptedOllama({});
			const plan = await planItem(
				promptItem({ complexity: tier }),
				threeModelConfig(),
				state,
				fakePorts(ollama),
			);
			const model = TIER_MODELS[tier];
			expect(plan.complexity).toMatchObject({ tier, forced: true });
			expect(plan.decision).toMatchObject({ model, tier });
			expect(plan.decision.reason).toBe(
				`complexity forced to ${tier}, task summarization: chose ${model} (${tier})`,
			);
			expect(plan.decision.candidates[0]).toMatchObject({
				model,
				reasons: [`tier ${tier} matches`],
			});
			expect(plan.decision.alternatives).toHaveLength(2);
			expect(plan.decision.alternatives).not.toContain(model);
			expect(plan.host).toBe(HOST);
			expect(plan.skipped).toEqual([]);
			expect(plan.firstChoice).toBe(model);
			expect(calls).toEqual([]);
		},
	);

	it('measures the tier of an item left on auto (a one-line summary is low)', async () => {
		const { ollama } = scriptedOllama({});
		const plan = await planItem(promptItem(), threeModelConfig(), state, fakePorts(ollama));
		expect(plan.complexity).toMatchObject({ tier: 'low', forced: false });
		expect(plan.decision.model).toBe('phi3:mini');
	});

	it('skips a model whose circuit is open, names it in the reason and keeps the first choice', async () => {
		openCircuit(state, 'qwen2.5:7b');
		const plan = await planHighItem(state);
		expect(plan.decision.model).toBe('llama3.2:3b');
		expect(plan.firstChoice).toBe('qwen2.5:7b');
		expect(plan.skipped).toEqual([
			{
				model: 'qwen2.5:7b',
				ok: false,
				kind: 'circuit_open',
				ms: 0,
				error: expect.stringMatching(/^circuit open since /),
			},
		]);
		expect(plan.decision.reason).toMatch(/; skipped qwen2\.5:7b: circuit open since /);
		expect(plan.decision.alternatives).not.toContain('qwen2.5:7b');
	});

	it('analyses the item once, also when a circuit is open (the choice without it reuses the analysis)', async () => {
		openCircuit(state, 'qwen2.5:7b');
		const analysed = jest.spyOn(route, 'routeComplexity');
		const { ollama } = scriptedOllama({});
		const plan = await planItem(promptItem(), threeModelConfig(), state, fakePorts(ollama));
		expect(plan.decision.model).toBe('phi3:mini');
		expect(analysed).toHaveBeenCalledTimes(1);
	});

	it("reads the models' capabilities once when the signals host is the host chosen", async () => {
		const read = jest.spyOn(state.capabilities, 'read');
		const { ollama } = scriptedOllama({});
		const asked: string[] = [];
		const ports = fakePorts({
			...ollama,
			capabilities: async (_url, model) => {
				asked.push(model);
				return ['completion'];
			},
		});
		const plan = await planHighItem(state, ports);
		expect(plan.host).toBe(plan.signalsHost);
		expect(read).toHaveBeenCalledTimes(1);
		expect(Object.keys(plan.thinking).sort()).toEqual(['llama3.2:3b', 'phi3:mini', 'qwen2.5:7b']);
	});

	it('refuses an empty prompt with INPUT_INVALID before reading the clock or any port', async () => {
		let used = 0;
		const { ollama } = scriptedOllama({});
		const ports = fakePorts(ollama, {
			clock: {
				nowMs: () => {
					used++;
					return 0;
				},
			},
		});
		const error = await planItem(
			promptItem({ prompt: ' \n ' }),
			threeModelConfig(),
			state,
			ports,
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DispatcherError);
		expect((error as DispatcherError).code).toBe('INPUT_INVALID');
		expect(used).toBe(0);
	});

	it("tells the state's observer about each plan", async () => {
		const planned: Plan[] = [];
		state = createDispatcherState({ metrics: { planned: (plan) => planned.push(plan) } });
		const { ollama } = scriptedOllama({});
		const plan = await planItem(promptItem(), threeModelConfig(), state, fakePorts(ollama));
		expect(planned).toEqual([plan]);
	});
});

describe('dispatch', () => {
	it('is planItem then runPlan: the same model, reply and attempts', async () => {
		const script = { 'qwen2.5:7b': [{ fail: 'http_5xx' as const }], 'llama3.2:3b': ['fine'] };
		const item = promptItem({ complexity: 'high' });
		const once = await dispatch(
			item,
			threeModelConfig(),
			state,
			fakePorts(scriptedOllama(script).ollama),
		);

		const other = createDispatcherState();
		const ports = fakePorts(scriptedOllama(script).ollama);
		const twice = await runPlan(
			await planItem(item, threeModelConfig(), other, ports),
			ports,
			other,
		);
		expect(once).toEqual(twice);
		expect(once.model).toBe('llama3.2:3b');
	});
});
