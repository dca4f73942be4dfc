/**
 * Enforces an HttpPort's `timeoutMs` over the whole exchange, headers and body, whatever the HTTP
 * library does with abort signals.
 *
 * Timers: n8n's community-node rules forbid `setTimeout`, so a timer is an `AbortSignal.timeout`
 * with an `abort` listener attached directly (`startTimer`). Node keeps such a signal alive until it
 * fires or the listener is removed; one reached only through `AbortSignal.any` is held weakly, and
 * Node 20 loses it in a major GC (the deadline then never fires). Every timer here is cancelled as
 * soon as the exchange ends. The caller's signal is joined with `linkCancel` (engine/cancel.ts),
 * whose listener is removed when the exchange ends. Each wait listens for the abort only while it
 * lasts (`untilAborted`): nothing is chained onto a promise that lives as long as the request, so
 * chunks already read are never kept reachable until the deadline.
 */
import { linkCancel, unlessCancelled, type LinkedCancel } from '../engine/cancel';
import type { HttpRequest, HttpResponse } from '../engine/ports';

/**
 * Calls `onFire` once after `ms` milliseconds (at least 1) unless the returned cancel function is
 * called first. Safe against garbage collection on Node 20 and later (see above).
 */
export function startTimer(ms: number, onFire: () => void): () => void {
	const timer = AbortSignal.timeout(Math.max(1, Math.round(ms)));
	timer.addEventListener('abort', onFire, { once: true });
	return () => timer.removeEventListener('abort', onFire);
}

/** Error an HttpPort throws when its own deadline passed (`code: 'ETIMEDOUT'`). */
export function timeoutError(timeoutMs: number): Error {
	return Object.assign(new Error(`no complete reply within ${timeoutMs} ms (timed out)`), {
		code: 'ETIMEDOUT',
	});
}

/** Error an HttpPort throws when the caller's signal aborted (`code: 'ABORT_ERR'`). */
export function abortError(): Error {
	return Object.assign(new Error('request aborted'), { code: 'ABORT_ERR', name: 'AbortError' });
}

/** A clock that aborts a signal: on its own timer, or when a caller's signal aborts first. */
export interface Watch {
	/** Aborts when the watch fires or the caller's signal aborts; pass it to the HTTP library. */
	signal: AbortSignal;
	/** Why `signal` aborted (the error to throw), or null while it has not. */
	reason(): Error | null;
	/** Stops the clock and the caller-signal listener. Idempotent; call when the exchange ends. */
	clear(): void;
}

/**
 * A signal that aborts with the reason given to its `abort`, or with `abortError()` when `caller`
 * aborts. Shared by the deadline and the first-token/stall watch (firstToken.ts).
 */
export function abortScope(caller?: AbortSignal): LinkedCancel {
	return linkCancel([caller], abortError);
}

/** Why `scope` aborted, or null while it has not. */
export function abortReason(scope: LinkedCancel): Error | null {
	return scope.signal.aborted ? (scope.signal.reason as Error) : null;
}

/** Starts the clock for one request (`request.timeoutMs`, at least 1 ms). */
export function startDeadline(request: HttpRequest): Watch {
	const scope = abortScope(request.abort);
	const cancel = startTimer(request.timeoutMs, () => scope.abort(timeoutError(request.timeoutMs)));
	return {
		signal: scope.signal,
		reason: () => abortReason(scope),
		clear: () => {
			cancel();
			scope.dispose();
		},
	};
}

/**
 * Settles like `promise`, or rejects with the watch's reason as soon as its signal aborts. The abort
 * listener is removed when `promise` settles, so nothing outlives one wait.
 */
export function untilAborted<T>(
	watch: Pick<Watch, 'signal' | 'reason'>,
	promise: Promise<T>,
): Promise<T> {
	return unlessCancelled(
		promise.catch((error: unknown) => {
			throw watch.reason() ?? error;
		}),
		watch.signal,
		() => {
			throw watch.reason() ?? abortError();
		},
	);
}

/** Waits for `promise` within the deadline; the deadline's error wins once it has fired. */
export const beforeDeadline = untilAborted;

/**
 * Wraps a body so each chunk must arrive before the deadline. When the body ends, fails, or its
 * reader stops early, the source is released (`release`, e.g. destroy the socket) and the clock cleared.
 */
export function guardBody(
	deadline: Watch,
	body: AsyncIterable<Uint8Array | string>,
	release: () => void,
): HttpResponse['body'] {
	return {
		async *[Symbol.asyncIterator]() {
			const iterator = body[Symbol.asyncIterator]();
			try {
				while (true) {
					const next = await untilAborted(deadline, iterator.next());
					if (next.done) return;
					yield next.value;
				}
			} finally {
				deadline.clear();
				release();
			}
		},
	};
}

/** The deadline of one request (a `Watch` on `timeoutMs`). */
export type Deadline = Watch;
