/** How both nodes show what came with an answer: whether the model had to load, its thinking, its cost. */
import type { IDataObject } from 'n8n-workflow';

import type { CallCost, DispatchResult, ThinkingRecord } from '../../engine/types';

/** Whether the model was already loaded, and its load time when it was not (absent without a residency reading). */
export function loadJson(r: DispatchResult): IDataObject {
	if (!r.load) return {};
	return {
		modelAlreadyLoaded: r.load.alreadyLoaded,
		loadMs: r.load.loadMs === null ? null : Math.round(r.load.loadMs),
	};
}

/** Whether the model thought, at which effort and why, and its thinking text (never mixed into `response`). */
export function thinkingJson(t: ThinkingRecord): IDataObject {
	return {
		thought: t.text.length > 0,
		effort: t.effort,
		...(t.think !== undefined ? { think: t.think } : {}),
		reason: t.reason,
		text: t.text,
	};
}

/** Tokens and cost of the answer: `amount` a number for sums, `amountExact` the exact decimal (no float drift). */
export function costJson(c: CallCost): IDataObject {
	return {
		inputTokens: c.inputTokens,
		outputTokens: c.outputTokens,
		amount: Number(c.amount),
		amountExact: c.amount,
		currency: c.currency,
		priced: c.priced,
	};
}
