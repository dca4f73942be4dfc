/**
 * Per-attempt time limits. `totalMs` bounds a whole generation; `firstTokenMs` bounds the wait for
 * the first streamed line (queueing and loading the model; Ollama sends its headers with the first
 * token, so a host that never answers is caught earlier by the connect check in `liveness.ts`).
 * With enough history the total limit adapts to the model's learned latency, so a slow model is cut
 * off sooner than a flat minute.
 */
import type { Tier } from '../types';

/** Per-attempt total timeouts by tier, in milliseconds (15 s / 30 s / 60 s). */
export const DEFAULT_TIMEOUTS_MS: Record<Tier, number> = {
	low: 15_000,
	medium: 30_000,
	high: 60_000,
};

/** First-token limits by tier, in milliseconds (10 s / 20 s / 30 s): room for a cold model load. */
export const DEFAULT_FIRST_TOKEN_TIMEOUTS_MS: Record<Tier, number> = {
	low: 10_000,
	medium: 20_000,
	high: 30_000,
};

/**
 * Stall limits by tier, in milliseconds (5 s / 10 s / 15 s): the longest quiet spell allowed between
 * two streamed lines after the first. Ollama sends a line per token, so a healthy model is far
 * below this even on a CPU; a server that trickles or stops without closing is cut off here instead
 * of at the total limit.
 */
export const DEFAULT_STALL_TIMEOUTS_MS: Record<Tier, number> = {
	low: 5_000,
	medium: 10_000,
	high: 15_000,
};

export interface AdaptiveTimeoutOptions {
	/** Off: always the configured total timeout. */
	enabled: boolean;
	/** Multiple of the learned p95 latency (default 3). */
	multiplier: number;
	/** Never below this, in milliseconds (default 10 000). */
	floorMs: number;
	/** Successful calls needed before adapting (default 20). */
	minSamples: number;
}

export const DEFAULT_ADAPTIVE_TIMEOUT: AdaptiveTimeoutOptions = {
	enabled: true,
	multiplier: 3,
	floorMs: 10_000,
	minSamples: 20,
};

/** The q-quantile (0..1) of `samples` by nearest rank; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
	if (samples.length === 0) return Number.NaN;
	const sorted = [...samples].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[rank];
}

/**
 * The total timeout for one attempt, in milliseconds: the configured limit (which stays the ceiling),
 * or, once `minSamples` successful latencies (ms) are known, max(floor, min(ceiling, multiplier × p95)).
 */
export function adaptiveTotalMs(
	configuredMs: number,
	latenciesMs: readonly number[],
	options: AdaptiveTimeoutOptions,
): number {
	if (!options.enabled || latenciesMs.length < options.minSamples) return configuredMs;
	const learned = options.multiplier * quantile(latenciesMs, 0.95);
	return Math.round(
		Math.max(Math.min(options.floorMs, configuredMs), Math.min(configuredMs, learned)),
	);
}

/** The first-token (or stall) limit for an attempt: never longer than the total limit. */
export function firstTokenMs(configuredFirstTokenMs: number, totalMs: number): number {
	return Math.min(configuredFirstTokenMs, totalMs);
}
