/** The chat model with one thinking model: think per call, the thinking as a reasoning block, logged apart. */
jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), {
	virtual: true,
});

import { createDispatcherState } from '../../../index';
import { COMPLEX, SIMPLE, supplyChatModel, user } from '../../support/chat-model';
import {
	startOllamaSimulator,
	THINKING_SIM_MODELS,
	type OllamaSimulator,
} from '../../support/simulator';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.0005,
		numParallel: 4,
		models: THINKING_SIM_MODELS,
	});
});
afterAll(async () => await sim.close());

const ONE = { modelSource: 'list', models: { model: [{ name: 'qwen3:8b', tier: 'high' }] } };
type Meta = { aiDispatcher: { thinking?: { thought: boolean; effort: string; reason: string } } };

describe('chat model, one thinking model', () => {
	it('a simple call does not think, a complex one thinks; the thinking is a reasoning block, never in the text', async () => {
		const { model, entries } = await supplyChatModel(createDispatcherState(), sim.url, ONE);
		const simple = await model.generate([user(SIMPLE)]);
		const complex = await model.generate([user(COMPLEX)]);
		expect((simple.providerMetadata as Meta).aiDispatcher.thinking).toEqual({
			thought: false,
			effort: 'off',
			reason: 'low-tier prompt: no thinking',
		});
		expect(simple.message.content.map((c) => c.type)).toEqual(['text']);
		expect((complex.providerMetadata as Meta).aiDispatcher.thinking).toMatchObject({
			thought: true,
			effort: 'on',
		});
		expect(complex.message.content.map((c) => c.type)).toEqual(['reasoning', 'text']);
		const [reasoning, text] = complex.message.content as Array<{ text: string }>;
		expect(reasoning.text).toMatch(/^Let me think/);
		expect(text.text).toMatch(/^\[qwen3:8b\] /);
		expect(text.text).not.toContain('Let me think');
		expect(complex.usage?.completionTokens).toBeGreaterThan(400);
		// The logs panel entry shows the thinking apart from the response.
		expect(entries[1].output).toMatchObject({
			thinking: { thought: true, effort: 'on', text: expect.stringMatching(/^Let me think/) },
		});
	});

	it("the node's Options › Think fixes it for every call; a model row's own Think wins", async () => {
		const off = await supplyChatModel(createDispatcherState(), sim.url, {
			...ONE,
			options: { think: 'off' },
		});
		expect(
			((await off.model.generate([user(COMPLEX)])).providerMetadata as Meta).aiDispatcher.thinking,
		).toMatchObject({ thought: false, effort: 'off' });
		const rowWins = await supplyChatModel(createDispatcherState(), sim.url, {
			modelSource: 'list',
			models: { model: [{ name: 'qwen3:8b', tier: 'high', modelOptions: { think: 'on' } }] },
			options: { think: 'off' },
		});
		expect(
			((await rowWins.model.generate([user(SIMPLE)])).providerMetadata as Meta).aiDispatcher
				.thinking,
		).toMatchObject({ thought: true, effort: 'on' });
	});
});
