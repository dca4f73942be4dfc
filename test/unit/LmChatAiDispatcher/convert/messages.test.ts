/** Message conversion between the n8n AI SDK and Ollama's /api/chat, both ways. */
import type { Message } from '@n8n/ai-node-sdk';

import {
	toGenerateResult,
	toOllamaConversation,
} from '../../../../nodes/LmChatAiDispatcher/convert/messages';

const text = (t: string) => ({ type: 'text' as const, text: t });

describe('SDK messages → Ollama chat messages', () => {
	it('keeps roles and joins text blocks; reasoning and files are not sent', () => {
		const messages: Message[] = [
			{ role: 'system', content: [text('You triage tickets.')] },
			{
				role: 'user',
				content: [
					text('Look at OPS-142.'),
					{ type: 'reasoning', text: 'hidden' },
					text('Be brief.'),
				],
			},
		];
		expect(toOllamaConversation(messages)).toEqual({
			messages: [
				{ role: 'system', content: 'You triage tickets.' },
				{ role: 'user', content: 'Look at OPS-142.\n\nBe brief.' },
			],
			analysedText: 'Look at OPS-142.\n\nBe brief.',
		});
	});

	it('turns assistant tool calls into tool_calls and tool results into role "tool" with the tool name', () => {
		const messages: Message[] = [
			{ role: 'user', content: [text('Who owns OPS-142?')] },
			{
				role: 'assistant',
				content: [
					{
						type: 'tool-call',
						toolCallId: 'c1',
						toolName: 'lookup_ticket',
						input: '{"key":"OPS-142"}',
					},
					{ type: 'tool-call', toolCallId: 'c2', toolName: 'list_owners', input: '' },
				],
			},
			{
				role: 'tool',
				content: [{ type: 'tool-result', toolCallId: 'c1', result: { owner: 'Dana' } }],
			},
			{ role: 'tool', content: [{ type: 'tool-result', toolCallId: 'c2', result: 'Dana, Lee' }] },
		];
		const { messages: out, analysedText } = toOllamaConversation(messages);
		expect(out).toEqual([
			{ role: 'user', content: 'Who owns OPS-142?' },
			{
				role: 'assistant',
				content: '',
				tool_calls: [
					{ function: { name: 'lookup_ticket', arguments: { key: 'OPS-142' } } },
					{ function: { name: 'list_owners', arguments: {} } },
				],
			},
			{ role: 'tool', content: '{"owner":"Dana"}', tool_name: 'lookup_ticket' },
			{ role: 'tool', content: 'Dana, Lee', tool_name: 'list_owners' },
		]);
		// The analysed text is the last user turn, not the tool traffic after it.
		expect(analysedText).toBe('Who owns OPS-142?');
	});

	it('analyses the LAST user turn of a longer conversation', () => {
		const { analysedText } = toOllamaConversation([
			{ role: 'user', content: [text('Write a haiku')] },
			{ role: 'assistant', content: [text('Leaves fall...')] },
			{ role: 'user', content: [text('Now explain the CAP theorem trade-offs in detail')] },
		]);
		expect(analysedText).toBe('Now explain the CAP theorem trade-offs in detail');
	});

	it('falls back to the last non-empty turn when there is no user turn', () => {
		expect(
			toOllamaConversation([{ role: 'system', content: [text('Summarize: the meeting moved')] }])
				.analysedText,
		).toBe('Summarize: the meeting moved');
	});

	it('keeps a non-JSON tool-call input under "input"', () => {
		const { messages } = toOllamaConversation([
			{
				role: 'assistant',
				content: [{ type: 'tool-call', toolCallId: 'x', toolName: 'calc', input: '2+2' }],
			},
		]);
		expect(messages[0].tool_calls).toEqual([
			{ function: { name: 'calc', arguments: { input: '2+2' } } },
		]);
	});

	it('uses the message name for a tool result whose call is not in the conversation', () => {
		const { messages } = toOllamaConversation([
			{
				role: 'tool',
				name: 'search',
				content: [{ type: 'tool-result', toolCallId: 'gone', result: [text('found it')] }],
			},
		]);
		expect(messages).toEqual([{ role: 'tool', content: 'found it', tool_name: 'search' }]);
	});

	it('names the message when its content is not an array', () => {
		expect(() =>
			toOllamaConversation([{ role: 'user', content: 'hi' } as unknown as Message]),
		).toThrow('AI Dispatcher Chat Model: message 0 has no content array (role "user")');
	});
});

describe('Ollama reply → SDK result', () => {
	let n = 0;
	const newId = () => `id${++n}`;
	beforeEach(() => (n = 0));

	it('a text answer: one text block, finish "stop", usage, metadata', () => {
		const result = toGenerateResult(
			{ text: 'Done.', doneReason: 'stop', promptTokens: 10, completionTokens: 3 },
			newId,
			{ aiDispatcher: { model: 'm' } },
		);
		expect(result).toEqual({
			finishReason: 'stop',
			usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13 },
			message: { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
			providerMetadata: { aiDispatcher: { model: 'm' } },
		});
	});

	it('tool calls: one tool-call block each, with fresh ids and JSON input, finish "tool-calls"', () => {
		const result = toGenerateResult(
			{
				text: '',
				toolCalls: [
					{ function: { name: 'lookup_ticket', arguments: { key: 'OPS-142' } } },
					{ function: { name: 'list_owners', arguments: {} } },
				],
				promptTokens: 5,
				completionTokens: 0,
			},
			newId,
			{},
		);
		expect(result.finishReason).toBe('tool-calls');
		expect(result.message.content).toEqual([
			{
				type: 'tool-call',
				toolCallId: 'id1',
				toolName: 'lookup_ticket',
				input: '{"key":"OPS-142"}',
			},
			{ type: 'tool-call', toolCallId: 'id2', toolName: 'list_owners', input: '{}' },
		]);
	});

	it('a reply cut by num_predict finishes with "length"', () => {
		expect(
			toGenerateResult(
				{ text: 'Once upon', doneReason: 'length', promptTokens: 1, completionTokens: 2 },
				newId,
				{},
			).finishReason,
		).toBe('length');
	});

	it('round trip: the assistant turn it produces converts back into the same Ollama tool calls', () => {
		const calls = [
			{ function: { name: 'lookup_ticket', arguments: { key: 'OPS-7', verbose: true } } },
		];
		const result = toGenerateResult(
			{ text: 'Checking.', toolCalls: calls, promptTokens: 1, completionTokens: 1 },
			newId,
			{},
		);
		const back = toOllamaConversation([result.message]);
		expect(back.messages).toEqual([{ role: 'assistant', content: 'Checking.', tool_calls: calls }]);
	});
});
