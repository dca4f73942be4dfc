/**
 * Circuit breaker for one (Ollama URL, model), as pure transitions over a plain-data state
 * (cockatiel's shape, without its timers): the caller passes the clock reading in.
 */

/** Closed: calls flow; `failures` consecutive failures so far, `window` the recent outcomes (true = failed). */
export interface ClosedState {
	state: 'closed';
	failures: number;
	window: boolean[];
}

/** Open: calls are refused from `sinceMs` until `untilMs` (epoch milliseconds). */
export interface OpenState {
	state: 'open';
	sinceMs: number;
	untilMs: number;
	/**
	 * Set when this process did not see the failures itself: another n8n process (a queue-mode worker)
	 * pushed this breaker as open, read back through Prometheus (see `signals/peers.ts`).
	 */
	sharedFrom?: 'prometheus';
}

/** Half-open: one probe call is in flight since `probeSinceMs`; the circuit opened at `sinceMs`. */
export interface HalfOpenState {
	state: 'halfOpen';
	sinceMs: number;
	probeSinceMs: number;
}

export type BreakerState = ClosedState | OpenState | HalfOpenState;

export interface BreakerOptions {
	/** Consecutive failures that open the circuit, ≥ 1 (default 3). */
	failureThreshold: number;
	/** Failure ratio over the window that opens the circuit, 0 < x ≤ 1 (default 0.5). */
	failureRatio: number;
	/** Outcomes the ratio looks at, ≥ 1 (default 20). */
	windowSize: number;
	/** Outcomes needed in the window before the ratio applies (default 10). */
	minimumCalls: number;
	/** How long the circuit stays open before one probe is let through, in milliseconds (default 30 000). */
	cooldownMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = {
	failureThreshold: 3,
	failureRatio: 0.5,
	windowSize: 20,
	minimumCalls: 10,
	cooldownMs: 30_000,
};

/** A fresh, closed breaker. */
export function closedBreaker(): ClosedState {
	return { state: 'closed', failures: 0, window: [] };
}

/** What `admit` decided: whether the call may go ahead, and the breaker's next state. */
export interface Admission {
	allowed: boolean;
	/** True when this call is the half-open probe. */
	probe: boolean;
	next: BreakerState;
}

/**
 * Asks to make one call at `nowMs`. Closed: yes. Open before `untilMs`: no. Open after it: yes, as
 * the single probe (the state becomes half-open). Half-open: no, unless the probe has been out for
 * longer than the cooldown (it was lost), then this call becomes the new probe.
 */
export function admit(state: BreakerState, nowMs: number, options: BreakerOptions): Admission {
	switch (state.state) {
		case 'closed':
			return { allowed: true, probe: false, next: state };
		case 'open':
			if (nowMs < state.untilMs) return { allowed: false, probe: false, next: state };
			return {
				allowed: true,
				probe: true,
				next: { state: 'halfOpen', sinceMs: state.sinceMs, probeSinceMs: nowMs },
			};
		case 'halfOpen':
			if (nowMs - state.probeSinceMs < options.cooldownMs)
				return { allowed: false, probe: false, next: state };
			return { allowed: true, probe: true, next: { ...state, probeSinceMs: nowMs } };
	}
}

/** Would `admit` let a call through at `nowMs`? (No state change.) */
export function isAdmitting(state: BreakerState, nowMs: number, options: BreakerOptions): boolean {
	return admit(state, nowMs, options).allowed;
}

/** A call succeeded: the circuit closes (or stays closed, with the success recorded). */
export function onSuccess(state: BreakerState, options: BreakerOptions): ClosedState {
	if (state.state !== 'closed') return closedBreaker();
	return {
		state: 'closed',
		failures: 0,
		window: pushWindow(state.window, false, options.windowSize),
	};
}

/**
 * A call failed at `nowMs`. Closed: opens after `failureThreshold` consecutive failures, or when the
 * window holds at least `minimumCalls` outcomes and its failure ratio reaches `failureRatio`.
 * Half-open (the probe failed): opens again for another cooldown. Open: stays open.
 */
export function onFailure(
	state: BreakerState,
	nowMs: number,
	options: BreakerOptions,
): BreakerState {
	if (state.state === 'halfOpen') return open(nowMs, options);
	if (state.state === 'open') return state;
	const failures = state.failures + 1;
	const window = pushWindow(state.window, true, options.windowSize);
	if (failures >= options.failureThreshold || ratioTripped(window, options))
		return open(nowMs, options);
	return { state: 'closed', failures, window };
}

/** The call was cancelled (neither success nor failure): a lost probe lets the next call probe. */
export function onAbandon(state: BreakerState, nowMs: number): BreakerState {
	if (state.state !== 'halfOpen') return state;
	return { state: 'open', sinceMs: state.sinceMs, untilMs: nowMs };
}

/** The state as JSON for output (ISO times). */
export function breakerJson(state: BreakerState): Record<string, string | number | null> {
	switch (state.state) {
		case 'closed':
			return {
				state: 'closed',
				consecutiveFailures: state.failures,
				since: null,
				retryAfter: null,
			};
		case 'open':
			return {
				state: 'open',
				since: iso(state.sinceMs),
				retryAfter: iso(state.untilMs),
				...(state.sharedFrom ? { sharedFrom: state.sharedFrom } : {}),
			};
		case 'halfOpen':
			return { state: 'halfOpen', since: iso(state.sinceMs), retryAfter: null };
	}
}

/** Checks options, naming the field and the bad value. Throws RangeError. */
export function validateBreakerOptions(options: BreakerOptions): BreakerOptions {
	const { failureThreshold, failureRatio, windowSize, minimumCalls, cooldownMs } = options;
	if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
		throw new RangeError(`failureThreshold should be a positive integer, got ${failureThreshold}`);
	}
	if (!(failureRatio > 0 && failureRatio <= 1))
		throw new RangeError(`failureRatio should be in (0, 1], got ${failureRatio}`);
	if (!Number.isInteger(windowSize) || windowSize < 1)
		throw new RangeError(`windowSize should be a positive integer, got ${windowSize}`);
	if (!Number.isInteger(minimumCalls) || minimumCalls < 1) {
		throw new RangeError(`minimumCalls should be a positive integer, got ${minimumCalls}`);
	}
	if (!(cooldownMs >= 0) || !Number.isFinite(cooldownMs))
		throw new RangeError(`cooldownMs should be ≥ 0, got ${cooldownMs}`);
	return options;
}

function open(nowMs: number, options: BreakerOptions): OpenState {
	return { state: 'open', sinceMs: nowMs, untilMs: nowMs + options.cooldownMs };
}

function pushWindow(window: boolean[], failed: boolean, size: number): boolean[] {
	const next = [...window, failed];
	return next.length > size ? next.slice(next.length - size) : next;
}

function ratioTripped(window: boolean[], options: BreakerOptions): boolean {
	if (window.length < options.minimumCalls) return false;
	return window.filter(Boolean).length / window.length >= options.failureRatio;
}

function iso(ms: number): string {
	return new Date(ms).toISOString();
}
