/**
 * The chat model reuses answers the way the main node does: within one execution an identical call
 * (the whole conversation, tools and call options) is answered once; any difference calls again; a
 * reused tool-call reply is still a tool call; a streamed reuse delivers the whole text.
 */
jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), {
	virtual: true,
});

import type { FunctionTool, StreamChunk } from '@n8n/ai-node-sdk';

import { createDispatcherState, type DispatcherState } from '../../../index';
import { SIMPLE, drain, supplyChatModel, useChatSimulator, user } from '../../support/chat-model';
import type { OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
useChatSimulator((started) => (sim = started));
let state: DispatcherState;
beforeEach(() => {
	state = createDispatcherState();
});

const lookup: FunctionTool = {
	type: 'function',
	name: 'lookup_ticket',
	description: 'Look up a Jira ticket by key',
	inputSchema: { type: 'object', properties: { key: { type: 'string' } }, required: ['key'] },
};
type Meta = {
	aiDispatcher: { model: string; attempts: unknown[]; reused?: { how: string; model: string } };
};
const calls = () => Object.values(sim.stats().generations).reduce((a, b) => a + b, 0);
const text = (r: { message: { content: Array<{ type: string; text?: string }> } }) =>
	r.message.content
		.filter((c) => c.type === 'text')
		.map((c) => c.text)
		.join('');

describe('the chat model reuses answers', () => {
	it('answers an identical call of the same execution once; the reuse is in the metadata', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const first = await model.generate([user(SIMPLE)]);
		const second = await model.generate([user(SIMPLE)]);
		expect(calls()).toBe(1);
		expect(text(second)).toBe(text(first));
		expect(text(second)).toMatch(/^\[phi3:mini\] /);
		expect((first.providerMetadata as Meta).aiDispatcher.reused).toBeUndefined();
		expect((second.providerMetadata as Meta).aiDispatcher).toMatchObject({
			model: 'phi3:mini',
			attempts: [],
			reused: { how: 'this execution', model: 'phi3:mini' },
		});
	});

	it('calls again when the conversation, the tools or the call options differ', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		await model.generate([user(SIMPLE)]);
		await model.generate([
			user(SIMPLE),
			{ role: 'assistant', content: [{ type: 'text', text: 'ok' }] },
			user(SIMPLE),
		]);
		expect(calls()).toBe(2);
		await model.generate([user(SIMPLE)], { temperature: 0.9 });
		expect(calls()).toBe(3);
		await model.generate([user(SIMPLE)], { temperature: 0.9 });
		expect(calls()).toBe(3);
		await model.withTools([lookup]).generate([user(SIMPLE)]);
		expect(calls()).toBe(4);
		await model.withTools([{ ...lookup, description: 'Find a ticket' }]).generate([user(SIMPLE)]);
		expect(calls()).toBe(5);
	});

	it('a reused tool-call reply is still a tool call, with the same tool and arguments', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const ask = [user('What is the status of OPS-142? Use the tool.')];
		const first = await model.withTools([lookup]).generate(ask);
		const second = await model.withTools([lookup]).generate(ask);
		expect(calls()).toBe(1);
		expect(second.finishReason).toBe('tool-calls');
		const toolCall = (r: typeof first) =>
			r.message.content
				.filter((c) => c.type === 'tool-call')
				.map((c) => ({
					name: (c as { toolName: string }).toolName,
					input: (c as { input: string }).input,
				}));
		expect(toolCall(second)).toEqual(toolCall(first));
		expect(toolCall(second)).toEqual([{ name: 'lookup_ticket', input: '{"key":"OPS-142"}' }]);
		expect(text(second)).toBe('');
	});

	it('a streamed call answered by reuse streams the whole text', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const first = await model.generate([user(SIMPLE)]);
		const { chunks, error } = await drain(model.stream([user(SIMPLE)]));
		expect(error).toBeUndefined();
		expect(calls()).toBe(1);
		const deltas = chunks
			.filter((c): c is Extract<StreamChunk, { type: 'text-delta' }> => c.type === 'text-delta')
			.map((c) => c.delta);
		expect(deltas.join('')).toBe(text(first));
		expect(chunks[chunks.length - 1]).toMatchObject({ type: 'finish', finishReason: 'stop' });
	});

	it('another execution (another supply) reuses only with Reuse Answers on', async () => {
		await (
			await supplyChatModel(state, sim.url, { options: { reuseAnswers: true } })
		).model.generate([user(SIMPLE)]);
		await (await supplyChatModel(state, sim.url)).model.generate([user(SIMPLE)]);
		expect(calls()).toBe(2);
		const { model } = await supplyChatModel(state, sim.url, { options: { reuseAnswers: true } });
		const third = await model.generate([user(SIMPLE)]);
		expect(calls()).toBe(2);
		expect((third.providerMetadata as Meta).aiDispatcher.reused).toMatchObject({
			how: 'earlier execution',
		});
	});

	it('the node’s own sampling options (Top K) are part of the key', async () => {
		const supply = (topK: number) =>
			supplyChatModel(state, sim.url, { options: { reuseAnswers: true, topK } });
		await (await supply(5)).model.generate([user(SIMPLE)]);
		await (await supply(7)).model.generate([user(SIMPLE)]);
		expect(calls()).toBe(2);
		await (await supply(5)).model.generate([user(SIMPLE)]);
		expect(calls()).toBe(2);
	});
});

describe("the chat model's own Options reach Ollama", () => {
	it('Top K and Top P are sent with each call (under a model row that sets neither)', async () => {
		const { model, requests } = await supplyChatModel(state, sim.url, {
			options: { topK: 7, topP: 0.3, temperature: 0.2 },
		});
		await model.generate([user(SIMPLE)]);
		const chats = requests.filter((r) => r.url.endsWith('/api/chat'));
		expect(chats).toHaveLength(1);
		expect((chats[0].body as { options: Record<string, unknown> }).options).toMatchObject({
			top_k: 7,
			top_p: 0.3,
			temperature: 0.2,
		});
	});
});

describe('when the root node’s run ends (n8n calls the supplied closeFunction)', () => {
	it('answers kept only for that run (Reuse Answers off) are forgotten; shared ones stay', async () => {
		const off = await supplyChatModel(state, sim.url);
		await off.model.generate([user(SIMPLE)]);
		const on = await supplyChatModel(state, sim.url, { options: { reuseAnswers: true } });
		await on.model.generate([user('Thank Sam for the agenda.')]);
		expect(state.reuse.stats().entries).toBe(2);
		expect(typeof off.close).toBe('function');
		await off.close?.();
		expect(state.reuse.stats().entries).toBe(1);
		await on.close?.();
		expect(state.reuse.stats().entries).toBe(1);
	});
});
