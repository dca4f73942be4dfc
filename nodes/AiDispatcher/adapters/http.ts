/**
 * The engine's HttpPort on top of n8n's `httpRequestWithAuthentication`, so n8n's proxy and TLS
 * settings and the credential's auth apply to every request.
 */
import type { IHttpRequestOptions } from 'n8n-workflow';

import type { HttpPort } from '../engine/ports';
import { settle } from '../engine/result';
import { beforeDeadline, guardBody, startDeadline } from '../transport/deadline';
import type { HttpHelper } from './context';

export const CREDENTIAL_TYPE = 'aiDispatcherApi';

interface FullResponse {
	statusCode: number;
	body: unknown;
	headers?: Record<string, unknown>;
}

type Destroyable = { destroy?: () => void };

/** Builds an HttpPort that streams response bodies through n8n's HTTP helper. */
export function n8nHttpPort(
	context: HttpHelper,
	credentialType: string = CREDENTIAL_TYPE,
): HttpPort {
	return async (request) => {
		const deadline = startDeadline(request);
		const options: IHttpRequestOptions = {
			method: request.method,
			url: request.url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			abortSignal: deadline.signal,
			timeout: request.timeoutMs,
		};
		if (request.body !== undefined) {
			options.body = request.body as IHttpRequestOptions['body'];
			options.headers = { 'content-type': 'application/json', ...request.headers };
		} else if (request.headers) {
			options.headers = { ...request.headers };
		}
		const sent = await settle(
			beforeDeadline(
				deadline,
				context.helpers.httpRequestWithAuthentication.call(
					context,
					credentialType,
					options,
				) as Promise<FullResponse>,
			),
		);
		if (!sent.ok) {
			deadline.clear();
			throw sent.error;
		}
		const response = sent.value;
		const body = toChunks(response.body);
		return {
			status: response.statusCode,
			headers: stringHeaders(response.headers),
			body: guardBody(deadline, body, () => (response.body as Destroyable)?.destroy?.()),
		};
	};
}

function toChunks(body: unknown): AsyncIterable<Uint8Array | string> {
	if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
		return body as AsyncIterable<Uint8Array | string>;
	}
	const text =
		typeof body === 'string'
			? body
			: body === undefined || body === null
				? ''
				: JSON.stringify(body);
	return (async function* () {
		yield text;
	})();
}

/** Header values as strings (arrays joined), lower-case names. */
function stringHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers ?? {})) {
		if (typeof value === 'string') out[name.toLowerCase()] = value;
		else if (Array.isArray(value)) out[name.toLowerCase()] = value.map(String).join(', ');
		else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
	}
	return out;
}
