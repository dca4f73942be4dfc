import {
	backoffCapMs,
	backoffDelayMs,
	DEFAULT_BACKOFF_OPTIONS,
} from '../../../../nodes/AiDispatcher/engine/resilience/backoff';

const opts = { baseDelayMs: 100, maxDelayMs: 1_000 };

describe('exponential backoff with full jitter', () => {
	it.each([
		[1, 100],
		[2, 200],
		[3, 400],
		[4, 800],
		[5, 1_000],
		[50, 1_000],
	])('retry %i is capped at %i ms', (retry, cap) => {
		expect(backoffCapMs(retry, opts)).toBe(cap);
	});

	it.each([0, 0.25, 0.5, 0.999999])('stays within [0, cap) for random %p', (r) => {
		for (let retry = 1; retry <= 8; retry++) {
			const delay = backoffDelayMs(retry, opts, () => r);
			expect(delay).toBeGreaterThanOrEqual(0);
			expect(delay).toBeLessThan(backoffCapMs(retry, opts));
			expect(Number.isInteger(delay)).toBe(true);
		}
	});

	it('spreads delays uniformly (full jitter) and clamps a bad random source', () => {
		expect(backoffDelayMs(3, opts, () => 0.5)).toBe(200);
		expect(backoffDelayMs(1, opts, () => 7)).toBe(100);
		expect(backoffDelayMs(1, opts, () => -1)).toBe(0);
	});

	it('has defaults of 250 ms base and 4 s cap', () => {
		expect(DEFAULT_BACKOFF_OPTIONS).toEqual({ baseDelayMs: 250, maxDelayMs: 4_000 });
	});
});
