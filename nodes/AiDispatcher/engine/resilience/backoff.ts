/** Exponential backoff with full jitter, as pure functions (the caller sleeps through its ports). */

export interface BackoffOptions {
	/** Delay cap before jitter for the first retry, in milliseconds (default 250). */
	baseDelayMs: number;
	/** Largest delay ever returned, in milliseconds (default 4 000). */
	maxDelayMs: number;
}

export const DEFAULT_BACKOFF_OPTIONS: BackoffOptions = { baseDelayMs: 250, maxDelayMs: 4_000 };

/** The cap before jitter for retry number `retry` (1 = first retry): min(max, base × 2^(retry−1)). */
export function backoffCapMs(retry: number, options: BackoffOptions): number {
	const exponent = Math.max(0, Math.min(30, retry - 1));
	return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
}

/**
 * Full jitter ("Exponential Backoff And Jitter", AWS): a uniform draw in [0, cap). `random` returns
 * 0 ≤ x < 1 (the engine's `ports.random`). Result in whole milliseconds.
 */
export function backoffDelayMs(
	retry: number,
	options: BackoffOptions,
	random: () => number,
): number {
	const draw = Math.min(Math.max(random(), 0), 1);
	return Math.floor(draw * backoffCapMs(retry, options));
}
