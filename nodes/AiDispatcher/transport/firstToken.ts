/**
 * The first-token timeout: a streamed generation must deliver its first NDJSON line (which, with
 * Ollama, also brings the response headers) within a limit, or it fails with kind `timeout` and the
 * request is aborted. No timers of our own: `AbortSignal.timeout` does the waiting.
 */
import { TransportError } from '../engine/errors';
import { settle } from '../engine/result';

export interface FirstTokenTimer {
	/** Pass to the HTTP request: aborts on the caller's signal, or when the first token is late. */
	signal: AbortSignal | undefined;
	/** Rejects with a `timeout` TransportError when the first token is late; never resolves. */
	late: Promise<never>;
	/** Call on the first line (and when done): disarms the timer. Idempotent. */
	arrived: () => void;
	/** The timeout error once the limit fired, else null. */
	fired: () => TransportError | null;
}

/** Starts the first-token clock; without a limit, only forwards `callerSignal`. */
export function startFirstTokenTimer(limitMs: number | undefined, callerSignal?: AbortSignal): FirstTokenTimer {
	if (limitMs === undefined || !(limitMs > 0)) {
		return { signal: callerSignal, late: new Promise<never>(() => undefined), arrived: () => undefined, fired: () => null };
	}
	const controller = new AbortController();
	const timer = AbortSignal.timeout(Math.max(1, Math.round(limitMs)));
	let fail: (error: TransportError) => void = () => undefined;
	let error: TransportError | null = null;
	const late = new Promise<never>((_, reject) => (fail = reject));
	late.catch(() => undefined);
	const onTimeout = () => {
		error = new TransportError('timeout', `no first token within ${limitMs} ms (timed out)`);
		fail(error);
		controller.abort();
	};
	timer.addEventListener('abort', onTimeout, { once: true });
	return {
		signal: callerSignal ? AbortSignal.any([callerSignal, controller.signal]) : controller.signal,
		late,
		arrived: () => timer.removeEventListener('abort', onTimeout),
		fired: () => error,
	};
}

/** Races `work` against the first-token limit; the limit's error wins once it has fired. */
export async function beforeFirstToken<T>(timer: FirstTokenTimer, work: Promise<T>): Promise<T> {
	const raced = await settle(Promise.race([work, timer.late]));
	if (raced.ok) return raced.value;
	throw timer.fired() ?? raced.error;
}
