/** The simulator's tool calling rules (test/support/simulator/tools.ts). */
import { simCapabilities, toolTurn, unsupportedToolsError } from '../../../support/simulator/tools';

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

describe('simulator tool rules', () => {
	it('phi3 has no tool support; other families have it; a listed capability set wins', () => {
		expect(simCapabilities({ family: 'phi3' })).toEqual(['completion']);
		expect(simCapabilities({ family: 'llama' })).toEqual(['completion', 'tools']);
		expect(simCapabilities({ family: 'llama', capabilities: ['completion'] })).toEqual([
			'completion',
		]);
	});

	it("tools for a model without the capability: Ollama's error text", () => {
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
		expect(
			toolTurn(
				{
					messages: [
						ask,
						{ role: 'assistant', content: '' },
						{ role: 'tool', content: '{"status":"Open"}' },
					],
					tools: [lookup],
				},
				'm',
			),
		).toEqual({
			text: '[m] From the tool result: {"status":"Open"}',
		});
		expect(toolTurn({ messages: [ask] }, 'm')).toBeNull();
	});
});
