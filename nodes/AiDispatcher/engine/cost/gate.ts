/**
 * Budgets at call time: before a priced model is called its cost is estimated and reserved in the
 * `CostLedger`; a call that could exceed a budget is not made. After the call, the real cost
 * (usage × price, exact) is settled.
 */
import { DispatcherError } from '../errors';
import type { Attempt, CallCost, ModelSpec, Usage } from '../types';
import {
	isRefusal,
	type BudgetRefusal,
	type Budgets,
	type CostLedger,
	type Reservation,
} from './ledger';
import { callCostPico, isPriced, picoToDecimal, type PicoAmount } from './price';

/** The item's cost settings: where spend counts and the budgets that hold it. */
export interface CostConfig {
	/** The endpoint credential's identity (id or name; never its key) and n8n's execution id. */
	scope: { credential: string; executionId: string };
	budgets: Budgets;
	/** When true, priced models are ranked like local ones (no local-first reordering). */
	pricedAsCandidates?: boolean;
	/** The prices' currency, e.g. "USD" (also the currency of a local model's zero cost). */
	currency: string;
}

/** A priced call let through (`reservation`), or refused with the budget that would be exceeded. */
export type Gate = { reservation: Reservation } | { refusal: BudgetRefusal };

/**
 * The most a call could cost, in pico-units: the input tokens (estimated) and `maxOutputTokens`
 * (the model's Max Tokens; 0 when unset) at the model's price, or the largest call of the model
 * seen so far when that is more.
 */
export function estimateCallPico(
	model: ModelSpec,
	inputTokens: number,
	largestSeenPico: PicoAmount,
): PicoAmount {
	const price = model.backend?.price;
	if (!isPriced(price)) return 0n;
	const maxOut =
		model.options.num_predict !== undefined && model.options.num_predict > 0
			? model.options.num_predict
			: 0;
	const estimate = callCostPico(price, Math.max(0, Math.ceil(inputTokens)), maxOut);
	return estimate > largestSeenPico ? estimate : largestSeenPico;
}

/**
 * Reserves a priced call of `model`; null for an unpriced model or without cost settings. Without
 * Max Tokens, a call's output size is known only once one call of the model has settled: until
 * then one call of the model (per credential) is made at a time (the others wait for it, then are
 * estimated from its real size), so first calls made at once cannot pass a budget together.
 */
export async function gateCall(
	ledger: CostLedger,
	cost: CostConfig | undefined,
	model: ModelSpec,
	inputTokens: number,
	nowMs: () => number,
): Promise<Gate | null> {
	if (!cost || !isPriced(model.backend?.price)) return null;
	const { credential } = cost.scope;
	const outputBounded = model.options.num_predict !== undefined && model.options.num_predict > 0;
	for (
		let pending = ledger.learningCall(credential, model.name);
		!outputBounded && pending && ledger.largestCallPico(credential, model.name) === 0n;
		pending = ledger.learningCall(credential, model.name)
	) {
		await pending;
	}
	const learned = ledger.largestCallPico(credential, model.name);
	const estimate = estimateCallPico(model, inputTokens, learned);
	const reserved = ledger.reserve(
		{ ...cost.scope, nowMs: nowMs() },
		model.name,
		estimate,
		cost.budgets,
	);
	if (isRefusal(reserved)) return { refusal: reserved };
	if (!outputBounded && learned === 0n) ledger.startLearning(reserved);
	return { reservation: reserved };
}

/** Tokens and exact cost of a call of `model` with `usage`. */
export function costOf(
	model: ModelSpec,
	usage: Usage,
	currency: string,
): { cost: CallCost; pico: PicoAmount } {
	const price = model.backend?.price;
	const priced = isPriced(price);
	const pico = priced ? callCostPico(price, usage.prompt_tokens, usage.completion_tokens) : 0n;
	return {
		cost: {
			currency: priced ? price.currency : currency,
			inputTokens: usage.prompt_tokens,
			outputTokens: usage.completion_tokens,
			amount: picoToDecimal(pico),
			priced,
		},
		pico,
	};
}

/** The skipped attempt recorded for a refused call: names the budget, its limit and the spend. */
export function budgetAttempt(model: string, refusal: BudgetRefusal, currency: string): Attempt {
	return { model, ok: false, error: budgetText(refusal, currency), kind: 'budget', ms: 0 };
}

/** "budget per execution of 0.0003 USD reached (spent 0.0003 USD, this call up to 0.00001 USD)". */
export function budgetText(refusal: BudgetRefusal, currency: string): string {
	const name = refusal.budget === 'execution' ? 'Budget per Execution' : 'Budget per Day';
	return `${name} of ${picoToDecimal(refusal.limitPico)} ${currency} would be exceeded (spent ${picoToDecimal(refusal.spentPico)} ${currency}, this call up to ${picoToDecimal(refusal.estimatePico)} ${currency})`;
}

/** The item's error when a budget kept the last candidates from being called. */
export function budgetExceeded(attempts: Attempt[]): DispatcherError {
	const refused = attempts.filter((a) => a.kind === 'budget');
	const others = attempts.filter((a) => a.kind !== 'budget');
	const tried =
		others.length > 0
			? `; before that: ${others.map((a) => `${a.model}: ${a.error}`).join('; ')}`
			: '';
	return new DispatcherError(
		'BUDGET_EXCEEDED',
		`${refused.map((a) => `${a.model} not called: ${a.error}`).join('; ')}${tried}`,
		{
			attempts,
			hint: "Raise the budget in the node's Cloud settings, or wait for the next day (UTC) for the day budget; local models are used first.",
		},
	);
}
