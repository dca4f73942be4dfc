import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

type Service = 'prometheus' | 'pushgateway';

/** A service's URL and its auth fields (none, basic, bearer): `<service>Url`, `<service>Auth`, `<service>User`, ... */
function serviceProperties(
	service: Service,
	label: string,
	url: { placeholder: string; description: string },
): INodeProperties[] {
	const auth = `${service}Auth`;
	return [
		{ displayName: `${label} URL`, name: `${service}Url`, type: 'string', default: '', ...url },
		{
			displayName: `${label} Authentication`,
			name: auth,
			type: 'options',
			options: [
				{ name: 'None', value: 'none' },
				{ name: 'Basic Auth', value: 'basic' },
				{ name: 'Bearer Token', value: 'bearer' },
			],
			default: 'none',
		},
		{
			displayName: `${label} User`,
			name: `${service}User`,
			type: 'string',
			default: '',
			displayOptions: { show: { [auth]: ['basic'] } },
		},
		{
			displayName: `${label} Password`,
			name: `${service}Password`,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { [auth]: ['basic'] } },
		},
		{
			displayName: `${label} Token`,
			name: `${service}Token`,
			type: 'string',
			typeOptions: { password: true },
			default: '',
			displayOptions: { show: { [auth]: ['bearer'] } },
		},
	];
}

/**
 * Where Ollama (one or more hosts) and, optionally, Prometheus and a Pushgateway live. Requests to
 * the Prometheus or Pushgateway URL get that service's auth; every other request gets the Ollama
 * API key, when one is set.
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
		...serviceProperties('prometheus', 'Prometheus', {
			placeholder: 'http://127.0.0.1:9090',
			description:
				'Optional. Lets the node read live load (CPU, memory, queue, GPU) to choose models.',
		}),
		...serviceProperties('pushgateway', 'Pushgateway', {
			placeholder: 'http://127.0.0.1:9091',
			description:
				"Optional. A Prometheus Pushgateway that receives the dispatcher's metrics (models chosen, fallbacks, breakers, latency) after each execution.",
		}),
		{
			displayName: 'Metrics Instance',
			name: 'metricsInstance',
			type: 'string',
			default: '',
			placeholder: 'n8n-main',
			description:
				'Optional. The "instance" label of the pushed metrics. Leave empty for one label per n8n process (needed in queue mode, where workers share this credential), or add {process} to a name of yours, e.g. prod-{process}.',
		},
	];

	/**
	 * A method, not an arrow-function field: n8n lists "Custom API Call" in the Operation list of
	 * nodes whose credential description carries `authenticate`, and a prototype method is not part
	 * of that description, while n8n's request helper still applies it. This auth splits Ollama and
	 * Prometheus by URL and is not meant for the HTTP Request node.
	 */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const target = `${requestOptions.baseURL ?? ''}${requestOptions.url ?? ''}`;
		const headers = { ...(requestOptions.headers ?? {}) };
		for (const service of ['prometheus', 'pushgateway'] satisfies Service[]) {
			const url = String(credentials[`${service}Url`] ?? '')
				.trim()
				.replace(/\/+$/, '');
			if (url === '' || !target.startsWith(url)) continue;
			const auth = credentials[`${service}Auth`];
			if (auth === 'basic') {
				return {
					...requestOptions,
					auth: {
						username: String(credentials[`${service}User`] ?? ''),
						password: String(credentials[`${service}Password`] ?? ''),
					},
				};
			}
			const token = credentials[`${service}Token`];
			if (auth === 'bearer' && token) headers.Authorization = `Bearer ${String(token)}`;
			return { ...requestOptions, headers };
		}
		if (credentials.apiKey) headers.Authorization = `Bearer ${String(credentials.apiKey)}`;
		return { ...requestOptions, headers };
	}
}
