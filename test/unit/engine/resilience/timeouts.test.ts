import {
	adaptiveTotalMs,
	DEFAULT_ADAPTIVE_TIMEOUT,
	firstTokenMs,
	quantile,
} from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { resolveResilience } from '../../../../nodes/AiDispatcher/engine/resilience/settings';

const opts = { ...DEFAULT_ADAPTIVE_TIMEOUT, minSamples: 5, floorMs: 1_000, multiplier: 3 };

describe('adaptive total timeout', () => {
	it.each<[string, number, number[], number]>([
		['keeps the configured limit with too few samples', 60_000, [500, 500, 500, 500], 60_000],
		[
			'uses 3 × p95 once enough samples are known',
			60_000,
			[900, 1_000, 1_100, 1_200, 2_000],
			6_000,
		],
		['never goes below the floor', 60_000, [10, 10, 10, 10, 10], 1_000],
		[
			'never goes above the configured limit (the ceiling)',
			5_000,
			[4_000, 4_000, 4_000, 4_000, 4_000],
			5_000,
		],
		[
			'a floor above the configured limit yields the configured limit',
			500,
			[10, 10, 10, 10, 10],
			500,
		],
	])('%s', (_name, configured, samples, expected) => {
		expect(adaptiveTotalMs(configured, samples, opts)).toBe(expected);
	});

	it('is off when disabled', () => {
		expect(adaptiveTotalMs(60_000, [10, 10, 10, 10, 10], { ...opts, enabled: false })).toBe(60_000);
	});

	it.each<[number[], number, number]>([
		[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 10],
		[[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5, 5],
		[[7], 0.95, 7],
	])('quantile(%j, %p) = %p', (samples, q, expected) => {
		expect(quantile(samples, q)).toBe(expected);
	});

	it('caps the first-token limit at the total limit', () => {
		expect(firstTokenMs(20_000, 5_000)).toBe(5_000);
		expect(firstTokenMs(2_000, 5_000)).toBe(2_000);
	});
});

describe('resolveResilience', () => {
	it('fills defaults: 1 retry, 3 failures, 30 s cooldown, first token 10/20/30 s, connect 3 s', () => {
		const s = resolveResilience();
		expect(s.retry.maxRetries).toBe(1);
		expect(s.breaker).toMatchObject({ failureThreshold: 3, cooldownMs: 30_000 });
		expect(s.firstTokenTimeoutsMs).toEqual({ low: 10_000, medium: 20_000, high: 30_000 });
		expect(s.connectTimeoutMs).toBe(3_000);
		expect(resolveResilience({ connectTimeoutMs: 300 }).connectTimeoutMs).toBe(300);
	});

	it.each([
		[{ retry: { maxRetries: -1 } }, /maxRetries should be an integer 0..10, got -1/],
		[{ backoff: { baseDelayMs: 500, maxDelayMs: 100 } }, /0 ≤ baseDelayMs ≤ maxDelayMs/],
		[{ breaker: { failureThreshold: 0 } }, /failureThreshold/],
		[
			{ connectTimeoutMs: 0 },
			/connectTimeoutMs should be a positive number of milliseconds, got 0/,
		],
		[
			{ connectTimeoutMs: Number.NaN },
			/connectTimeoutMs should be a positive number of milliseconds, got NaN/,
		],
	])('rejects %j', (overrides, message) => {
		expect(() => resolveResilience(overrides)).toThrow(message);
	});
});
