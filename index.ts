/**
 * Programmatic entry: the dispatcher engine, usable (and benchmarked) outside n8n.
 * n8n itself loads the node and credential from the paths in package.json's "n8n" field.
 */
export * from './nodes/AiDispatcher/engine/types';
export * from './nodes/AiDispatcher/engine/errors';
export type * from './nodes/AiDispatcher/engine/ports';
export {
	analyseComplexity,
	tierForScore,
	DEFAULT_THRESHOLDS,
} from './nodes/AiDispatcher/engine/analysis/heuristic';
export type {
	TierThresholds,
	AnalyseOptions,
} from './nodes/AiDispatcher/engine/analysis/heuristic';
export { routeComplexity } from './nodes/AiDispatcher/engine/analysis/router/route';
export type { RouteOptions } from './nodes/AiDispatcher/engine/analysis/router/route';
export { prepareExamples } from './nodes/AiDispatcher/engine/analysis/router/examples';
export type {
	RoutingExample,
	PreparedExample,
} from './nodes/AiDispatcher/engine/analysis/router/examples';
export { selectModel } from './nodes/AiDispatcher/engine/selection/select';
export type { SelectionFacts } from './nodes/AiDispatcher/engine/selection/select';
export { tierOrder, tierDiscoveredModels } from './nodes/AiDispatcher/engine/selection/tiers';
export { parseParameterBillions } from './nodes/AiDispatcher/transport/parameterSize';
export { createDispatcherState } from './nodes/AiDispatcher/engine/state';
export type {
	DispatcherState,
	DispatcherStateOptions,
	DispatchObserver,
} from './nodes/AiDispatcher/engine/state';
export { planItem, runPlan, dispatch } from './nodes/AiDispatcher/engine/plan';
export type { Plan } from './nodes/AiDispatcher/engine/plan';
export { decide } from './nodes/AiDispatcher/engine/decision';
export { DEFAULT_TIMEOUTS_MS } from './nodes/AiDispatcher/engine/resilience/timeouts';
export type {
	DispatchConfig,
	DecisionContext,
	LiveSignalsConfig,
	RouterSettings,
} from './nodes/AiDispatcher/engine/decision';
export { createOllamaClient } from './nodes/AiDispatcher/transport/ollama';
export { resolveResilience } from './nodes/AiDispatcher/engine/resilience/settings';
export type {
	ResilienceSettings,
	ResilienceOverrides,
} from './nodes/AiDispatcher/engine/resilience/settings';
export type {
	BreakerReport,
	ResilienceCounters,
} from './nodes/AiDispatcher/engine/resilience/registry';
export type { BreakerState, BreakerOptions } from './nodes/AiDispatcher/engine/resilience/breaker';
export { runBatch } from './nodes/AiDispatcher/engine/batch/run';
export type { BatchItem, BatchOptions, BatchOutcome } from './nodes/AiDispatcher/engine/batch/run';
export { planBatch } from './nodes/AiDispatcher/engine/batch/schedule';
export type {
	BatchEntry,
	BatchGroup,
	BatchSchedule,
	BatchStep,
	ResidencyFacts,
} from './nodes/AiDispatcher/engine/batch/schedule';
export { preferResident } from './nodes/AiDispatcher/engine/batch/prefer';
export type { LoadPreference } from './nodes/AiDispatcher/engine/batch/prefer';
export { ResidencyStore } from './nodes/AiDispatcher/engine/residency/store';
export type { HostResidency, CallResidency } from './nodes/AiDispatcher/engine/residency/store';
export { ReuseStore, DEFAULT_REUSE_MAX_BYTES } from './nodes/AiDispatcher/engine/reuse/store';
export type { ReuseStats, ReuseCounters } from './nodes/AiDispatcher/engine/reuse/store';
export {
	requestKey,
	scopeDigest,
	ANSWER_NEUTRAL_OPTIONS,
} from './nodes/AiDispatcher/engine/reuse/key';
export type {
	ReuseConfig,
	ReusedFrom,
	ReuseKind,
	StoredAnswer,
} from './nodes/AiDispatcher/engine/reuse/types';
