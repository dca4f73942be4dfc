/**
 * The result carries the answering model's full reply (`DispatchResult.reply`: text, tool calls, done
 * reason), and a reply that only calls tools is an answer, not an empty reply; a reply with neither
 * text nor tool calls is still a failed attempt.
 */
import { DispatcherError } from '../../../nodes/AiDispatcher/engine/errors';
import { dispatch } from '../../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest, ToolCall } from '../../../nodes/AiDispatcher/engine/types';
import { promptItem, threeModelConfig } from '../../support/engine-config';
import { fakePorts, scriptedOllama } from '../../support/fakes';

const config = threeModelConfig();
const request = (format: DispatchRequest['format'] = { type: 'text' }): DispatchRequest =>
	promptItem({ prompt: 'What is the status of OPS-142?', complexity: 'low', format });
const lookup: ToolCall = { function: { name: 'lookup_ticket', arguments: { key: 'OPS-142' } } };

describe('DispatchResult.reply', () => {
	it('is the answering model’s reply as it came back: text, tool calls, done reason', async () => {
		const { ollama } = scriptedOllama({
			'phi3:mini': [{ text: 'Looking it up.', toolCalls: [lookup], doneReason: 'stop' }],
		});
		const result = await dispatch(request(), config, createDispatcherState(), fakePorts(ollama));
		expect(result.reply).toEqual({
			text: 'Looking it up.',
			toolCalls: [lookup],
			doneReason: 'stop',
		});
		expect(result.response).toBe('Looking it up.');
	});

	it('a reply that only calls tools answers: no text, its tool calls, no fallback', async () => {
		const { ollama, calls } = scriptedOllama({
			'phi3:mini': [{ text: '', toolCalls: [lookup] }],
			'llama3.2:3b': ['should not be called'],
		});
		const result = await dispatch(request(), config, createDispatcherState(), fakePorts(ollama));
		expect(result.model).toBe('phi3:mini');
		expect(result.reply).toEqual({ text: '', toolCalls: [lookup] });
		expect(result.response).toBe('');
		expect(result.attempts.map((a) => a.ok)).toEqual([true]);
		expect(calls.map((c) => c.model)).toEqual(['phi3:mini']);
	});

	it('a reply with neither text nor tool calls is an empty reply: a failed attempt, the next model answers', async () => {
		const { ollama } = scriptedOllama({
			'phi3:mini': [{ text: '  \n', toolCalls: [] }],
			'llama3.2:3b': ['OPS-142 is open.'],
		});
		const result = await dispatch(request(), config, createDispatcherState(), fakePorts(ollama));
		expect(result.attempts.map((a) => [a.model, a.kind ?? 'ok'])).toEqual([
			['phi3:mini', 'empty'],
			['llama3.2:3b', 'ok'],
		]);
		expect(result.reply.text).toBe('OPS-142 is open.');
	});

	it('when every reply is empty, the item fails with every attempt empty', async () => {
		const { ollama } = scriptedOllama({
			'phi3:mini': [''],
			'llama3.2:3b': [''],
			'qwen2.5:7b': [''],
		});
		const failed = await dispatch(
			request(),
			config,
			createDispatcherState(),
			fakePorts(ollama),
		).then(
			() => undefined,
			(error: unknown) => error,
		);
		expect(failed).toBeInstanceOf(DispatcherError);
		expect((failed as DispatcherError).code).toBe('ALL_CANDIDATES_FAILED');
		expect((failed as DispatcherError).attempts?.map((a) => a.kind)).toEqual([
			'empty',
			'empty',
			'empty',
		]);
	});

	it('text that is not the JSON asked for still fails, tool calls or not', async () => {
		const { ollama } = scriptedOllama({
			'phi3:mini': [{ text: 'not json', toolCalls: [lookup] }],
			'llama3.2:3b': ['{"status":"open"}'],
		});
		const result = await dispatch(
			request({ type: 'json' }),
			config,
			createDispatcherState(),
			fakePorts(ollama),
		);
		expect(result.attempts.map((a) => a.kind ?? 'ok')).toEqual(['invalid_json', 'ok']);
		expect(result.response).toEqual({ status: 'open' });
	});
});
