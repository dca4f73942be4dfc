/**
 * OpenAI-compatible error replies → the engine's failure kinds: 401/403 `auth` (never retried, the
 * credential named), 429 `rate_limited` with the Retry-After, `context_length_exceeded`
 * `context_length` (the next model answers), 5xx retried, then fallback.
 */
import { TransportError } from '../../engine/errors';
import { excerpt } from '../body';
import { kindForStatus } from '../errors';

/** The display name of the endpoint credential, as n8n lists it. */
export const OPENAI_CREDENTIAL_LABEL = 'OpenAI-Compatible Endpoint API';

/** Most Retry-After honoured, in milliseconds (the call's own limit caps it further). */
const MAX_RETRY_AFTER_MS = 10 * 60_000;

/** `Retry-After` as seconds ("3") or an HTTP date → milliseconds from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
	if (value === undefined) return undefined;
	const text = value.trim();
	if (/^\d+(\.\d+)?$/.test(text))
		return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(text) * 1000));
	const at = Date.parse(text);
	if (Number.isNaN(at)) return undefined;
	return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, at - nowMs));
}

interface WireError {
	message?: unknown;
	code?: unknown;
	type?: unknown;
}

/** The `error` object of an OpenAI error body (or of an error chunk in a stream), when there is one. */
export function wireError(parsed: unknown): WireError | undefined {
	if (!parsed || typeof parsed !== 'object') return undefined;
	const error = (parsed as { error?: unknown }).error;
	if (typeof error === 'string') return { message: error };
	return error && typeof error === 'object' ? (error as WireError) : undefined;
}

/**
 * Key-like strings (`sk-…`, `gsk_…`, a Bearer token) replaced by "[redacted]": OpenAI's 401 echoes
 * part of the key it refused, and no part of a key may reach an output, a log or an error.
 */
export function redactKeys(text: string): string {
	return text
		.replace(/\b(?:sk|pk|gsk|rk|key|api[-_]?key)[-_][A-Za-z0-9*._-]{4,}/gi, '[redacted]')
		.replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]');
}

/** The message and code of an error body, or an excerpt of the text when it is not OpenAI's JSON. */
function describe(bodyText: string): { message: string; code: string } {
	const { message, code } = describeRaw(bodyText);
	return { message: redactKeys(message), code };
}

function describeRaw(bodyText: string): { message: string; code: string } {
	try {
		const error = wireError(JSON.parse(bodyText));
		if (error) {
			const message =
				typeof error.message === 'string' ? error.message : excerpt(JSON.stringify(error), 200);
			const code =
				typeof error.code === 'string'
					? error.code
					: typeof error.type === 'string'
						? error.type
						: '';
			return { message: excerpt(message, 300), code };
		}
	} catch {
		// Not JSON: keep the text excerpt.
	}
	return { message: excerpt(bodyText, 200), code: '' };
}

/** True for OpenAI's "the prompt does not fit" codes (OpenAI, vLLM, llama.cpp spell it alike or in the message). */
function isContextLength(code: string, message: string): boolean {
	return (
		code === 'context_length_exceeded' ||
		/context[_ ]length|maximum context|too many tokens/i.test(message)
	);
}

/** The error for a non-2xx reply of an OpenAI-compatible endpoint. */
export function openAiStatusError(
	status: number,
	bodyText: string,
	retryAfterMs?: number,
): TransportError {
	const { message, code } = describe(bodyText);
	const text = `HTTP ${status}${code ? ` ${code}` : ''}: ${message || '(empty body)'}`;
	if (status === 401 || status === 403) {
		return new TransportError(
			'auth',
			`${text} — the ${OPENAI_CREDENTIAL_LABEL} credential's API key was refused; check it in the credential`,
			status,
		);
	}
	if (isContextLength(code, message)) return new TransportError('context_length', text, status);
	const kind = kindForStatus(status);
	return new TransportError(
		kind,
		text,
		status,
		kind === 'rate_limited' || kind === 'busy' ? retryAfterMs : undefined,
	);
}

/** The error for an `{"error": ...}` chunk in the middle of a stream. */
export function streamError(parsed: unknown, line: string): TransportError {
	const error = wireError(parsed);
	const message = redactKeys(
		error && typeof error.message === 'string' ? error.message : excerpt(line, 160),
	);
	const code = error && typeof error.code === 'string' ? error.code : '';
	if (isContextLength(code, message))
		return new TransportError('context_length', `error in stream: ${excerpt(message, 300)}`);
	return new TransportError('stream_error', `error in stream: ${excerpt(message, 300)}`);
}
