import { TransportError } from '../engine/errors';
import type { FailureKind } from '../engine/types';
import { excerpt } from './body';

/** Classifies an HTTP error status into a failure kind. */
export function kindForStatus(status: number): FailureKind {
	if (status === 404) return 'not_found';
	if (status === 429) return 'rate_limited';
	if (status === 503) return 'busy';
	if (status >= 500) return 'http_5xx';
	return 'bad_request';
}

/** Builds the error for a non-2xx reply, using Ollama's `{"error": "..."}` body when present. */
export function statusError(status: number, bodyText: string): TransportError {
	let message = excerpt(bodyText, 200);
	try {
		const parsed = JSON.parse(bodyText) as unknown;
		if (parsed && typeof parsed === 'object') {
			const err = (parsed as { error?: unknown }).error;
			if (typeof err === 'string') message = err;
			else if (
				err &&
				typeof err === 'object' &&
				typeof (err as { message?: unknown }).message === 'string'
			) {
				message = (err as { message: string }).message;
			}
		}
	} catch {
		// Not JSON: keep the text excerpt.
	}
	return new TransportError(
		kindForStatus(status),
		`HTTP ${status}: ${message || '(empty body)'}`,
		status,
	);
}

const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
]);

/**
 * Turns what an HttpPort threw (no response, or a broken body) into a TransportError.
 * `aborted` is true when the caller's own cancel fired (the user stopped the workflow).
 */
export function networkError(error: unknown, aborted: boolean): TransportError {
	if (error instanceof TransportError) return error;
	const err = (error ?? {}) as {
		code?: unknown;
		name?: unknown;
		message?: unknown;
		cause?: { code?: unknown };
	};
	const code = String(err.code ?? err.cause?.code ?? '');
	const message = typeof err.message === 'string' ? err.message : String(error);
	if (aborted) return new TransportError('aborted', 'request cancelled');
	if (
		code === 'ETIMEDOUT' ||
		code === 'ECONNABORTED' ||
		err.name === 'TimeoutError' ||
		/timed? ?out/i.test(message)
	) {
		return new TransportError('timeout', message);
	}
	if (CONNECTION_CODES.has(code))
		return new TransportError('connection', `${code}: ${excerpt(message, 160)}`);
	// Anything else without a response (socket hang up, reset, refused, aborted by the server) is a connection failure.
	return new TransportError('connection', excerpt(message, 160));
}
