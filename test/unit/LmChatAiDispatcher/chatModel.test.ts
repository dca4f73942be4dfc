/**
 * The chat model against the Ollama simulator: per-call routing with decisions in the metadata and
 * the logs panel, tool calling with tool-capable filtering, and streaming with fallback only before
 * the first token.
 */
jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), {
	virtual: true,
});

import type { FunctionTool, StreamChunk } from '@n8n/ai-node-sdk';

import { createDispatcherState, type DispatcherState } from '../../../index';
import { NO_TOOL_SUPPORT } from '../../../nodes/LmChatAiDispatcher/call/toolSupport';
import {
	COMPLEX,
	SIMPLE,
	drain,
	supplyChatModel,
	useChatSimulator,
	user,
} from '../../support/chat-model';
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

type Meta = { aiDispatcher: Record<string, unknown> };

describe('generate: each call planned on its own', () => {
	it('a simple call goes to the low tier, a complex one to the high tier; decisions in metadata and logs', async () => {
		const { model, entries } = await supplyChatModel(state, sim.url);
		const simple = await model.generate([user(SIMPLE)]);
		const complex = await model.generate([
			{ role: 'system', content: [{ type: 'text', text: 'You are an SRE.' }] },
			user(COMPLEX),
		]);

		expect(simple.message.content).toEqual([
			{ type: 'text', text: expect.stringMatching(/^\[phi3:mini\] /) },
		]);
		expect(complex.message.content).toEqual([
			{ type: 'text', text: expect.stringMatching(/^\[qwen2\.5:7b\] /) },
		]);
		expect((simple.providerMetadata as Meta).aiDispatcher).toMatchObject({
			model: 'phi3:mini',
			tier: 'low',
			complexity: { tier: 'low' },
		});
		expect((complex.providerMetadata as Meta).aiDispatcher).toMatchObject({
			model: 'qwen2.5:7b',
			tier: 'high',
			reason: expect.any(String),
			attempts: [{ model: 'qwen2.5:7b', ok: true }],
		});
		expect(simple.usage?.completionTokens).toBeGreaterThan(0);

		// One logs-panel entry per call: the conversation in, the decision and reply out.
		expect(entries).toHaveLength(2);
		expect(entries[1].input).toMatchObject({ analysedText: COMPLEX, tools: [], streaming: false });
		expect(entries[1].output).toMatchObject({
			model: 'qwen2.5:7b',
			tier: 'high',
			response: expect.stringMatching(/^\[qwen2\.5:7b\]/),
		});
		expect(
			(entries[1].output as { decision: { candidates: unknown[] } }).decision.candidates,
		).toHaveLength(3);
	});

	it('falls back when the chosen model fails, and the logs show the attempts', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'http500' });
		const { model, entries } = await supplyChatModel(state, sim.url);
		const result = await model.generate([user(COMPLEX)]);
		const meta = (result.providerMetadata as Meta).aiDispatcher as {
			model: string;
			attempts: Array<{ model: string; ok: boolean }>;
		};
		expect(meta.model).not.toBe('qwen2.5:7b');
		expect(meta.attempts[0]).toMatchObject({ model: 'qwen2.5:7b', ok: false });
		expect(meta.attempts[meta.attempts.length - 1]).toMatchObject({ model: meta.model, ok: true });
		expect(entries[0].output).toMatchObject({ model: meta.model });
	});

	it('all candidates failing is an error naming each attempt, logged on the entry', async () => {
		for (const m of ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'])
			sim.setFault(m, { kind: 'notfound' });
		const { model, entries } = await supplyChatModel(state, sim.url);
		const error = (await model.generate([user(SIMPLE)]).catch((e: unknown) => e)) as {
			message: string;
			description?: string;
		};
		expect(error.message).toBe(
			'All 3 models failed: phi3:mini, llama3.2:3b and qwen2.5:7b not installed',
		);
		expect(error.description).toMatch(/1\. phi3:mini \(\d+ ms\): HTTP 404/);
		expect(entries[0].error?.message).toMatch(/All 3 models failed/);
	});

	it("passes the root node's call options (stop words, max tokens) to Ollama", async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const result = await model.generate([user(SIMPLE)], { maxTokens: 2, stopSequences: ['zzz'] });
		expect(result.finishReason).toBe('length');
		expect(result.usage?.completionTokens).toBe(2);
	});
});

describe('tool calling', () => {
	it('a call carrying tools skips models without tool support (the decision says so), and the tool loop completes', async () => {
		const { model, entries } = await supplyChatModel(state, sim.url);
		const withTools = model.withTools([lookup]);
		const first = await withTools.generate([user('What is the status of OPS-142? Use the tool.')]);
		const meta = (first.providerMetadata as Meta).aiDispatcher as Record<string, unknown>;
		expect(meta.skippedForTools).toEqual(['phi3:mini']);
		expect(meta.model).toBe('llama3.2:3b'); // the simple call would go to phi3:mini without tools
		expect(first.finishReason).toBe('tool-calls');
		const call = first.message.content.find((c) => c.type === 'tool-call');
		expect(call).toEqual({
			type: 'tool-call',
			toolCallId: expect.stringMatching(/^call_/),
			toolName: 'lookup_ticket',
			input: '{"key":"OPS-142"}',
		});
		const decision = (
			entries[0].output as { decision: { candidates: Array<{ model: string; excluded?: string }> } }
		).decision;
		expect(decision.candidates.find((c) => c.model === 'phi3:mini')?.excluded).toBe(
			NO_TOOL_SUPPORT,
		);
		expect(entries[0].input).toMatchObject({ tools: ['lookup_ticket'] });
		expect(sim.stats().generations['phi3:mini'] ?? 0).toBe(0);

		const toolCallId = (call as { toolCallId: string }).toolCallId;
		const final = await withTools.generate([
			user('What is the status of OPS-142? Use the tool.'),
			first.message,
			{
				role: 'tool',
				content: [
					{
						type: 'tool-result',
						toolCallId,
						result: { key: 'OPS-142', status: 'Blocked by vendor' },
					},
				],
			},
		]);
		expect(final.finishReason).toBe('stop');
		expect(final.message.content).toEqual([
			{ type: 'text', text: expect.stringContaining('Blocked by vendor') },
		]);
	});

	it('the same call without tools may use the model without tool support', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const result = await model.generate([user('What is the status of OPS-142?')]);
		expect((result.providerMetadata as Meta).aiDispatcher).toMatchObject({
			model: 'phi3:mini',
			skippedForTools: [],
		});
	});

	it('when /api/show cannot tell, Ollama\'s HTTP 400 "does not support tools" moves the call to the next model', async () => {
		const { model } = await supplyChatModel(state, sim.url, {
			models: {
				model: [
					{ name: 'phi3:mini', tier: 'low' },
					{ name: 'llama3.2:3b', tier: 'medium' },
				],
			},
			// Forced low so the call starts on phi3:mini (the trained router rates this short question high).
			complexity: 'low',
		});
		// Simulate an Ollama whose /api/show fails: the check then excludes nothing.
		sim.setFault('phi3:mini', null);
		const original = global.fetch;
		global.fetch = (async (url: string | URL | Request, init?: RequestInit) =>
			String(url).endsWith('/api/show')
				? new Response('{"error":"boom"}', { status: 500 })
				: original(url, init)) as typeof fetch;
		try {
			const result = await model.withTools([lookup]).generate([user('Status of OPS-9?')]);
			const meta = (result.providerMetadata as Meta).aiDispatcher as {
				model: string;
				attempts: Array<{ model: string; error: string | null }>;
			};
			expect(meta.model).toBe('llama3.2:3b');
			expect(meta.attempts[0]).toMatchObject({
				model: 'phi3:mini',
				error: 'HTTP 400: registry.ollama.ai/library/phi3:mini does not support tools',
			});
		} finally {
			global.fetch = original;
		}
	});
});

describe('streaming: fallback only before the first token', () => {
	const texts = (chunks: StreamChunk[]) =>
		chunks.filter((c) => c.type === 'text-delta').map((c) => (c as { delta: string }).delta);

	it('streams the answer as text deltas, then a finish chunk with usage', async () => {
		const { model, entries } = await supplyChatModel(state, sim.url);
		const { chunks, error } = await drain(model.stream([user(SIMPLE)]));
		expect(error).toBeUndefined();
		expect(texts(chunks).length).toBeGreaterThan(1);
		expect(texts(chunks).join('')).toMatch(/^\[phi3:mini\] /);
		expect(chunks[chunks.length - 1]).toMatchObject({
			type: 'finish',
			finishReason: 'stop',
			usage: { completionTokens: expect.any(Number) },
		});
		expect(entries[0].input).toMatchObject({ streaming: true });
	});

	it("a failure before the first token falls back: only the next model's text is streamed", async () => {
		sim.setFault('phi3:mini', { kind: 'http500' });
		const { model } = await supplyChatModel(state, sim.url, { options: { maxRetries: 0 } });
		const { chunks, error } = await drain(model.stream([user(SIMPLE)]));
		expect(error).toBeUndefined();
		const streamed = texts(chunks).join('');
		expect(streamed).not.toContain('phi3:mini');
		expect(streamed).toMatch(/^\[llama3\.2:3b\] /);
	});

	it('a failure after the first token is an error naming the model; no other model is called', async () => {
		sim.setFault('phi3:mini', { kind: 'midstream' });
		const { model, entries } = await supplyChatModel(state, sim.url);
		const { chunks, error } = await drain(model.stream([user(SIMPLE)]));
		expect(texts(chunks).length).toBeGreaterThan(0);
		expect(texts(chunks).join('')).toMatch(/^\[phi3:mini\]/);
		expect(error?.message).toMatch(
			/^phi3:mini failed after \d+ characters of its answer had been streamed: error in stream: an error was encountered/,
		);
		expect(error?.message).toContain('No other model was tried');
		const { generations } = sim.stats();
		expect([
			generations['phi3:mini'],
			generations['llama3.2:3b'] ?? 0,
			generations['qwen2.5:7b'] ?? 0,
		]).toEqual([1, 0, 0]);
		expect(entries[0].error?.message).toBe(error?.message);
	});

	it('the same mid-stream failure without streaming falls back (nothing was sent yet)', async () => {
		sim.setFault('phi3:mini', { kind: 'midstream' });
		const { model } = await supplyChatModel(state, sim.url, { options: { maxRetries: 0 } });
		const result = await model.generate([user(SIMPLE)]);
		expect((result.providerMetadata as Meta).aiDispatcher).toMatchObject({ model: 'llama3.2:3b' });
	});

	it('a streamed tool call arrives as a tool-call delta and a "tool-calls" finish', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const { chunks, error } = await drain(
			model.withTools([lookup]).stream([user('Status of OPS-77?')]),
		);
		expect(error).toBeUndefined();
		expect(chunks.filter((c) => c.type === 'tool-call-delta')).toEqual([
			{
				type: 'tool-call-delta',
				id: expect.stringMatching(/^call_/),
				name: 'lookup_ticket',
				argumentsDelta: '{"key":"OPS-77"}',
			},
		]);
		expect(chunks[chunks.length - 1]).toMatchObject({ type: 'finish', finishReason: 'tool-calls' });
	});

	it('a reader that stops early cancels the call', async () => {
		const { model } = await supplyChatModel(state, sim.url);
		const stream = model.stream([user(COMPLEX)]);
		for await (const chunk of stream) {
			expect(chunk.type).toBe('text-delta');
			break;
		}
		// The break ran the generator's finally: the request was aborted and awaited, nothing left open.
		expect(sim.stats().generations['qwen2.5:7b']).toBe(1);
	});
});
