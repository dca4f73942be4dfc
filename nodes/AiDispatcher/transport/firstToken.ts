/**
 * The progress limits of a streamed generation: its first NDJSON line (which, with Ollama, also
 * brings the response headers) must arrive within the first-token limit, and after that each next
 * line within the stall limit (a server that trickles, or stops sending without closing). Either
 * fails the call with kind `timeout` and aborts the request.
 *
 * One timer at a time (`startTimer`, safe against GC), cancelled when the call ends. Each line only
 * records the time; the stall timer, when it fires early, re-arms itself for the rest of the limit,
 * so a fast stream costs one timer per stall period, not one per token.
 */
import { TransportError } from '../engine/errors';
import { abortScope, startTimer, untilAborted } from './deadline';

export interface ProgressLimits {
	/** Milliseconds until the first line; no limit when undefined or not positive. */
	firstTokenMs?: number;
	/** Milliseconds allowed between two lines after the first; no limit when undefined or not positive. */
	stallMs?: number;
}

export interface ProgressWatch {
	/** Pass to the HTTP request: aborts on the caller's signal, or when a limit fires. */
	signal: AbortSignal;
	/** Call on every line received: disarms the first-token limit, restarts the stall limit. */
	progressed: (charsSoFar: number) => void;
	/** Stops the clock; call when the call ends. Idempotent. */
	stop: () => void;
	/** The timeout error once a limit fired, else null. */
	fired: () => TransportError | null;
}

const positive = (ms: number | undefined): number | undefined =>
	ms !== undefined && ms > 0 ? Math.max(1, Math.round(ms)) : undefined;

/** Starts the first-token clock (then the stall clock); forwards `callerSignal` too. */
export function startProgressWatch(
	limits: ProgressLimits,
	callerSignal?: AbortSignal,
): ProgressWatch {
	const scope = abortScope(callerSignal);
	const firstTokenMs = positive(limits.firstTokenMs);
	const stallMs = positive(limits.stallMs);
	let timeout: TransportError | null = null;
	let cancel = (): void => undefined;
	let lines = 0;
	let chars = 0;
	let lastLineAt = 0;

	const fire = (error: TransportError) => {
		timeout = error;
		scope.abort(error);
	};
	const arm = (ms: number, onFire: () => void) => {
		cancel();
		cancel = startTimer(ms, onFire);
	};
	const checkStall = () => {
		if (stallMs === undefined) return;
		const quietMs = performance.now() - lastLineAt;
		if (quietMs < stallMs) return arm(Math.ceil(stallMs - quietMs), checkStall);
		fire(
			new TransportError(
				'timeout',
				`no new token for ${stallMs} ms after ${chars} characters (stalled)`,
			),
		);
	};
	if (firstTokenMs !== undefined) {
		arm(firstTokenMs, () =>
			fire(new TransportError('timeout', `no first token within ${firstTokenMs} ms (timed out)`)),
		);
	}

	return {
		signal: scope.signal,
		progressed: (charsSoFar) => {
			chars = charsSoFar;
			lastLineAt = performance.now();
			if (lines++ > 0 || timeout) return;
			cancel();
			if (stallMs !== undefined) arm(stallMs, checkStall);
		},
		stop: () => {
			cancel();
			scope.dispose();
		},
		fired: () => timeout,
	};
}

/** Runs `work` under the watch: its timeout error wins once it has fired; the clock stops either way. */
export async function withinProgress<T>(watch: ProgressWatch, work: Promise<T>): Promise<T> {
	try {
		return await untilAborted({ signal: watch.signal, reason: () => watch.fired() ?? null }, work);
	} catch (error) {
		throw watch.fired() ?? error;
	} finally {
		watch.stop();
	}
}
