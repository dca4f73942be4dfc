/** Tool conversion from the n8n AI SDK to Ollama's /api/chat function definitions. */
import type { FunctionTool, Tool } from '@n8n/ai-node-sdk';

import { toOllamaTools } from '../../../../nodes/LmChatAiDispatcher/convert/tools';

describe('SDK tools → Ollama function definitions', () => {
	const schema = {
		$schema: 'http://json-schema.org/draft-07/schema#',
		type: 'object',
		properties: { key: { type: 'string' } },
		required: ['key'],
	};
	const lookup: FunctionTool = {
		type: 'function',
		name: 'lookup_ticket',
		description: 'Find a ticket',
		inputSchema: schema,
	};

	it('converts function tools with their JSON schema (without $schema), converter applied', () => {
		const seen: string[] = [];
		const { tools, dropped } = toOllamaTools([lookup], (t) => {
			seen.push(t.name);
			return t.inputSchema as Record<string, unknown>;
		});
		expect(seen).toEqual(['lookup_ticket']);
		expect(dropped).toEqual([]);
		expect(tools).toEqual([
			{
				type: 'function',
				function: {
					name: 'lookup_ticket',
					description: 'Find a ticket',
					parameters: {
						type: 'object',
						properties: { key: { type: 'string' } },
						required: ['key'],
					},
				},
			},
		]);
	});

	it('leaves out provider tools and names them; a tool without schema gets an empty object schema', () => {
		const tools: Tool[] = [
			{ type: 'provider', name: 'web_search' },
			{ type: 'function', name: 'now', inputSchema: undefined },
		];
		const out = toOllamaTools(tools, () => {
			throw new Error('not called for a missing schema');
		});
		expect(out.dropped).toEqual(['web_search']);
		expect(out.tools).toEqual([
			{
				type: 'function',
				function: { name: 'now', description: '', parameters: { type: 'object', properties: {} } },
			},
		]);
	});
});
