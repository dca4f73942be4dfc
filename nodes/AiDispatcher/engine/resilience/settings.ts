/** Every resilience knob in one place, with defaults; callers override parts. */
import type { Tier } from '../types';
import { DEFAULT_BACKOFF_OPTIONS, type BackoffOptions } from './backoff';
import { DEFAULT_BREAKER_OPTIONS, validateBreakerOptions, type BreakerOptions } from './breaker';
import { DEFAULT_CONNECT_TIMEOUT_MS, LIVENESS_WINDOW_MS } from './liveness';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from './retry';
import {
	DEFAULT_ADAPTIVE_TIMEOUT,
	DEFAULT_FIRST_TOKEN_TIMEOUTS_MS,
	DEFAULT_STALL_TIMEOUTS_MS,
	type AdaptiveTimeoutOptions,
} from './timeouts';

export interface ResilienceSettings {
	retry: RetryOptions;
	backoff: BackoffOptions;
	breaker: BreakerOptions;
	adaptiveTimeout: AdaptiveTimeoutOptions;
	/** Wait for the first streamed line, by tier, in milliseconds. */
	firstTokenTimeoutsMs: Record<Tier, number>;
	/** Longest wait between two streamed lines after the first, by tier, in milliseconds. */
	stallTimeoutsMs: Record<Tier, number>;
	/** Wait for a host to answer its liveness check (GET /), in milliseconds (see liveness.ts). */
	connectTimeoutMs: number;
	/** How long a host's answer (or failed check) is trusted, in milliseconds; `LIVENESS_WINDOW_MS` (not a node option). */
	livenessWindowMs: number;
}

/** Overrides, any part optional. */
export interface ResilienceOverrides {
	retry?: Partial<RetryOptions>;
	backoff?: Partial<BackoffOptions>;
	breaker?: Partial<BreakerOptions>;
	adaptiveTimeout?: Partial<AdaptiveTimeoutOptions>;
	firstTokenTimeoutsMs?: Partial<Record<Tier, number>>;
	stallTimeoutsMs?: Partial<Record<Tier, number>>;
	connectTimeoutMs?: number;
	livenessWindowMs?: number;
}

/** Defaults merged with `overrides`; throws RangeError naming a bad value. */
export function resolveResilience(overrides: ResilienceOverrides = {}): ResilienceSettings {
	const retry = { ...DEFAULT_RETRY_OPTIONS, ...overrides.retry };
	if (!Number.isInteger(retry.maxRetries) || retry.maxRetries < 0 || retry.maxRetries > 10) {
		throw new RangeError(`maxRetries should be an integer 0..10, got ${retry.maxRetries}`);
	}
	const backoff = { ...DEFAULT_BACKOFF_OPTIONS, ...overrides.backoff };
	if (!(backoff.baseDelayMs >= 0) || !(backoff.maxDelayMs >= backoff.baseDelayMs)) {
		throw new RangeError(
			`backoff should have 0 ≤ baseDelayMs ≤ maxDelayMs, got ${backoff.baseDelayMs} and ${backoff.maxDelayMs}`,
		);
	}
	const connectTimeoutMs = overrides.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
	if (!(connectTimeoutMs > 0) || !Number.isFinite(connectTimeoutMs)) {
		throw new RangeError(
			`connectTimeoutMs should be a positive number of milliseconds, got ${connectTimeoutMs}`,
		);
	}
	const livenessWindowMs = overrides.livenessWindowMs ?? LIVENESS_WINDOW_MS;
	if (!(livenessWindowMs >= 0) || !Number.isFinite(livenessWindowMs)) {
		throw new RangeError(`livenessWindowMs should be ≥ 0 milliseconds, got ${livenessWindowMs}`);
	}
	return {
		retry,
		backoff,
		breaker: validateBreakerOptions({ ...DEFAULT_BREAKER_OPTIONS, ...overrides.breaker }),
		adaptiveTimeout: { ...DEFAULT_ADAPTIVE_TIMEOUT, ...overrides.adaptiveTimeout },
		firstTokenTimeoutsMs: { ...DEFAULT_FIRST_TOKEN_TIMEOUTS_MS, ...overrides.firstTokenTimeoutsMs },
		stallTimeoutsMs: { ...DEFAULT_STALL_TIMEOUTS_MS, ...overrides.stallTimeoutsMs },
		connectTimeoutMs,
		livenessWindowMs,
	};
}
