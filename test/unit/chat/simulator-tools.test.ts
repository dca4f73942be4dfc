/** The simulator's tool calling (test/support/simulator-tools.ts) and the transport's chat-with-tools path. */
import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import { capabilities, createOllamaClient, parseToolCalls } from '../../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../../support/http-port';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/ollama-simulator';
import { simCapabilities, toolTurn, unsupportedToolsError } from '../../support/simulator-tools';

const lookup = {
	type: 'function',
	function: { name: 'lookup_ticket', description: 'Find a ticket', parameters: { type: 'object', properties: { key: { type: 'string' }, limit: { type: 'integer' } } } },
};

describe('simulator tool rules', () => {
	it('phi3 has no tool support; other families have it; a listed capability set wins', () => {
		expect(simCapabilities({ family: 'phi3' })).toEqual(['completion']);
		expect(simCapabilities({ family: 'llama' })).toEqual(['completion', 'tools']);
		expect(simCapabilities({ family: 'llama', capabilities: ['completion'] })).toEqual(['completion']);
	});

	it('tools for a model without the capability: Ollama\'s error text', () => {
		expect(unsupportedToolsError({ tools: [lookup] }, { name: 'phi3:mini', family: 'phi3' })).toBe(
			'registry.ollama.ai/library/phi3:mini does not support tools',
		);
		expect(unsupportedToolsError({ tools: [lookup] }, { name: 'mistral', family: 'phi3' })).toBe(
			'registry.ollama.ai/library/mistral:latest does not support tools',
		);
		expect(unsupportedToolsError({ tools: [] }, { name: 'phi3:mini', family: 'phi3' })).toBeNull();
	});

	it('calls the first tool with arguments from the user turn, then answers from the tool result', () => {
		const ask = { role: 'user', content: 'Status of OPS-42 please' };
		expect(toolTurn({ messages: [ask], tools: [lookup] }, 'm')).toEqual({
			toolCalls: [{ function: { name: 'lookup_ticket', arguments: { key: 'OPS-42', limit: 1 } } }],
			text: '',
		});
		expect(toolTurn({ messages: [ask, { role: 'assistant', content: '' }, { role: 'tool', content: '{"status":"Open"}' }], tools: [lookup] }, 'm')).toEqual({
			text: '[m] From the tool result: {"status":"Open"}',
		});
		expect(toolTurn({ messages: [ask] }, 'm')).toBeNull();
	});
});

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
	const call = (model: string, messages: Array<{ role: 'user' | 'tool' | 'assistant'; content: string }>) => ({
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
		const outcome = await ollama.generate({ ...call('llama3.2:3b', [{ role: 'user', content: 'Check OPS-7' }]), onDelta: (t) => deltas.push(t) });
		expect(outcome.text).toBe('');
		expect(outcome.toolCalls).toEqual([{ function: { name: 'lookup_ticket', arguments: { key: 'OPS-7', limit: 1 } } }]);
		expect(outcome.doneReason).toBe('stop');
		expect(deltas).toEqual([]);
	});

	it('streams text deltas of the final answer, in order, adding up to the text', async () => {
		const deltas: string[] = [];
		const outcome = await ollama.generate({
			...call('llama3.2:3b', [{ role: 'user', content: 'Check OPS-7' }, { role: 'tool', content: '{"status":"Open"}' }]),
			onDelta: (t) => deltas.push(t),
		});
		expect(deltas.length).toBeGreaterThan(1);
		expect(deltas.join('')).toBe(outcome.text);
		expect(outcome.text).toContain('{"status":"Open"}');
		expect(outcome.toolCalls).toBeUndefined();
	});

	it('a model without tool support: HTTP 400 "does not support tools" as a bad_request', async () => {
		const error = await ollama.generate(call('phi3:mini', [{ role: 'user', content: 'Check OPS-7' }])).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(TransportError);
		expect(error).toMatchObject({ kind: 'bad_request', status: 400, message: 'HTTP 400: registry.ollama.ai/library/phi3:mini does not support tools' });
	});

	it('reads capabilities from /api/show', async () => {
		expect(await capabilities(http, sim.url, 'qwen2.5:7b', 5_000)).toEqual(['completion', 'tools']);
		expect(await capabilities(http, sim.url, 'phi3:mini', 5_000)).toEqual(['completion']);
		await expect(capabilities(http, sim.url, 'nope:1b', 5_000)).rejects.toMatchObject({ kind: 'not_found' });
	});
});

describe('parseToolCalls', () => {
	it.each([
		[undefined, []],
		[[{ function: { name: 'f', arguments: { a: 1 } } }], [{ function: { name: 'f', arguments: { a: 1 } } }]],
		[[{ function: { name: 'f', arguments: '{"a":2}' } }], [{ function: { name: 'f', arguments: { a: 2 } } }]],
		[[{ function: { name: 'f', arguments: 'plain' } }], [{ function: { name: 'f', arguments: { input: 'plain' } } }]],
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
