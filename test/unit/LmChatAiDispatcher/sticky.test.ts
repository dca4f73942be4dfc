/**
 * An AI Agent's conversation sticks to one model within an execution: a call after a high-tier answer
 * stays on that model when its own tier is lower (Balanced), with the reason; a new execution (a new
 * chat model instance) chooses afresh; Quality keeps each call's own choice.
 */
jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), {
	virtual: true,
});

import { createDispatcherState } from '../../../index';
import { COMPLEX, SIMPLE, supplyChatModel, useChatSimulator, user } from '../../support/chat-model';
import type { OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
useChatSimulator((started) => (sim = started));

type Meta = { aiDispatcher: { model: string; reason: string } };
const meta = (r: { providerMetadata?: unknown }) => (r.providerMetadata as Meta).aiDispatcher;

describe('chat model: stickiness per execution', () => {
	it('Balanced: the simple call after a complex one stays on qwen2.5:7b, and says why', async () => {
		const state = createDispatcherState();
		const { model } = await supplyChatModel(state, sim.url);
		const first = await model.generate([user(COMPLEX)]);
		const second = await model.generate([user(SIMPLE)]);
		expect(meta(first).model).toBe('qwen2.5:7b');
		expect(meta(second).model).toBe('qwen2.5:7b');
		expect(meta(second).reason).toContain(
			"sticky: kept qwen2.5:7b (high), which answered this conversation's previous call, instead of switching to phi3:mini (low)",
		);

		// The next execution supplies a new instance: it chooses on its own.
		const { model: next } = await supplyChatModel(state, sim.url);
		expect(meta(await next.generate([user(SIMPLE)])).model).toBe('phi3:mini');
	});

	it('never goes below a call’s tier: a complex call after a simple answer goes to the high tier', async () => {
		const { model } = await supplyChatModel(createDispatcherState(), sim.url);
		expect(meta(await model.generate([user(SIMPLE)])).model).toBe('phi3:mini');
		const complex = await model.generate([user(COMPLEX)]);
		expect(meta(complex).model).toBe('qwen2.5:7b');
		expect(meta(complex).reason).not.toContain('sticky');
	});

	it('Quality: each call keeps its own choice', async () => {
		const { model } = await supplyChatModel(createDispatcherState(), sim.url, {
			options: { qualitySpeed: 'quality' },
		});
		expect(meta(await model.generate([user(COMPLEX)])).model).toBe('qwen2.5:7b');
		expect(meta(await model.generate([user(SIMPLE)])).model).toBe('phi3:mini');
	});
});
