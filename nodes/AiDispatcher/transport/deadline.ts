/**
 * Enforces an HttpPort's `timeoutMs` over the whole exchange, headers and body, whatever the HTTP
 * library does with abort signals: every wait is raced against the deadline.
 */
import type { HttpRequest, HttpResponse } from '../engine/ports';
import { settle } from '../engine/result';

/** Error an HttpPort throws when its own deadline passed (`code: 'ETIMEDOUT'`). */
export function timeoutError(timeoutMs: number): Error {
	return Object.assign(new Error(`no complete reply within ${timeoutMs} ms (timed out)`), { code: 'ETIMEDOUT' });
}

/** Error an HttpPort throws when the caller's signal aborted (`code: 'ABORT_ERR'`). */
export function abortError(): Error {
	return Object.assign(new Error('request aborted'), { code: 'ABORT_ERR', name: 'AbortError' });
}

export interface Deadline {
	/** Aborts when the deadline passes or the caller's signal aborts; pass it to the HTTP library. */
	signal: AbortSignal;
	/** Rejects like the deadline would; never resolves. */
	expired: Promise<never>;
}

/** Starts the clock for one request. */
export function startDeadline(request: HttpRequest): Deadline {
	const timer = AbortSignal.timeout(Math.max(1, request.timeoutMs));
	const signal = request.signal ? AbortSignal.any([request.signal, timer]) : timer;
	const expired = new Promise<never>((_, reject) => {
		const fail = () => reject(request.signal?.aborted ? abortError() : timeoutError(request.timeoutMs));
		if (signal.aborted) fail();
		else signal.addEventListener('abort', fail, { once: true });
	});
	expired.catch(() => undefined);
	return { signal, expired };
}

/** Races `promise` against the deadline; maps a library's abort error to ours. */
export async function beforeDeadline<T>(deadline: Deadline, promise: Promise<T>): Promise<T> {
	const raced = await settle(Promise.race([promise, deadline.expired]));
	if (raced.ok) return raced.value;
	if (deadline.signal.aborted) return await deadline.expired;
	throw raced.error;
}

/** Wraps a body so each chunk must arrive before the deadline; releases the source when done. */
export function guardBody(
	deadline: Deadline,
	body: AsyncIterable<Uint8Array | string>,
	release: () => void,
): HttpResponse['body'] {
	return {
		async *[Symbol.asyncIterator]() {
			const iterator = body[Symbol.asyncIterator]();
			try {
				while (true) {
					const next = await beforeDeadline(deadline, iterator.next());
					if (next.done) return;
					yield next.value;
				}
			} finally {
				release();
			}
		},
	};
}
