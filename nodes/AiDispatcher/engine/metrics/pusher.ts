/**
 * When to push: at most one push attempt per interval (a dead Pushgateway costs at most one timeout
 * per interval), the first one at once, and one trailing push at the end of the interval for
 * executions that ended inside it, so the last figures are never left behind. Fails open: the
 * returned promise never rejects; the outcome is kept for the Status operation.
 */
import type { Clock, SleepPort } from '../ports';

/** Minimum time between two push attempts, in milliseconds. */
export const PUSH_INTERVAL_MS = 5_000;
/** Limit of one push request, headers and body, in milliseconds. */
export const PUSH_TIMEOUT_MS = 2_000;

export interface PushStatus {
	/** Clock time of the last attempt, successful or not, in ms; null before the first. */
	lastAttemptAtMs: number | null;
	lastPushAtMs: number | null;
	/** The last attempt's error, or null when it succeeded. */
	lastError: string | null;
	lastErrorAtMs: number | null;
	pushes: number;
	failures: number;
	/** Pushes not attempted because the interval had not passed (folded into the next one). */
	deferred: number;
}

export interface PushState extends PushStatus {
	inFlight: Promise<void> | null;
	/** A trailing push is waiting for the interval to pass. */
	trailing: boolean;
	/** Aborts a waiting trailing push (`cancelPush`). */
	cancel: AbortController;
}

export interface PushPorts {
	clock: Clock;
	sleep: SleepPort;
	/** Renders the current figures and sends them; rejects when the Pushgateway did not take them. */
	send: () => Promise<void>;
	/** Turns a failure into the text Status shows (no secrets). */
	describe: (error: unknown) => string;
}

export function newPushState(): PushState {
	return {
		lastAttemptAtMs: null,
		lastPushAtMs: null,
		lastError: null,
		lastErrorAtMs: null,
		pushes: 0,
		failures: 0,
		deferred: 0,
		inFlight: null,
		trailing: false,
		cancel: new AbortController(),
	};
}

/**
 * Asks for the current figures to reach the Pushgateway. Returns the push attempt when one starts now
 * (await it: it is bounded by the request's timeout), else a resolved promise, with a trailing push
 * scheduled in the background. Never rejects.
 */
export function requestPush(
	state: PushState,
	ports: PushPorts,
	intervalMs: number = PUSH_INTERVAL_MS,
): Promise<void> {
	const nowMs = ports.clock.nowMs();
	const waitMs = state.lastAttemptAtMs === null ? 0 : state.lastAttemptAtMs + intervalMs - nowMs;
	if (waitMs <= 0 && !state.inFlight) return attempt(state, ports);
	state.deferred++;
	if (!state.trailing) {
		state.trailing = true;
		const scheduledAtMs = nowMs;
		void ports
			.sleep(Math.max(0, waitMs), state.cancel.signal)
			.then(async () => {
				state.trailing = false;
				if (state.inFlight) await state.inFlight;
				// Someone pushed after this request: its figures are already there.
				if (state.lastAttemptAtMs !== null && state.lastAttemptAtMs > scheduledAtMs) return;
				await attempt(state, ports);
			})
			.catch(() => {
				state.trailing = false;
			});
	}
	return Promise.resolve();
}

function attempt(state: PushState, ports: PushPorts): Promise<void> {
	state.lastAttemptAtMs = ports.clock.nowMs();
	const push = ports
		.send()
		.then(
			() => {
				state.pushes++;
				state.lastPushAtMs = ports.clock.nowMs();
				state.lastError = null;
			},
			(error: unknown) => {
				state.failures++;
				state.lastError = ports.describe(error);
				state.lastErrorAtMs = ports.clock.nowMs();
			},
		)
		.finally(() => {
			state.inFlight = null;
		});
	state.inFlight = push;
	return push;
}

/** Drops a waiting trailing push (when the state is discarded). */
export function cancelPush(state: PushState): void {
	state.cancel.abort();
}

/** The status fields, without the promise. */
export function pushStatus(state: PushState): PushStatus {
	const { lastAttemptAtMs, lastPushAtMs, lastError, lastErrorAtMs, pushes, failures, deferred } =
		state;
	return { lastAttemptAtMs, lastPushAtMs, lastError, lastErrorAtMs, pushes, failures, deferred };
}
