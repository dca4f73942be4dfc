/**
 * Prometheus' own circuit breaker: after a round where Prometheus gave nothing (refused, timed out,
 * 5xx, garbage, auth), it stays open for a cooldown, so a dead Prometheus costs one timeout per
 * cooldown, not one per item. State is a discriminated union with pure transitions.
 */
export type PrometheusBreakerState =
	| { state: 'closed' }
	| { state: 'open'; sinceMs: number; untilMs: number; reason: string; failures: number };

export const PROMETHEUS_CLOSED: PrometheusBreakerState = { state: 'closed' };

/** True when a round may query Prometheus at `nowMs`. */
export function prometheusAllows(breaker: PrometheusBreakerState, nowMs: number): boolean {
	return breaker.state === 'closed' || nowMs >= breaker.untilMs;
}

/** After a round in which every query failed: open (again), for `cooldownMs`. */
export function prometheusOpened(
	breaker: PrometheusBreakerState,
	nowMs: number,
	cooldownMs: number,
	reason: string,
): PrometheusBreakerState {
	const failures = breaker.state === 'open' ? breaker.failures + 1 : 1;
	return {
		state: 'open',
		sinceMs: breaker.state === 'open' ? breaker.sinceMs : nowMs,
		untilMs: nowMs + cooldownMs,
		reason,
		failures,
	};
}

/** After a round in which Prometheus answered: closed. */
export function prometheusSucceeded(): PrometheusBreakerState {
	return PROMETHEUS_CLOSED;
}

/** For the Status output; `halfOpen` once the cooldown is over (the next round probes), as for model breakers. */
export function prometheusBreakerJson(
	breaker: PrometheusBreakerState,
	nowMs: number,
): Record<string, unknown> {
	if (breaker.state === 'closed') return { state: 'closed' };
	return {
		state: nowMs >= breaker.untilMs ? 'halfOpen' : 'open',
		reason: breaker.reason,
		failures: breaker.failures,
		openForMs: Math.max(0, nowMs - breaker.sinceMs),
		retryInMs: Math.max(0, breaker.untilMs - nowMs),
	};
}
