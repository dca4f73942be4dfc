/**
 * Prices and costs without float drift. A price is kept in integer micro-units of its currency per
 * million tokens; a cost is kept in pico-units (1e-12 of the currency) as a bigint, so
 * `tokens × price` is exact and sums of any number of calls never drift.
 */

/** A model's price, per million tokens, in micro-units (1e-6) of `currency`. */
export interface Price {
	/** Price of one million input (prompt) tokens, in micro-units; an integer ≥ 0. */
	inputMicrosPerMTok: number;
	/** Price of one million output (completion) tokens, in micro-units; an integer ≥ 0. */
	outputMicrosPerMTok: number;
	/** ISO currency code as the user typed it, e.g. "USD". */
	currency: string;
}

/** An exact cost, in pico-units (1e-12) of a currency. */
export type PicoAmount = bigint;

/** Most micro-units per million tokens accepted (1 000 000 currency units per million tokens). */
export const MAX_PRICE_MICROS_PER_MTOK = 1e12;

/**
 * A price typed in currency units per million tokens (e.g. 0.15) → integer micro-units. Returns
 * null for a value that is not a finite number ≥ 0, has more than 6 decimals, or is over the cap.
 */
export function toMicrosPerMTok(perMTok: number): number | null {
	if (typeof perMTok !== 'number' || !Number.isFinite(perMTok) || perMTok < 0) return null;
	const micros = Math.round(perMTok * 1e6);
	if (micros > MAX_PRICE_MICROS_PER_MTOK) return null;
	// More than 6 decimals would be rounded away: refuse it rather than bill something else.
	if (Math.abs(micros / 1e6 - perMTok) > 1e-9 * Math.max(1, perMTok)) return null;
	return micros;
}

/** The exact cost of one call: input tokens × input price + output tokens × output price. */
export function callCostPico(price: Price, inputTokens: number, outputTokens: number): PicoAmount {
	return (
		BigInt(inputTokens) * BigInt(price.inputMicrosPerMTok) +
		BigInt(outputTokens) * BigInt(price.outputMicrosPerMTok)
	);
}

/** True when the price is above zero for some token (a "priced", cloud model). */
export function isPriced(price: Price | undefined): price is Price {
	return price !== undefined && (price.inputMicrosPerMTok > 0 || price.outputMicrosPerMTok > 0);
}

/** A pico amount as an exact decimal string of currency units, e.g. 2_250_000n → "0.00000225". */
export function picoToDecimal(amount: PicoAmount): string {
	const negative = amount < 0n;
	const abs = negative ? -amount : amount;
	const whole = abs / 1_000_000_000_000n;
	const fraction = (abs % 1_000_000_000_000n).toString().padStart(12, '0').replace(/0+$/, '');
	return `${negative ? '-' : ''}${whole.toString()}${fraction ? `.${fraction}` : ''}`;
}

/** Largest budget accepted, in currency units. */
export const MAX_BUDGET = 1e12;

/**
 * A budget in currency units (as typed, e.g. 0.0000078) → pico-units, exactly: the number's shortest
 * decimal form is read digit by digit. Null when not a finite number > 0, over `MAX_BUDGET`, or finer
 * than a pico-unit.
 */
export function budgetToPico(amount: number): PicoAmount | null {
	if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0 || amount > MAX_BUDGET)
		return null;
	const text = /e/i.test(String(amount)) ? amount.toFixed(20).replace(/0+$/, '') : String(amount);
	const [whole, fraction = ''] = text.split('.');
	if (fraction.length > 12) return null;
	return BigInt(whole) * 1_000_000_000_000n + BigInt(fraction.padEnd(12, '0'));
}
