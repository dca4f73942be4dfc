import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * An OpenAI-compatible endpoint (OpenAI, Groq, OpenRouter, Mistral, vLLM, llama.cpp's server, LM
 * Studio, LocalAI, Ollama's own /v1): its base URL and API key. The key is applied by n8n's request
 * helper only; the node never reads it into an output, a log or an error.
 */
export class AiDispatcherOpenAiApi implements ICredentialType {
	name = 'aiDispatcherOpenAiApi';

	displayName = 'OpenAI-Compatible Endpoint API';

	icon = { light: 'file:aiDispatcher.light.svg', dark: 'file:aiDispatcher.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-ai-dispatcher#cloud-fallback';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.openai.com/v1',
			placeholder: 'https://api.openai.com/v1',
			description:
				'The URL before /chat/completions and /models, e.g. https://api.groq.com/openai/v1 or http://127.0.0.1:8000/v1',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Sent as "Authorization: Bearer". Leave empty for a local server without keys.',
		},
		{
			displayName: 'Currency',
			name: 'currency',
			type: 'string',
			default: 'USD',
			description:
				"The currency of the prices set on this endpoint's models; costs and budgets are in it",
		},
		{
			displayName: 'Allow API Key Over Plain HTTP',
			name: 'allowInsecureHttp',
			type: 'boolean',
			default: false,
			description:
				'Whether to send the key to an http:// URL on another machine (readable by anyone on the path). Loopback URLs are always allowed.',
		},
	];

	/** A method, not a description field: see AiDispatcherApi (no "Custom API Call" in the node's operations). */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const headers = { ...(requestOptions.headers ?? {}) };
		if (credentials.apiKey) headers.Authorization = `Bearer ${String(credentials.apiKey)}`;
		return { ...requestOptions, headers };
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
			url: '/models',
			method: 'GET',
		},
	};
}
