/**
 * Turns what one item's dispatch already returned (the decision, the attempts, the usage, or the
 * error with its attempts) into counter and histogram updates. Pure apart from the registry it is
 * given: no clock, no I/O.
 */
import { DEFAULT_THRESHOLDS, type TierThresholds } from '../analysis/heuristic';
import { isDispatcherError } from '../errors';
import type { Settled } from '../result';
import { tierRank } from '../selection/tiers';
import type { PrometheusState } from '../signals/types';
import type { Attempt, ComplexityResult, Decision, DispatchResult, ModelSpec } from '../types';
import { METRICS } from './catalog';
import type { MetricsRegistry } from './registry';

/** What moved a selection, in order of precedence. */
export type DecisionDriver = 'forced' | 'rule' | 'open_circuit' | 'load_policy' | 'complexity';

export interface ItemObservation {
	outcome: Settled<DispatchResult>;
	/** The item's candidate models (configured or discovered): the strongest is the time-saved baseline. */
	models: readonly ModelSpec[];
	thresholds?: TierThresholds;
	/** Learned decode speed of `model` on `host`, tokens per second, or null when not learned yet. */
	tokensPerS: (model: string, host: string | undefined) => number | null;
	/** The live signals the item used, when signals are on. */
	signals?: { state: PrometheusState; ageMs: number };
}

/** Records one item's outcome: answered (model, calls, tokens, latency, estimate) or failed. */
export function observeItem(metrics: MetricsRegistry, item: ItemObservation): void {
	const { outcome } = item;
	if (item.signals) {
		metrics.inc(METRICS.signalsItems, [item.signals.state]);
		metrics.set(METRICS.signalsAge, [], item.signals.ageMs / 1000);
	}
	if (!outcome.ok) {
		const code = isDispatcherError(outcome.error) ? outcome.error.code : 'ERROR';
		metrics.inc(METRICS.itemsFailed, [code]);
		if (isDispatcherError(outcome.error)) observeAttempts(metrics, outcome.error.attempts);
		return;
	}
	const result = outcome.value;
	observeAttempts(metrics, result.attempts);
	metrics.inc(METRICS.items, [result.model, result.tier]);
	metrics.inc(METRICS.inputTokens, [result.model], result.usage.prompt_tokens);
	metrics.inc(METRICS.outputTokens, [result.model], result.usage.completion_tokens);
	const answered = result.attempts[result.attempts.length - 1];
	if (answered?.ok) {
		metrics.observe(METRICS.callDuration, [result.model], answered.ms / 1000);
		const decodeMs =
			decodeSeconds(result.usage.completion_tokens, result.usage.tokens_per_s) * 1000;
		if (decodeMs > 0 || result.usage.completion_tokens === 0) {
			metrics.observe(
				METRICS.firstToken,
				[result.model],
				Math.max(0, answered.ms - decodeMs) / 1000,
			);
		}
	}
	observeTimeSaved(metrics, result, item);
}

/** Records one selection (Generate and Select Model alike): the first choice, what moved it, its confidence. */
export function observeDecision(
	metrics: MetricsRegistry,
	decision: Decision,
	complexity: ComplexityResult,
	thresholds?: TierThresholds,
): void {
	if (!decision.model || !decision.tier) return;
	metrics.inc(METRICS.decisions, [
		decision.model,
		decision.tier,
		decisionDriver(decision, complexity),
	]);
	metrics.observe(
		METRICS.confidence,
		[complexity.tier],
		selectionConfidence(complexity, thresholds),
	);
}

/** Calls, retries and fallbacks of one item (circuit skips were not calls). */
function observeAttempts(metrics: MetricsRegistry, attempts: readonly Attempt[]): void {
	let previous: string | undefined;
	for (const a of attempts) {
		if (a.kind === 'circuit_open') continue;
		const host = a.host ?? '';
		metrics.inc(METRICS.calls, [a.model, host, a.ok ? 'ok' : (a.kind ?? 'unknown')]);
		if (a.retry) metrics.inc(METRICS.retries, [a.model, host]);
		if (previous !== undefined && previous !== a.model)
			metrics.inc(METRICS.fallbacks, [previous, a.model]);
		previous = a.model;
	}
}

/** Fallbacks in one item's attempts: how often it moved to another model (what the e2e compares). */
export function countFallbacks(attempts: readonly { model: string; kind?: string }[]): number {
	const called = attempts.filter((a) => a.kind !== 'circuit_open');
	return called.filter((a, i) => i > 0 && called[i - 1].model !== a.model).length;
}

/**
 * What moved the choice: a forced tier or rule-forced model; another matched rule; a model skipped
 * for an open circuit; the load policy choosing another model than usual; else the complexity.
 */
export function decisionDriver(decision: Decision, complexity: ComplexityResult): DecisionDriver {
	const first = decision.candidates.find((c) => c.model === decision.model);
	if (complexity.forced || first?.reasons.some((r) => r.startsWith('forced by rule')))
		return 'forced';
	if (decision.rules && decision.rules.length > 0) return 'rule';
	if (decision.candidates.some((c) => c.excluded?.startsWith('circuit open')))
		return 'open_circuit';
	if (/ instead of /.test(decision.reason)) return 'load_policy';
	return 'complexity';
}

/**
 * 0..1: distance of the complexity score from the nearest tier threshold, relative to the width of
 * the band it fell in (low: [0, medium), medium: [medium, high), high: [high, 1]). A forced tier is 1.
 */
export function selectionConfidence(
	complexity: ComplexityResult,
	thresholds: TierThresholds = DEFAULT_THRESHOLDS,
): number {
	if (complexity.forced) return 1;
	const s = complexity.score;
	const { medium, high } = thresholds;
	let ratio: number;
	if (s < medium) ratio = medium > 0 ? (medium - s) / medium : 1;
	else if (s < high)
		ratio = high > medium ? (2 * Math.min(s - medium, high - s)) / (high - medium) : 1;
	else ratio = high < 1 ? (s - high) / (1 - high) : 1;
	return Math.min(1, Math.max(0, ratio));
}

/** The strongest configured model: highest tier, then most parameters, then largest on disk, then first listed. */
export function strongestModel(models: readonly ModelSpec[]): ModelSpec | undefined {
	let best: ModelSpec | undefined;
	for (const m of models) {
		if (!best) best = m;
		else if (compareStrength(m, best) > 0) best = m;
	}
	return best;
}

function compareStrength(a: ModelSpec, b: ModelSpec): number {
	return (
		tierRank(a.tier) - tierRank(b.tier) ||
		(a.parameterBillions ?? 0) - (b.parameterBillions ?? 0) ||
		(a.sizeBytes ?? 0) - (b.sizeBytes ?? 0)
	);
}

/**
 * ESTIMATE of the decode time the strongest model would have needed for the tokens this item
 * produced (its learned tokens/s on the host that answered), next to what the answering model needed
 * (its eval rate in this reply). Skipped while either speed is unknown.
 */
function observeTimeSaved(
	metrics: MetricsRegistry,
	result: DispatchResult,
	item: ItemObservation,
): void {
	const tokens = result.usage.completion_tokens;
	const strongest = strongestModel(item.models);
	if (!strongest || tokens <= 0) return;
	const chosenRate =
		result.usage.tokens_per_s > 0
			? result.usage.tokens_per_s
			: item.tokensPerS(result.model, result.host);
	const strongestRate =
		strongest.name === result.model ? chosenRate : item.tokensPerS(strongest.name, result.host);
	if (!chosenRate || !strongestRate) return;
	metrics.inc(METRICS.estimatedChosen, [], decodeSeconds(tokens, chosenRate));
	metrics.inc(METRICS.estimatedStrongest, [], decodeSeconds(tokens, strongestRate));
	metrics.inc(METRICS.estimatedItems);
}

function decodeSeconds(tokens: number, tokensPerS: number): number {
	return tokensPerS > 0 ? tokens / tokensPerS : 0;
}
