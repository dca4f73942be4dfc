/**
 * Version 1.1 moved settings under Options with their names kept: the node reads them there, and
 * still reads them at their version-1 place (saved workflows).
 */
import { layoutParameter } from '../../../nodes/AiDispatcher/adapters/layout';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { runNode } from '../../support/node-run';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.001, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});

const run = (params: Record<string, unknown>, options: Record<string, unknown> = {}) =>
	runNode({
		baseUrl: sim.url,
		prompts: ['Say hi'],
		state: createDispatcherState(),
		params: { simplifyOutput: true, ...params },
		options,
	}).result;

describe('layoutParameter', () => {
	const reader = (values: Record<string, unknown>) => (name: string, fallback?: unknown) =>
		values[name] ?? fallback;

	it('prefers the 1.1 place under Options, else the version-1 place, else the fallback', () => {
		expect(
			layoutParameter(
				'systemPrompt',
				reader({ options: { systemPrompt: 'new' }, systemPrompt: 'old' }),
				'',
			),
		).toBe('new');
		expect(layoutParameter('systemPrompt', reader({ options: {}, systemPrompt: 'old' }), '')).toBe(
			'old',
		);
		expect(layoutParameter('systemPrompt', reader({}), 'fallback')).toBe('fallback');
	});

	it('flattens the tier timeouts into Options and leaves the moved fields out of it', () => {
		const options = {
			maxRetries: 2,
			complexity: 'high',
			tierTimeouts: { values: { timeoutLowMs: 900 } },
			liveSignals: { values: { cpuBusyMaxPercent: 70 } },
		};
		expect(layoutParameter('options', reader({ options }), {})).toEqual({
			maxRetries: 2,
			timeoutLowMs: 900,
		});
	});

	it('reads thresholds and exporter names from their two 1.1 groups as Signal Options', () => {
		const options = {
			liveSignals: { values: { cpuBusyMaxPercent: 70 } },
			prometheusQueries: { values: { modelLabel: 'model_name' } },
		};
		expect(
			layoutParameter(
				'signalOptions',
				reader({ options, signalOptions: { cacheTtlSeconds: 5 } }),
				{},
			),
		).toEqual({
			cacheTtlSeconds: 5,
			cpuBusyMaxPercent: 70,
			modelLabel: 'model_name',
		});
	});
});

describe('the node reads either layout', () => {
	it('Options › Complexity (1.1) and the top-level Complexity (1) force the tier alike', async () => {
		const [[moved]] = await run({}, { complexity: 'high' });
		const [[top]] = await run({ complexity: 'high' });
		expect(moved.json).toMatchObject({
			model: 'qwen2.5:7b',
			reason: 'Complexity set to high: chose qwen2.5:7b (high tier)',
		});
		expect(top.json).toMatchObject({
			model: 'qwen2.5:7b',
			reason: 'Complexity set to high: chose qwen2.5:7b (high tier)',
		});
	});

	it('Options › Rules (JSON) applies', async () => {
		const rulesJson = JSON.stringify([
			{
				name: 'all on 3b',
				condition: { fact: 'promptTokens', operator: 'greaterThan', value: 0 },
				action: { useModel: 'llama3.2:3b' },
			},
		]);
		const [[item]] = await run({}, { rulesJson });
		expect(item.json).toMatchObject({
			model: 'llama3.2:3b',
			rules: [{ rule: 'all on 3b', matched: true }],
		});
	});

	it('Options › Timeout per Tier is validated like the version-1 option', async () => {
		const error = await run({}, { tierTimeouts: { values: { timeoutLowMs: 0 } } }).catch(
			(e: unknown) => e,
		);
		expect((error as Error).message).toBe(
			'Options › Timeout Low Tier (Ms) should be a number ≥ 1 ms, got number 0 [item 0]',
		);
	});

	it('Options › Live Signal Thresholds is read as the Signal Options', async () => {
		const error = await run(
			{ useSignals: true },
			{ liveSignals: { values: { cpuBusyMaxPercent: 'high' } } },
		).catch((e: unknown) => e);
		expect((error as Error).message).toMatch(
			/^Signal Options › CPU Busy Max \(%\) should be a number ≥ 0, got "high"/,
		);
	});
});

describe('rules in the output', () => {
	it('lists each rule with why it did not match; item values are trimmed', async () => {
		const condition = (itemValue: string, value: string) => ({
			condition: [{ fact: 'item', itemValue, operator: 'equal', value }],
		});
		const rules = {
			rule: [
				{
					name: 'P2 to 3b',
					conditions: condition('  P1', 'P2'),
					actionType: 'useModel',
					model: 'llama3.2:3b',
				},
				{
					name: 'P1 to 7b',
					conditions: condition('  P1', 'P1'),
					actionType: 'useModel',
					model: 'qwen2.5:7b',
				},
				{
					name: 'long prompts',
					conditions: {
						condition: [{ fact: 'promptTokens', operator: 'greaterThan', value: '2000' }],
					},
					actionType: 'useTier',
					tier: 'high',
				},
			],
		};
		const [[item]] = await run({ rules, rulesJson: '[]' });
		expect(item.json.model).toBe('qwen2.5:7b');
		expect(item.json.reason).toMatch(/, rule "P1 to 7b" picked the model: chose qwen2\.5:7b$/);
		expect(item.json.rules).toEqual([
			{ rule: 'P2 to 3b', matched: false, why: 'Item Field equals "P2": saw "P1"' },
			{ rule: 'P1 to 7b', matched: true },
			{
				rule: 'long prompts',
				matched: false,
				why: expect.stringMatching(/^Prompt Tokens greater than 2000: saw \d+$/),
			},
		]);
	});
});
