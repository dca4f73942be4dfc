/**
 * The warning n8n shows above the output when any item fell back, so a green node never hides a
 * failing model (n8n's execution hints: `addExecutionHints`).
 */
import type { IDataObject, IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { listWords } from '../engine/failures';

/** The hint for Generate's answered items, or undefined when every item got its first choice. */
export function fallbackHint(
	answered: readonly IDataObject[],
	itemCount: number,
): NodeExecutionHint | undefined {
	const from = answered
		.filter((json) => json.fallback === true)
		.map((json) => String(json.firstChoice));
	if (from.length === 0) return undefined;
	const models = listWords([...new Set(from)], 3);
	const items = `${from.length} of ${itemCount} ${itemCount === 1 ? 'item' : 'items'} ${from.length === 1 ? 'was' : 'were'}`;
	return {
		type: 'warning',
		location: 'outputPane',
		message: `${items} answered by a fallback model because ${models} did not answer; each item's reason says why.`,
	};
}

/** Shows the hint when the n8n version offers execution hints. */
export function addFallbackHint(
	ctx: IExecuteFunctions,
	answered: readonly IDataObject[],
	itemCount: number,
): void {
	const hint = fallbackHint(answered, itemCount);
	if (hint && typeof ctx.addExecutionHints === 'function') ctx.addExecutionHints(hint);
}
