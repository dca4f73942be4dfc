/** Thinking through the node's execute: Generate's output field, Select Model's think, Status. */
import { runNode } from '../../support/node-run';
import {
	DEFAULT_SIM_MODELS,
	startOllamaSimulator,
	THINKING_SIM_MODELS,
	type OllamaSimulator,
} from '../../support/simulator';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.0005,
		models: [...DEFAULT_SIM_MODELS, ...THINKING_SIM_MODELS],
	});
});
afterAll(async () => await sim.close());

const ONE = { model: [{ name: 'qwen3:8b', tier: 'high' }] };

describe('thinking in the node', () => {
	it('Generate, one thinking model: each item gets its own effort; the thinking text is an output field apart from the response', async () => {
		const [out] = await runNode({
			baseUrl: sim.url,
			prompts: ['What is the invoice number?', 'hard one'],
			params: {
				models: ONE,
				complexity: (i: number) => (i === 0 ? 'low' : 'high'),
				simplifyOutput: true,
			},
		}).result;
		expect(out.map((o) => o.json.model)).toEqual(['qwen3:8b', 'qwen3:8b']);
		expect(out[0].json.thinking).toEqual({
			thought: false,
			effort: 'off',
			think: false,
			reason: 'low-tier prompt: no thinking',
			text: '',
		});
		expect(out[1].json.thinking).toMatchObject({
			thought: true,
			effort: 'on',
			think: true,
			reason: 'high-tier prompt: thinks',
		});
		expect(String((out[1].json.thinking as { text: string }).text)).toMatch(/^Let me think/);
		expect(String(out[1].json.response)).not.toContain('Let me think');
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	});

	it("Generate with a model row's Think option: every item thinks at that level", async () => {
		const [out] = await runNode({
			baseUrl: sim.url,
			prompts: ['What is the invoice number?'],
			params: {
				models: {
					model: [{ name: 'gpt-oss:20b', tier: 'high', modelOptions: { think: 'medium' } }],
				},
				complexity: 'low',
			},
		}).result;
		expect(out[0].json.thinking).toMatchObject({
			thought: true,
			effort: 'medium',
			think: 'medium',
			reason: 'the Think option sets think "medium"',
		});
		expect(
			(out[0].json.usage as { completion_tokens: number }).completion_tokens,
		).toBeGreaterThanOrEqual(250);
	});

	it('models that do not think keep their output unchanged (no thinking field)', async () => {
		const [out] = await runNode({
			baseUrl: sim.url,
			prompts: ['Summarize: lunch moved'],
			params: { simplifyOutput: true },
		}).result;
		expect(out[0].json).not.toHaveProperty('thinking');
	});

	it('Select Model returns the think to send with the chosen model', async () => {
		const [out] = await runNode({
			baseUrl: sim.url,
			prompts: ['x'],
			params: { operation: 'selectModel', models: ONE, complexity: 'high', simplifyOutput: true },
		}).result;
		expect(out[0].json).toMatchObject({
			model: 'qwen3:8b',
			thinking: { think: true, effort: 'on' },
		});
	});

	it('Status says which models think and that one model is a valid setup', async () => {
		const [out] = await runNode({
			baseUrl: sim.url,
			prompts: ['x'],
			params: { operation: 'status' },
		}).result;
		const thinking = out[0].json.thinking as { models: string[]; note: string };
		expect(thinking.models.sort()).toEqual(['gpt-oss:20b', 'qwen3:8b']);
		expect(thinking.note).toMatch(/single thinking model is a valid setup/);
		const models = out[0].json.models as Array<{ name: string; thinks: boolean | null }>;
		expect(models.find((m) => m.name === 'phi3:mini')?.thinks).toBe(false);
	});
});
