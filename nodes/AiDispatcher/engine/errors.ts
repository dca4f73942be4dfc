/**
 * One typed error family. `adapters/errors.ts` is the single place that turns these into n8n's
 * NodeApiError / NodeOperationError.
 */
import type { Attempt, FailureKind } from './types';

export type DispatcherErrorCode =
	| 'CONFIG_INVALID'
	| 'INPUT_INVALID'
	| 'NO_CANDIDATE'
	| 'ALL_CANDIDATES_FAILED'
	| 'OLLAMA_UNREACHABLE'
	| 'BUDGET_EXCEEDED'
	| 'ABORTED';

export class DispatcherError extends Error {
	readonly code: DispatcherErrorCode;
	/** Every model tried for the item, in order, when the code is ALL_CANDIDATES_FAILED. */
	readonly attempts: Attempt[];
	/** What the user can do about it. */
	readonly hint?: string;
	/** The full story (e.g. every attempt, one a line) for the error's description, when longer than the message. */
	readonly details?: string;

	constructor(
		code: DispatcherErrorCode,
		message: string,
		options: { attempts?: Attempt[]; hint?: string; details?: string } = {},
	) {
		super(message);
		this.name = 'DispatcherError';
		this.code = code;
		this.attempts = options.attempts ?? [];
		this.hint = options.hint;
		this.details = options.details;
	}
}

export function isDispatcherError(error: unknown): error is DispatcherError {
	return error instanceof DispatcherError;
}

/** A failed exchange with Ollama or Prometheus, classified. */
export class TransportError extends Error {
	readonly kind: FailureKind;
	/** HTTP status when one arrived. */
	readonly status?: number;
	/** The server's Retry-After, in milliseconds, when it sent one. */
	readonly retryAfterMs?: number;

	constructor(kind: FailureKind, message: string, status?: number, retryAfterMs?: number) {
		super(message);
		this.name = 'TransportError';
		this.kind = kind;
		this.status = status;
		if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
	}
}

export function isTransportError(error: unknown): error is TransportError {
	return error instanceof TransportError;
}
