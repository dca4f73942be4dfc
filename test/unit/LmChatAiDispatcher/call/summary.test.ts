/** What a user sees of each call (logs panel entries, the message's response metadata). */
import type { ToolCall } from '../../../../nodes/AiDispatcher/engine/types';
import { dispatchChatCall } from '../../../../nodes/LmChatAiDispatcher/call/dispatchCall';
import {
	callDecisionJson,
	callInputJson,
	callOutputJson,
} from '../../../../nodes/LmChatAiDispatcher/call/summary';
import { chatCall, LOOKUP_TOOL, scriptedChatRuntime } from '../../../support/chat-call';

const lookup: ToolCall = { function: { name: 'lookup_ticket', arguments: { key: 'OPS-142' } } };
const ASK = 'What is the status of OPS-142?';

describe('callInputJson', () => {
	it('shows the conversation (tool calls and tool results by name), what was analysed, the tools and streaming', () => {
		const call = chatCall(ASK, {
			conversation: {
				messages: [
					{ role: 'user', content: ASK },
					{ role: 'assistant', content: '', tool_calls: [lookup] },
					{ role: 'tool', content: 'open', tool_name: 'lookup_ticket' },
				],
				analysedText: ASK,
			},
			tools: [LOOKUP_TOOL],
			onDelta: () => undefined,
		});
		expect(callInputJson(call)).toEqual({
			messages: [
				{ role: 'user', content: ASK },
				{
					role: 'assistant',
					content: '',
					tool_calls: [{ name: 'lookup_ticket', arguments: { key: 'OPS-142' } }],
				},
				{ role: 'tool', content: 'open', tool_name: 'lookup_ticket' },
			],
			analysedText: ASK,
			tools: ['lookup_ticket'],
			streaming: true,
		});
	});

	it('not streamed: streaming false', () => {
		expect(callInputJson(chatCall(ASK)).streaming).toBe(false);
	});
});

describe('callDecisionJson / callOutputJson', () => {
	it('a text answer: model, tier, reason, attempts, usage; the output adds the response, decision and token usage', async () => {
		const { runtime } = await scriptedChatRuntime({ 'phi3:mini': ['It is open.'] });
		const answer = await dispatchChatCall(runtime, chatCall(ASK));
		const decision = callDecisionJson(answer);
		expect(decision).toMatchObject({
			summary: answer.summary,
			model: 'phi3:mini',
			tier: 'low',
			host: 'http://ollama:11434',
			reason: answer.result.decision.reason,
			skippedForTools: [],
			toolCalls: [],
			usage: { prompt_tokens: 10, completion_tokens: 5 },
		});
		expect(decision.attempts).toEqual([expect.objectContaining({ model: 'phi3:mini', ok: true })]);
		expect(decision).not.toHaveProperty('reused');
		const output = callOutputJson(answer);
		expect(output).toMatchObject({
			response: 'It is open.',
			tokenUsage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
		});
		expect((output.decision as { alternatives: string[] }).alternatives).toEqual(
			answer.result.decision.alternatives,
		);
	});

	it('a tool-calls-only answer: the tool names from the engine’s reply, an empty response', async () => {
		const { runtime } = await scriptedChatRuntime(
			{ 'llama3.2:3b': [{ text: '', toolCalls: [lookup] }] },
			{ noTools: ['phi3:mini'] },
		);
		const answer = await dispatchChatCall(runtime, chatCall(ASK, { tools: [LOOKUP_TOOL] }));
		expect(callDecisionJson(answer)).toMatchObject({
			toolCalls: ['lookup_ticket'],
			skippedForTools: ['phi3:mini'],
		});
		expect(callOutputJson(answer).response).toBe('');
	});

	it('a reused answer says so', async () => {
		const { runtime } = await scriptedChatRuntime({ 'phi3:mini': ['It is open.'] });
		await dispatchChatCall(runtime, chatCall(ASK));
		const again = await dispatchChatCall(runtime, chatCall(ASK));
		expect(callDecisionJson(again)).toMatchObject({
			attempts: [],
			reused: { how: 'this execution', model: 'phi3:mini' },
		});
		expect(callOutputJson(again).response).toBe('It is open.');
	});
});
