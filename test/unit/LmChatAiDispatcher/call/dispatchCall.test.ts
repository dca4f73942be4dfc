/**
 * One chat-model call through the engine (`dispatchChatCall`): the call's conversation planned and
 * run like an item, the answer from the engine's result (tool calls included), models without tool
 * support left out, the previous call's model kept, and a reused answer streamed at once.
 */
import { dispatchChatCall } from '../../../../nodes/LmChatAiDispatcher/call/dispatchCall';
import type { ToolCall } from '../../../../nodes/AiDispatcher/engine/types';
import { chatCall, LOOKUP_TOOL, scriptedChatRuntime } from '../../../support/chat-call';

const SIMPLE = 'Thank Dana for sending the meeting notes.';
const lookup: ToolCall = { function: { name: 'lookup_ticket', arguments: { key: 'OPS-142' } } };

describe('dispatchChatCall', () => {
	it('sends the conversation to the chosen model and answers with its reply and a summary', async () => {
		const { runtime, calls } = await scriptedChatRuntime({ 'phi3:mini': ['You are welcome.'] });
		const answer = await dispatchChatCall(runtime, chatCall(SIMPLE));
		expect(calls).toHaveLength(1);
		expect(calls[0]).toMatchObject({
			model: 'phi3:mini',
			messages: [{ role: 'user', content: SIMPLE }],
		});
		expect(answer.result.model).toBe('phi3:mini');
		expect(answer.result.reply).toEqual({ text: 'You are welcome.' });
		expect(answer.summary).toContain('phi3:mini');
		expect(answer.noTools).toEqual([]);
		expect(runtime.previousModel).toBe('phi3:mini');
	});

	it('a reply that only calls tools is the answer: no text, its tool calls, no fallback', async () => {
		const { runtime, calls } = await scriptedChatRuntime({
			'phi3:mini': [{ text: '', toolCalls: [lookup] }],
		});
		const answer = await dispatchChatCall(runtime, chatCall(SIMPLE, { tools: [LOOKUP_TOOL] }));
		expect(answer.result.reply).toEqual({ text: '', toolCalls: [lookup] });
		expect(answer.result.attempts.map((a) => a.ok)).toEqual([true]);
		expect(calls[0].tools).toEqual([LOOKUP_TOOL]);
	});

	it('an empty reply (no text, no tool calls) is a failed attempt: the next model answers', async () => {
		const { runtime } = await scriptedChatRuntime({
			'phi3:mini': [''],
			'llama3.2:3b': ['Noted.'],
		});
		const answer = await dispatchChatCall(runtime, chatCall(SIMPLE));
		const tried = answer.result.attempts.map((a) => [a.model, a.kind ?? 'ok']);
		// phi3:mini is retried once on an empty reply (a transient failure), then the next model answers.
		expect(tried).toEqual([
			['phi3:mini', 'empty'],
			['phi3:mini', 'empty'],
			['llama3.2:3b', 'ok'],
		]);
		expect(answer.result.reply.text).toBe('Noted.');
	});

	it('leaves out models without tool support when the call offers tools, and says which', async () => {
		const { runtime, calls } = await scriptedChatRuntime(
			{ 'llama3.2:3b': ['Looking it up.'] },
			{ noTools: ['phi3:mini'] },
		);
		const answer = await dispatchChatCall(runtime, chatCall(SIMPLE, { tools: [LOOKUP_TOOL] }));
		expect(answer.noTools).toEqual(['phi3:mini']);
		expect(calls.map((c) => c.model)).not.toContain('phi3:mini');
		expect(answer.result.model).toBe('llama3.2:3b');
	});

	it('the call’s options go over the node’s Options (the model’s own defaults)', async () => {
		const { runtime, calls } = await scriptedChatRuntime(
			{ 'phi3:mini': ['ok'] },
			{ params: { options: { temperature: 0.1, topK: 20 } } },
		);
		await dispatchChatCall(runtime, chatCall(SIMPLE, { options: { temperature: 0.9 } }));
		expect(calls[0].options).toMatchObject({ temperature: 0.9, top_k: 20 });
	});

	it('an identical second call is reused: no model call, its text streamed at once', async () => {
		const { runtime, calls } = await scriptedChatRuntime({ 'phi3:mini': ['You are welcome.'] });
		await dispatchChatCall(runtime, chatCall(SIMPLE));
		const deltas: string[] = [];
		const again = await dispatchChatCall(
			runtime,
			chatCall(SIMPLE, { onDelta: (text) => deltas.push(text) }),
		);
		expect(calls).toHaveLength(1);
		expect(again.result.reused?.kind).toBe('this execution');
		expect(again.result.reply.text).toBe('You are welcome.');
		expect(deltas).toEqual(['You are welcome.']);
	});
});
