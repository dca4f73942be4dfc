import {
	budgetToPico,
	callCostPico,
	isPriced,
	picoToDecimal,
	toMicrosPerMTok,
	type Price,
} from '../../../../nodes/AiDispatcher/engine/cost/price';

const price: Price = {
	inputMicrosPerMTok: toMicrosPerMTok(0.15) as number,
	outputMicrosPerMTok: toMicrosPerMTok(0.6) as number,
	currency: 'USD',
};

describe('prices in integer micro-units per million tokens', () => {
	it.each([
		[0.15, 150_000],
		[0.6, 600_000],
		[2.5, 2_500_000],
		[0.000001, 1],
		[0, 0],
		[0.1 + 0.2, 300_000],
	])('%s per MTok → %s micros', (perMTok, micros) => {
		expect(toMicrosPerMTok(perMTok)).toBe(micros);
	});

	it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY], [0.0000001], [2e6]])(
		'refuses %s',
		(perMTok) => {
			expect(toMicrosPerMTok(perMTok)).toBeNull();
		},
	);

	it('isPriced: 0/0 is free, any price is priced', () => {
		expect(isPriced(undefined)).toBe(false);
		expect(isPriced({ inputMicrosPerMTok: 0, outputMicrosPerMTok: 0, currency: 'USD' })).toBe(
			false,
		);
		expect(isPriced({ inputMicrosPerMTok: 0, outputMicrosPerMTok: 1, currency: 'USD' })).toBe(true);
	});
});

describe('call cost', () => {
	it('is tokens × price exactly: 15 in, 7 out at 0.15 / 0.60 per MTok = 0.00000645', () => {
		// 15 × 0.15e-6 + 7 × 0.6e-6 = 2.25e-6 + 4.2e-6
		expect(picoToDecimal(callCostPico(price, 15, 7))).toBe('0.00000645');
	});

	it('sums 10 000 calls with no drift (floats would drift)', () => {
		let total = 0n;
		let floatTotal = 0;
		for (let i = 0; i < 10_000; i++) {
			total += callCostPico(price, 15, 7);
			floatTotal += 15 * 0.15e-6 + 7 * 0.6e-6;
		}
		expect(picoToDecimal(total)).toBe('0.0645');
		expect(total).toBe(callCostPico(price, 150_000, 70_000));
		// What the integer arithmetic avoids: the float sum is not the exact amount.
		expect(floatTotal).not.toBe(0.0645);
	});

	it.each([
		[0n, '0'],
		[1n, '0.000000000001'],
		[1_000_000_000_000n, '1'],
		[1_500_000_000_000n, '1.5'],
		[-2_250_000n, '-0.00000225'],
	])('picoToDecimal(%s) = %s', (pico, text) => {
		expect(picoToDecimal(pico)).toBe(text);
	});

	it.each([
		[0.05, 50_000_000_000n],
		[0.0000078, 7_800_000n],
		[1e-7, 100_000n],
		[1_000_000.1, 1_000_000_100_000_000_000n],
		[1e-12, 1n],
		[0, null],
		[-1, null],
		[1e-13, null],
		[Number.NaN, null],
	])('budget %s → %s pico, exactly', (amount, pico) => {
		expect(budgetToPico(amount)).toBe(pico);
	});
});
