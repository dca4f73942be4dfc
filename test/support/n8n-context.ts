/**
 * A realistic stand-in for n8n's IExecuteFunctions / ILoadOptionsFunctions: parameters resolved per
 * item, the credential's real `authenticate` applied to every request, and HTTP through fetch with
 * the options n8n's helper takes (encoding 'stream', returnFullResponse, ignoreHttpStatusErrors,
 * abortSignal). The real n8n is exercised by the e2e tests.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeExecutionData,
	NodeExecutionHint,
} from 'n8n-workflow';

import { AiDispatcherApi } from '../../credentials/AiDispatcherApi.credentials';
import { AiDispatcherOpenAiApi } from '../../credentials/AiDispatcherOpenAiApi.credentials';

export interface ContextOptions {
	items?: INodeExecutionData[];
	/** Parameter values; a function receives the item index (like an expression). */
	params?: Record<string, unknown | ((itemIndex: number) => unknown)>;
	credentials?: ICredentialDataDecryptedObject;
	/** The OpenAI-Compatible Endpoint credential, for nodes with "Use OpenAI-Compatible Endpoint" on. */
	openAiCredentials?: ICredentialDataDecryptedObject;
	continueOnFail?: boolean;
	cancelSignal?: AbortSignal;
}

export interface RecordedRequest {
	url: string;
	method: string;
	headers: Record<string, string>;
	auth?: { username: string; password: string };
	/** The JSON body sent, parsed (absent for a request without a JSON body). */
	body?: unknown;
}

export const TEST_NODE: INode = {
	id: 'node-1',
	name: 'AI Dispatcher',
	type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export function createContext(options: ContextOptions) {
	const credentialType = new AiDispatcherApi();
	const credentials = options.credentials ?? { baseUrl: 'http://127.0.0.1:1' };
	const requests: RecordedRequest[] = [];
	const logs: Array<{ level: string; message: string; meta?: unknown }> = [];
	const hints: NodeExecutionHint[] = [];

	const httpRequestWithAuthentication = async function (
		this: unknown,
		type: string,
		request: IHttpRequestOptions,
	) {
		if (
			type !== 'aiDispatcherApi' &&
			!(type === 'aiDispatcherOpenAiApi' && options.openAiCredentials)
		)
			throw new Error(`unexpected credential type ${type}`);
		const authed =
			type === 'aiDispatcherApi'
				? await credentialType.authenticate(credentials, request)
				: await new AiDispatcherOpenAiApi().authenticate(
						options.openAiCredentials as ICredentialDataDecryptedObject,
						request,
					);
		const headers = Object.fromEntries(
			Object.entries(authed.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
		) as Record<string, string>;
		if (authed.auth) {
			headers.authorization = `Basic ${Buffer.from(`${authed.auth.username}:${authed.auth.password}`).toString('base64')}`;
		}
		const sent = typeof authed.body === 'string' ? safeJson(authed.body) : authed.body;
		requests.push({
			url: authed.url,
			method: authed.method ?? 'GET',
			headers,
			auth: authed.auth as RecordedRequest['auth'],
			...(sent === undefined ? {} : { body: sent }),
		});
		const response = await fetch(authed.url, {
			method: authed.method ?? 'GET',
			headers,
			body:
				authed.body === undefined || typeof authed.body === 'string'
					? authed.body
					: JSON.stringify(authed.body),
			signal: authed.abortSignal,
		});
		if (!authed.ignoreHttpStatusErrors && response.status >= 400)
			throw new Error(`Request failed with status code ${response.status}`);
		const body = response.body
			? Readable.fromWeb(response.body as unknown as WebReadableStream)
			: Readable.from([]);
		const responseHeaders: Record<string, string> = {};
		response.headers.forEach((value, name) => (responseHeaders[name] = value));
		return authed.returnFullResponse
			? { statusCode: response.status, headers: responseHeaders, body }
			: body;
	};

	const param = (name: string, itemIndex: number, fallback?: unknown) => {
		const value = options.params?.[name];
		if (value === undefined) {
			if (fallback !== undefined) return fallback;
			throw new Error(`Could not get parameter "${name}"`);
		}
		return typeof value === 'function' ? (value as (i: number) => unknown)(itemIndex) : value;
	};

	const context = {
		getInputData: () => options.items ?? [{ json: {} }],
		getNodeParameter: param,
		// loadOptions: the node's current value of a parameter, undefined when not set.
		getCurrentNodeParameter: (name: string) => {
			const value = options.params?.[name];
			return typeof value === 'function' ? (value as (i: number) => unknown)(0) : value;
		},
		getNode: () => TEST_NODE,
		getCredentials: async (type?: string) =>
			type === 'aiDispatcherOpenAiApi' && options.openAiCredentials
				? options.openAiCredentials
				: credentials,
		continueOnFail: () => options.continueOnFail ?? false,
		getExecutionCancelSignal: () => options.cancelSignal,
		addExecutionHints: (...added: NodeExecutionHint[]) => hints.push(...added),
		logger: {
			debug: (message: string, meta?: unknown) => logs.push({ level: 'debug', message, meta }),
			info: (message: string, meta?: unknown) => logs.push({ level: 'info', message, meta }),
			warn: (message: string, meta?: unknown) => logs.push({ level: 'warn', message, meta }),
			error: (message: string, meta?: unknown) => logs.push({ level: 'error', message, meta }),
		},
		helpers: { httpRequestWithAuthentication },
	};
	return {
		execute: context as unknown as IExecuteFunctions,
		loadOptions: context as unknown as ILoadOptionsFunctions,
		requests,
		logs,
		hints,
	};
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text;
	}
}
