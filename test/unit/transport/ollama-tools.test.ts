/** The transport's chat-with-tools path against the simulator, and tool-call parsing. */
import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import {
	capabilities,
	createOllamaClient,
	parseToolCalls,
} from '../../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../../support/http-port';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';

const lookup = {
	type: 'function',
	function: {
		name: 'lookup_ticket',
		description: 'Find a ticket',
		parameters: {
			type: 'object',
			properties: { key: { type: 'string' }, limit: { type: 'integer' } },
		},
	},
};

describe('transport: /api/chat with tools against the simulator', () => {
	let sim: OllamaSimulator;
	const http = fetchHttpPort();
	const ollama = createOllamaClient(http);
	beforeAll(async () => {
		sim = await startOllamaSimulator({ timeScale: 0.002 });
	});
	afterAll(async () => {
		await sim.close();
	});
	const call = (
		model: string,
		messages: Array<{ role: 'user' | 'tool' | 'assistant'; content: string }>,
	) => ({
		baseUrl: sim.url,
		model,
		messages,
		format: { type: 'text' as const },
		options: {},
		timeoutMs: 5_000,
		tools: [lookup],
	});

	it('sends tools and returns the streamed tool calls (empty text, done reason)', async () => {
		const deltas: string[] = [];
		const outcome = await ollama.generate({
			...call('llama3.2:3b', [{ role: 'user', content: 'Check OPS-7' }]),
			onDelta: (t) => deltas.push(t),
		});
		expect(outcome.text).toBe('');
		expect(outcome.toolCalls).toEqual([
			{ function: { name: 'lookup_ticket', arguments: { key: 'OPS-7', limit: 1 } } },
		]);
		expect(outcome.doneReason).toBe('stop');
		expect(deltas).toEqual([]);
	});

	it('streams text deltas of the final answer, in order, adding up to the text', async () => {
		const deltas: string[] = [];
		const outcome = await ollama.generate({
			...call('llama3.2:3b', [
				{ role: 'user', content: 'Check OPS-7' },
				{ role: 'tool', content: '{"status":"Open"}' },
			]),
			onDelta: (t) => deltas.push(t),
		});
		expect(deltas.length).toBeGreaterThan(1);
		expect(deltas.join('')).toBe(outcome.text);
		expect(outcome.text).toContain('{"status":"Open"}');
		expect(outcome.toolCalls).toBeUndefined();
	});

	it('a model without tool support: HTTP 400 "does not support tools" as a bad_request', async () => {
		const error = await ollama
			.generate(call('phi3:mini', [{ role: 'user', content: 'Check OPS-7' }]))
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({
			kind: 'bad_request',
			status: 400,
			message: 'HTTP 400: registry.ollama.ai/library/phi3:mini does not support tools',
		});
	});

	it('reads capabilities from /api/show', async () => {
		expect(await capabilities(http, sim.url, 'qwen2.5:7b', 5_000)).toEqual(['completion', 'tools']);
		expect(await capabilities(http, sim.url, 'phi3:mini', 5_000)).toEqual(['completion']);
		await expect(capabilities(http, sim.url, 'nope:1b', 5_000)).rejects.toMatchObject({
			kind: 'not_found',
		});
	});
});

describe('parseToolCalls', () => {
	it.each([
		[undefined, []],
		[
			[{ function: { name: 'f', arguments: { a: 1 } } }],
			[{ function: { name: 'f', arguments: { a: 1 } } }],
		],
		[
			[{ function: { name: 'f', arguments: '{"a":2}' } }],
			[{ function: { name: 'f', arguments: { a: 2 } } }],
		],
		[
			[{ function: { name: 'f', arguments: 'plain' } }],
			[{ function: { name: 'f', arguments: { input: 'plain' } } }],
		],
		[[{ function: { name: 'f' } }], [{ function: { name: 'f', arguments: {} } }]],
	])('%j → %j', (wire, want) => {
		expect(parseToolCalls(wire)).toEqual(want);
	});

	it.each([
		['not an array', { function: {} }, /message\.tool_calls is not an array/],
		['no name', [{ function: { arguments: {} } }], /message\.tool_calls\[0\] has no function name/],
	])('rejects %s as garbage', (_, wire, message) => {
		expect(() => parseToolCalls(wire)).toThrow(message);
		expect(() => parseToolCalls(wire)).toThrow(TransportError);
	});
});
