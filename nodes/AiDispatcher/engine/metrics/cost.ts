/**
 * The cost metrics, fed by the recorder after each answered item: what priced (cloud) models cost,
 * per model, and the estimated saving of answering locally instead of with the priced model the
 * item would have fallen back to (its tokens at that model's price). Labels: configured model names
 * and the currency the user typed in the credential (bounded sets); amounts in currency units.
 */
import { isPricedModel } from '../cost/localFirst';
import { callCostPico, type Price } from '../cost/price';
import type { Plan } from '../plan';
import type { DispatchResult } from '../types';
import type { MetricDef, MetricsRegistry } from './registry';

const counter = (name: string, help: string, labels: readonly string[]): MetricDef => ({
	name,
	help,
	type: 'counter',
	labels,
});

export const COST_METRICS = {
	cost: counter(
		'ai_dispatcher_cost_total',
		'Spend on priced (cloud) models, in the currency of their prices, by model.',
		['model', 'currency'],
	),
	saving: counter(
		'ai_dispatcher_cost_saving_total',
		"Estimated saving of answering locally: each local answer's tokens at the price of the priced model the item would have fallen back to, by that model.",
		['model', 'currency'],
	),
} as const satisfies Record<string, MetricDef>;

/** Counts an answered item's cost, or its saving when a local model answered an item a priced one could have. */
export function observeCost(metrics: MetricsRegistry, plan: Plan, result: DispatchResult): void {
	const cost = result.cost;
	if (!cost || result.reused) return;
	if (cost.priced) {
		metrics.inc(COST_METRICS.cost, [result.model, cost.currency], Number(cost.amount));
		return;
	}
	const order = [plan.decision.model, ...plan.decision.alternatives];
	const priced = order
		.map((name) => plan.config.models.find((m) => m.name === name))
		.find(isPricedModel);
	const price = priced?.backend?.price as Price | undefined;
	if (!priced || !price) return;
	const pico = callCostPico(price, cost.inputTokens, cost.outputTokens);
	metrics.inc(COST_METRICS.saving, [priced.name, price.currency], Number(pico) / 1e12);
}
