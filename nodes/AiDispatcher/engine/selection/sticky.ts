/**
 * Stickiness of a conversation (the chat model's calls within one execution): an AI Agent's next
 * call keeps the model that answered its previous call when the item's Quality ↔ Speed setting lets
 * that model answer it (see `batch/prefer.ts`), so the agent's turns do not swap models in and out
 * of memory. Pure.
 */
import { mayAnswerInstead, moved, type LoadPreference } from '../batch/prefer';
import type { Decision } from '../types';

/** The decision with the previous call's model first when the setting allows it; else unchanged. */
export function stickToPrevious(
	decision: Decision,
	previous: string | null | undefined,
	preference: LoadPreference,
): Decision {
	if (!previous || !decision.model || decision.model === previous) return decision;
	if (!mayAnswerInstead(decision, previous, preference)) return decision;
	const tier = decision.candidates.find((c) => c.model === previous)?.tier;
	return moved(
		decision,
		previous,
		`sticky: kept ${previous} (${tier}), which answered this conversation's previous call, instead of switching to ${decision.model} (${decision.tier})`,
	);
}
