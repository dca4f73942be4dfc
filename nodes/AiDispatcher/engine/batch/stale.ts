/**
 * A plan made at the start of a batch may be overtaken by what happened while earlier groups ran: the
 * chosen model's circuit opened on every host. Such an item is planned again before it runs, so its
 * decision says why the model was skipped, as it would have if it had been planned last.
 */
import type { Plan } from '../plan';
import { openCircuits } from '../resilience/hosts';
import type { DispatcherState } from '../state';

/** True when the plan's chosen model is now skipped for an open circuit on every host. */
export function circuitOpenedSince(plan: Plan, state: DispatcherState, nowMs: number): boolean {
	const model = plan.decision.model;
	if (!model || plan.skipped.some((s) => s.model === model)) return false;
	return openCircuits(
		state.resilience,
		plan.config.baseUrls,
		[model],
		nowMs,
		plan.settings.breaker,
	).has(model);
}
