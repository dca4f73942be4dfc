/**
 * The OpenAI-compatible endpoint of an execution: the credential read (URL, currency; the key stays
 * in n8n, applied by its request helper), plain http to another machine refused unless allowed,
 * and the model port that sends each call to the backend its host belongs to.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from './context';
import { budgetToPico, toMicrosPerMTok } from '../engine/cost/price';
import type { CostConfig } from '../engine/cost/gate';
import type { GenerateCall, HttpPort, OllamaPort } from '../engine/ports';
import type { ModelBackend } from '../engine/types';
import { chatCompletion } from '../transport/openai/chat';
import { OPENAI_CREDENTIAL_LABEL } from '../transport/openai/errors';
import { configInvalid, fieldLabel, readChoice, readNumber, show } from './fields';
import { n8nHttpPort } from './http';

export const OPENAI_CREDENTIAL_TYPE = 'aiDispatcherOpenAiApi';

/** The endpoint as the node uses it. */
export interface OpenAiEndpoint {
	baseUrl: string;
	currency: string;
	/** The credential's id (or name): where its spend and budgets count. Never the key. */
	credential: string;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** True when `url` is https, or http to this machine. */
export function isSafeForKey(url: URL): boolean {
	return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.test(url.hostname));
}

/** Checks the credential's fields; an API key bound for plain http on another machine is refused. */
export function readEndpoint(credentials: IDataObject, credential: string): OpenAiEndpoint {
	const raw = String(credentials.baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw configInvalid(
			`${OPENAI_CREDENTIAL_LABEL} › Base URL ${show(raw)} is not a URL`,
			'Use a URL like https://api.openai.com/v1.',
		);
	}
	if (url.username !== '' || url.password !== '') {
		throw configInvalid(
			`${OPENAI_CREDENTIAL_LABEL} › Base URL holds a user name or password (${show(raw.replace(/\/\/[^@/]*@/, '//'))} without it)`,
			'Remove them from the URL and put the key in API Key: a URL is shown in errors and Status, a key never.',
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw configInvalid(
			`${OPENAI_CREDENTIAL_LABEL} › Base URL ${show(raw)} is not an http(s) URL`,
			'Use a URL like https://api.openai.com/v1.',
		);
	}
	const hasKey = typeof credentials.apiKey === 'string' && credentials.apiKey !== '';
	if (hasKey && !isSafeForKey(url) && credentials.allowInsecureHttp !== true) {
		throw configInvalid(
			`${OPENAI_CREDENTIAL_LABEL} › Base URL ${show(raw)} is plain http to another machine: the API key would travel unencrypted, so it is not sent`,
			'Use https, or turn on "Allow API Key Over Plain HTTP" in the credential if the network is trusted.',
		);
	}
	const currency = String(credentials.currency ?? '').trim() || 'USD';
	return { baseUrl: raw, currency, credential };
}

/** The endpoint of this execution, or undefined when "Use OpenAI-Compatible Endpoint" is off. */
export async function openEndpoint(ctx: NodeContext): Promise<OpenAiEndpoint | undefined> {
	if (ctx.getNodeParameter('useOpenAiEndpoint', 0, false) !== true) return undefined;
	const credentials = (await ctx.getCredentials(OPENAI_CREDENTIAL_TYPE)) as IDataObject;
	const reference = ctx.getNode().credentials?.[OPENAI_CREDENTIAL_TYPE];
	return readEndpoint(
		credentials,
		String(reference?.id ?? reference?.name ?? OPENAI_CREDENTIAL_TYPE),
	);
}

/**
 * The engine's model port with the endpoint beside Ollama: a call whose host is the endpoint's goes
 * to `/chat/completions` (with the endpoint credential's key); everything else to Ollama. No Ollama
 * request ever goes to the endpoint's URL (it would carry the Ollama credential's key there): the
 * endpoint needs no liveness ping (its own connect and first-token limits apply to the call), lists
 * nothing loaded, and has nothing to preload or release.
 */
export function withEndpoint(
	ollama: OllamaPort,
	endpoint: OpenAiEndpoint,
	http: HttpPort,
	nowMs: () => number,
): OllamaPort {
	const mine = (baseUrl: string) => baseUrl === endpoint.baseUrl;
	const load = ollama.load;
	return {
		generate: (call: GenerateCall) =>
			mine(call.baseUrl) ? chatCompletion(http, call, nowMs) : ollama.generate(call),
		tags: async (baseUrl, timeoutMs, cancel) =>
			mine(baseUrl) ? [] : await ollama.tags(baseUrl, timeoutMs, cancel),
		ps: async (baseUrl, timeoutMs, cancel) =>
			mine(baseUrl) ? [] : await ollama.ps(baseUrl, timeoutMs, cancel),
		version: async (baseUrl, timeoutMs, cancel) =>
			mine(baseUrl) ? 'openai-compatible' : await ollama.version(baseUrl, timeoutMs, cancel),
		ping: async (baseUrl, timeoutMs, cancel) =>
			mine(baseUrl) ? undefined : await ollama.ping(baseUrl, timeoutMs, cancel),
		capabilities: async (baseUrl, model, timeoutMs, cancel) =>
			mine(baseUrl)
				? ['completion']
				: ollama.capabilities
					? await ollama.capabilities(baseUrl, model, timeoutMs, cancel)
					: [],
		...(load
			? { load: async (call) => (mine(call.baseUrl) ? undefined : await load.call(ollama, call)) }
			: {}),
	};
}

/** The HttpPort that authenticates with the endpoint credential. */
export function endpointHttp(ctx: NodeContext): HttpPort {
	return n8nHttpPort(ctx, OPENAI_CREDENTIAL_TYPE);
}

/** Item `itemIndex`'s cost settings (budgets, local first), for an execution with an endpoint. */
export function readCostConfig(
	ctx: NodeContext,
	itemIndex: number,
	endpoint: OpenAiEndpoint,
	executionId: string,
): CostConfig {
	const raw = (ctx.getNodeParameter('cloud', itemIndex, {}) ?? {}) as IDataObject;
	const budget = (name: 'budgetPerExecution' | 'budgetPerDay') => {
		const value = readNumber(['cloud', name], raw[name], { min: 0 });
		if (value === undefined || value === 0) return undefined;
		const pico = budgetToPico(value);
		if (pico === null)
			throw configInvalid(
				`${fieldLabel(['cloud', name])} should be an amount from 0 to 1e12 with at most 12 decimals, got ${show(value)}`,
			);
		return pico;
	};
	const priced = readChoice(['cloud', 'pricedModels'], raw.pricedModels ?? 'lastResort', [
		'lastResort',
		'candidate',
	] as const);
	const perExecutionPico = budget('budgetPerExecution');
	const perDayPico = budget('budgetPerDay');
	return {
		scope: { credential: endpoint.credential, executionId },
		budgets: {
			...(perExecutionPico !== undefined ? { perExecutionPico } : {}),
			...(perDayPico !== undefined ? { perDayPico } : {}),
		},
		pricedAsCandidates: priced === 'candidate',
		currency: endpoint.currency,
	};
}

/** A Model List row's backend and prices (`models.model[i]`); undefined for an Ollama model. */
export function readModelBackend(
	entry: IDataObject,
	path: (...rest: Array<string | number>) => ReadonlyArray<string | number>,
	endpoint: OpenAiEndpoint | undefined,
): ModelBackend | undefined {
	const backend = readChoice(path('backend'), entry.backend ?? 'ollama', [
		'ollama',
		'openai',
	] as const);
	if (backend === 'ollama') return undefined;
	if (!endpoint) {
		throw configInvalid(
			`${fieldLabel(path('backend'))} is "OpenAI-Compatible Endpoint" for ${show(entry.name)}, but Use OpenAI-Compatible Endpoint is off`,
			'Turn on Use OpenAI-Compatible Endpoint and choose the credential, or set the Backend to Ollama.',
		);
	}
	const price = (name: 'inputPricePerMTok' | 'outputPricePerMTok'): number => {
		const value = readNumber(path(name), entry[name], { min: 0 }) ?? 0;
		const micros = toMicrosPerMTok(value);
		if (micros === null)
			throw configInvalid(
				`${fieldLabel(path(name))} should be a price with at most 6 decimals, got ${show(value)}`,
			);
		return micros;
	};
	return {
		kind: 'openai',
		baseUrl: endpoint.baseUrl,
		price: {
			inputMicrosPerMTok: price('inputPricePerMTok'),
			outputMicrosPerMTok: price('outputPricePerMTok'),
			currency: endpoint.currency,
		},
	};
}
