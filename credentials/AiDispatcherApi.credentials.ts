import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Where Ollama (one or more hosts) and, optionally, Prometheus live. Requests to the Prometheus URL
 * get Prometheus' auth; every other request gets the Ollama API key, when one is set.
 */
export class AiDispatcherApi implements ICredentialType {
	name = 'aiDispatcherApi';

	displayName = 'AI Dispatcher API';

	icon = { light: 'file:aiDispatcher.light.svg', dark: 'file:aiDispatcher.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-ai-dispatcher#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Ollama Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:11434',
			placeholder: 'http://127.0.0.1:11434',
			description:
				'Where Ollama listens. Several hosts that serve the same models can be listed, separated by commas.',
			required: true,
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional. Sent as "Authorization: Bearer" when Ollama sits behind Open WebUI or an authenticating proxy.',
		},
		{
			displayName: 'Prometheus URL',
			name: 'prometheusUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:9090',
			description: 'Optional. Lets the node read live load (CPU, memory, queue, GPU) to choose models.',
		},
		{
			displayName: 'Prometheus Authentication',
			name: 'prometheusAuth',
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Basic Auth', value: 'basic' },
				{ name: 'Bearer Token', value: 'bearer' },
			],
			default: 'none',
		},
		{
			displayName: 'Prometheus User',
			name: 'prometheusUser',
			type: 'string',
			default: '',
			displayOptions: { show: { prometheusAuth: ['basic'] } },
		},
		{
			displayName: 'Prometheus Password',
			name: 'prometheusPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { prometheusAuth: ['basic'] } },
		},
		{
			displayName: 'Prometheus Token',
			name: 'prometheusToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { prometheusAuth: ['bearer'] } },
		},
	];

	/**
	 * A method, not an arrow-function field: n8n lists "Custom API Call" in the Operation list of
	 * nodes whose credential description carries `authenticate`, and a prototype method is not part
	 * of that description, while n8n's request helper still applies it. This auth splits Ollama and
	 * Prometheus by URL and is not meant for the HTTP Request node.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const target = `${requestOptions.baseURL ?? ''}${requestOptions.url ?? ''}`;
		const prometheusUrl = String(credentials.prometheusUrl ?? '').trim().replace(/\/+$/, '');
		const headers = { ...(requestOptions.headers ?? {}) };
		if (prometheusUrl !== '' && target.startsWith(prometheusUrl)) {
			if (credentials.prometheusAuth === 'basic') {
				return {
					...requestOptions,
					auth: {
						username: String(credentials.prometheusUser ?? ''),
						password: String(credentials.prometheusPassword ?? ''),
					},
				};
			}
			if (credentials.prometheusAuth === 'bearer' && credentials.prometheusToken) {
				headers.Authorization = `Bearer ${String(credentials.prometheusToken)}`;
			}
			return { ...requestOptions, headers };
		}
		if (credentials.apiKey) headers.Authorization = `Bearer ${String(credentials.apiKey)}`;
		return { ...requestOptions, headers };
	}
}
