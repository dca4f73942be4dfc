/**
 * Which failures are worth another try, and which say something about the model's health.
 *
 * - Retried on the same model (after a backoff): `busy` (503), `rate_limited` (429), `connection`
 *   (refused/reset), `http_5xx`, `stream_error`, `truncated`, `garbage` (a proxy's HTML page),
 *   `empty`. These come and go.
 * - Not retried on the same model (the next host or candidate answers instead): `timeout` (it has
 *   already cost a whole timeout; paying it twice is what users complain about), `not_found` (404),
 *   `bad_request` (400), `invalid_json` (the model's answer, not the wire, was wrong), `too_large` (a
 *   reply or line over its size cap: asking again would stream the same flood; it counts against the
 *   breaker and the next host or model answers).
 * - Not retried, the next candidate answers: `auth` (401/403: the endpoint refused the credential's
 *   key; asking again cannot help), `context_length` (the prompt does not fit the model's context).
 * - `aborted` (the workflow was stopped) ends the item at once.
 */
import type { FailureKind } from '../types';

const TRANSIENT: ReadonlySet<FailureKind> = new Set<FailureKind>([
	'busy',
	'rate_limited',
	'connection',
	'http_5xx',
	'stream_error',
	'truncated',
	'garbage',
	'empty',
]);

/** Failures that do not count against a breaker: they are about the request, not the model or host. */
const NOT_HEALTH: ReadonlySet<FailureKind> = new Set<FailureKind>([
	'aborted',
	'bad_request',
	'invalid_json',
	'circuit_open',
	'context_length',
	'budget',
	'auth',
]);

export interface RetryOptions {
	/** Extra tries of the same model on a transient failure, 0..10 (default 1). */
	maxRetries: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxRetries: 1 };

/** True when the same model may succeed if asked again shortly. */
export function isTransient(kind: FailureKind): boolean {
	return TRANSIENT.has(kind);
}

/** True when the failure says the (host, model) is unhealthy, so it counts against its breaker. */
export function countsAgainstBreaker(kind: FailureKind): boolean {
	return !NOT_HEALTH.has(kind);
}

/** True when another host may do better than the one that failed (anything but the request's own fault). */
export function worthAnotherHost(kind: FailureKind): boolean {
	return (
		kind !== 'aborted' &&
		kind !== 'bad_request' &&
		kind !== 'invalid_json' &&
		kind !== 'auth' &&
		kind !== 'context_length' &&
		kind !== 'budget'
	);
}
