/** The stall limit's defaults by tier and how the Stall Timeout option and the total limit bound it (issue 9). */
import { resolveResilience } from '../../../../nodes/AiDispatcher/engine/resilience/settings';
import {
	DEFAULT_STALL_TIMEOUTS_MS,
	firstTokenMs,
} from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';

describe('stall timeout settings', () => {
	it('defaults to 5 s / 10 s / 15 s by tier, and an override replaces only what it names', () => {
		expect(DEFAULT_STALL_TIMEOUTS_MS).toEqual({ low: 5_000, medium: 10_000, high: 15_000 });
		expect(resolveResilience().stallTimeoutsMs).toEqual({
			low: 5_000,
			medium: 10_000,
			high: 15_000,
		});
		expect(resolveResilience({ stallTimeoutsMs: { high: 2_000 } }).stallTimeoutsMs).toEqual({
			low: 5_000,
			medium: 10_000,
			high: 2_000,
		});
	});

	it('is never longer than the total limit of the try', () => {
		expect(firstTokenMs(15_000, 4_000)).toBe(4_000);
		expect(firstTokenMs(1_500, 4_000)).toBe(1_500);
	});
});
