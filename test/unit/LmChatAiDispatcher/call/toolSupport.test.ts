/** Which models can take a call with tools, from /api/show capabilities, asked once per model and host. */
import type { HttpPort, HttpRequest } from '../../../../nodes/AiDispatcher/engine/ports';
import {
	NO_TOOL_SUPPORT,
	toolSupport,
} from '../../../../nodes/LmChatAiDispatcher/call/toolSupport';

/** An HTTP port answering /api/show with each model's capabilities; a model not listed gets HTTP 500. */
function showPort(capabilities: Record<string, string[]>) {
	const asked: Array<{ url: string; model: string }> = [];
	const http: HttpPort = async (request: HttpRequest) => {
		const model = (request.body as { model: string }).model;
		asked.push({ url: request.url, model });
		const caps = capabilities[model];
		const text = caps ? JSON.stringify({ capabilities: caps }) : '{"error":"boom"}';
		return {
			status: caps ? 200 : 500,
			headers: { 'content-type': 'application/json' },
			body: (async function* () {
				yield text;
			})(),
		};
	};
	return { http, asked };
}

describe('toolSupport', () => {
	it('lists the models without the tools capability, each with the reason', async () => {
		const { http } = showPort({
			'phi3:mini': ['completion'],
			'qwen2.5:7b': ['completion', 'tools'],
		});
		const lacking = await toolSupport(http, 1000).lacking(
			['phi3:mini', 'qwen2.5:7b'],
			'http://o:11434',
		);
		expect([...lacking]).toEqual([['phi3:mini', NO_TOOL_SUPPORT]]);
	});

	it('does not exclude a model whose capabilities cannot be read', async () => {
		const { http } = showPort({});
		expect((await toolSupport(http, 1000).lacking(['mystery:1b'], 'http://o:11434')).size).toBe(0);
	});

	it('asks each model once per host for the life of the instance', async () => {
		const { http, asked } = showPort({ 'phi3:mini': ['completion'] });
		const support = toolSupport(http, 1000);
		await support.lacking(['phi3:mini'], 'http://a:11434');
		await support.lacking(['phi3:mini'], 'http://a:11434');
		await support.lacking(['phi3:mini'], 'http://b:11434');
		expect(asked).toEqual([
			{ url: 'http://a:11434/api/show', model: 'phi3:mini' },
			{ url: 'http://b:11434/api/show', model: 'phi3:mini' },
		]);
	});
});
