/**
 * Gauges and process counters taken at push time from what the process already tracks: breaker
 * states (the resilience registry's report), learned decode speeds, live-signals rounds.
 */
import { METRICS } from './catalog';
import type { MetricsRegistry } from './registry';

/** A breaker that is not closed, as the resilience registry reports it. */
export interface BreakerFact {
	model: string;
	host: string;
	state: 'open' | 'halfOpen';
	/** Until when an open breaker refuses calls, epoch milliseconds. */
	untilMs?: number;
}

export interface ProcessFacts {
	/** Breakers that are open or half-open now; every other (model, host) seen in calls is closed. */
	breakers: readonly BreakerFact[];
	breakerOpenings: number;
	/** Breakers opened from another process's report (see `signals/peers.ts`). */
	breakerSharedOpenings?: number;
	/** Learned decode speed by host, then model (tokens per second, null until learned). */
	learnedTokensPerS: ReadonlyMap<string, ReadonlyMap<string, number | null>>;
	signals: { refreshes: number; failedRefreshes: number };
}

const BREAKER_VALUE = { open: 2, halfOpen: 1 } as const;

/** Replaces the snapshot gauges with `facts`. */
export function snapshotProcess(metrics: MetricsRegistry, facts: ProcessFacts): void {
	metrics.clear(METRICS.breakerState);
	for (const s of metrics.read(METRICS.calls)) {
		const [model, host] = s.labels;
		if (host !== '') metrics.set(METRICS.breakerState, [model, host], 0);
	}
	for (const b of facts.breakers)
		metrics.set(METRICS.breakerState, [b.model, b.host], BREAKER_VALUE[b.state]);
	metrics.setCounter(METRICS.breakerOpenings, [], facts.breakerOpenings);
	metrics.clear(METRICS.breakerOpenUntil);
	for (const b of facts.breakers)
		if (b.state === 'open' && b.untilMs !== undefined)
			metrics.set(METRICS.breakerOpenUntil, [b.model, b.host], b.untilMs / 1000);
	if (facts.breakerSharedOpenings !== undefined)
		metrics.setCounter(METRICS.breakerSharedOpenings, [], facts.breakerSharedOpenings);

	metrics.clear(METRICS.learnedTokensPerSecond);
	for (const [host, models] of facts.learnedTokensPerS) {
		for (const [model, rate] of models)
			if (rate !== null) metrics.set(METRICS.learnedTokensPerSecond, [model, host], rate);
	}
	metrics.setCounter(METRICS.signalsRefreshes, [], facts.signals.refreshes);
	metrics.setCounter(METRICS.signalsFailures, [], facts.signals.failedRefreshes);
	metrics.setCounter(METRICS.seriesDropped, [], metrics.dropped);
}
