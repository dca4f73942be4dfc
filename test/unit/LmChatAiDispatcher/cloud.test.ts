/**
 * The chat sub-node with an OpenAI-compatible endpoint: an AI Agent's calls fall back from local
 * models to the priced cloud model; tools go as OpenAI function calls, JSON as response_format.
 */
jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), {
	virtual: true,
});

import type { FunctionTool } from '@n8n/ai-node-sdk';

import { createDispatcherState } from '../../../index';
import { callCostPico, picoToDecimal } from '../../../nodes/AiDispatcher/engine/cost/price';
import { supplyChatModel, user } from '../../support/chat-model';
import { closedPort } from '../../support/loopback';
import { startOpenAiSimulator, type OpenAiSimulator } from '../../support/simulator';

const KEY = 'sk-canary-chat-0c4f-never-shown';
let cloud: OpenAiSimulator;
let down = '';
beforeAll(async () => {
	cloud = await startOpenAiSimulator({ apiKey: KEY });
	down = `http://127.0.0.1:${await closedPort()}`;
});
afterAll(async () => {
	await cloud.close();
});

const models = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{
			name: 'cloud-large',
			tier: 'high',
			backend: 'openai',
			inputPricePerMTok: 2,
			outputPricePerMTok: 8,
		},
	],
};
const lookup: FunctionTool = {
	type: 'function',
	name: 'lookup_ticket',
	description: 'Look up a ticket',
	inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};
type Meta = Record<string, Record<string, unknown>>;

const supply = (params: Record<string, unknown> = {}) =>
	supplyChatModel(
		createDispatcherState(),
		down,
		{ models, useOpenAiEndpoint: true, cloud: {}, ...params },
		{ baseUrl: cloud.url, apiKey: KEY, currency: 'USD' },
	);

describe('AI Dispatcher Chat Model with an OpenAI-compatible endpoint', () => {
	it('local models down: the call falls back to the cloud model; tools go as OpenAI function calls and the tool loop completes', async () => {
		const { model, entries } = await supply();
		const withTools = model.withTools([lookup]);
		const first = await withTools.generate([user('What is the status of OPS-142? Use the tool.')]);
		const meta = (first.providerMetadata as Meta).aiDispatcher;
		expect(meta.model).toBe('cloud-large');
		expect(first.finishReason).toBe('tool-calls');
		const call = first.message.content.find((c) => c.type === 'tool-call') as {
			toolCallId: string;
			toolName: string;
			input: string;
		};
		expect(call).toMatchObject({ toolName: 'lookup_ticket' });
		expect(JSON.parse(call.input)).toEqual({
			query: 'What is the status of OPS-142? Use the tool.',
		});
		const sent = cloud.stats().bodies.at(-1) as {
			tools: Array<{ type: string; function: { name: string } }>;
		};
		expect(sent.tools[0]).toMatchObject({ type: 'function', function: { name: 'lookup_ticket' } });

		const final = await withTools.generate([
			user('What is the status of OPS-142? Use the tool.'),
			first.message,
			{
				role: 'tool',
				content: [
					{
						type: 'tool-result',
						toolCallId: call.toolCallId,
						result: { status: 'Blocked by vendor' },
					},
				],
			},
		]);
		expect(final.message.content).toEqual([
			{ type: 'text', text: expect.stringContaining('Blocked by vendor') },
		]);
		const second = cloud.stats().bodies.at(-1) as {
			messages: Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }>;
		};
		const assistant = second.messages.find((m) => m.role === 'assistant');
		const tool = second.messages.find((m) => m.role === 'tool');
		expect(tool?.tool_call_id).toBe(assistant?.tool_calls?.[0].id);
		expect(JSON.stringify(entries)).not.toContain(KEY);
	});

	it("the log entry shows the call's cost when the priced model answered (tokens × price, exact)", async () => {
		const { model, entries } = await supply();
		const reply = await model.generate([user('Summarize: the deploy moved to Friday')]);
		expect((reply.providerMetadata as Meta).aiDispatcher.model).toBe('cloud-large');
		const output = entries.at(-1)?.output as {
			model: string;
			cost?: {
				inputTokens: number;
				outputTokens: number;
				amountExact: string;
				currency: string;
				priced: boolean;
			};
		};
		expect(output.model).toBe('cloud-large');
		const cost = output.cost as NonNullable<typeof output.cost>;
		expect(cost).toMatchObject({ currency: 'USD', priced: true });
		expect(cost.inputTokens).toBeGreaterThan(0);
		expect(cost.outputTokens).toBeGreaterThan(0);
		const price = {
			inputMicrosPerMTok: 2_000_000,
			outputMicrosPerMTok: 8_000_000,
			currency: 'USD',
		};
		expect(cost.amountExact).toBe(
			picoToDecimal(callCostPico(price, cost.inputTokens, cost.outputTokens)),
		);
		expect(JSON.stringify(entries)).not.toContain(KEY);
	});

	it('JSON output is sent as response_format', async () => {
		const { model } = await supply({ options: { format: 'json' } });
		const before = cloud.stats().bodies.length;
		// The simulator's answer is not JSON, so the call then fails as invalid_json: what matters here is what was sent.
		await expect(model.generate([user('Return {"ok": true} as JSON')])).rejects.toThrow();
		const sent = cloud.stats().bodies.slice(before)[0] as { response_format?: unknown };
		expect(sent.response_format).toEqual({ type: 'json_object' });
	});
});
