/**
 * Everything the dispatcher learns and remembers across items, executions and workflows, in one
 * declared, bounded object. The node package creates one per n8n process (`adapters/state.ts`) and
 * passes it to `planItem`/`runPlan`; tests and benchmarks create their own. The engine keeps no
 * module-level state.
 */
import { CostLedger } from './cost/ledger';
import type { MetricsFigures } from './metrics/figures';
import { MetricsRecorder } from './metrics/recorder';
import type { Settled } from './result';
import { MAX_RESIDENCY_HOSTS, ResidencyStore } from './residency/store';
import { ResilienceRegistry, MAX_ENTRIES as MAX_RESILIENCE_ENTRIES } from './resilience/registry';
import { DEFAULT_REUSE_MAX_BYTES, ReuseStore } from './reuse/store';
import { LearnedStats, MAX_LEARNED_ENTRIES } from './signals/learned';
import { SignalsStore, MAX_ENTRIES as MAX_SIGNALS_ENTRIES } from './signals/store';
import { CapabilityStore, MAX_CAPABILITY_ENTRIES } from './thinking/capabilities';
import type { Plan } from './plan';
import type { DispatchResult } from './types';

/**
 * Observes each item's path: the slot for metrics (counters, histograms). Called synchronously;
 * must not throw (a throwing observer is logged and ignored).
 */
export interface DispatchObserver {
	/** A plan was made (model chosen or not), before any call. */
	planned?(plan: Plan): void;
	/** `runPlan` ended: the answer, or the error it throws (attempts on `DispatcherError`). */
	finished?(plan: Plan, outcome: Settled<DispatchResult>, ms: number): void;
	/** A model was loaded on a host (by an item's call or a preload) in `loadMs`. */
	loaded?(host: string, model: string, loadMs: number): void;
	/** The figures it keeps, which the Pushgateway push and the Status operation read; absent when it keeps none. */
	readonly figures?: MetricsFigures;
}

export interface DispatcherState {
	/** Breakers and latencies per (Ollama URL, model); in-flight count and liveness per host. */
	readonly resilience: ResilienceRegistry;
	/** Live signals rounds, cached per (Ollama URL, Prometheus URL, queries); Prometheus breakers. */
	readonly signals: SignalsStore;
	/** Moving averages of latency, speed and success per (Ollama URL, model). */
	readonly learned: LearnedStats;
	/** Per Ollama URL: the models loaded, how many the host holds at once, learned load times. */
	readonly residency: ResidencyStore;
	/** Answers to reuse (bounded in bytes, LRU) and the identical calls in flight. */
	readonly reuse: ReuseStore;
	/** What each (Ollama URL, model) can do (/api/show capabilities: which models think). */
	readonly capabilities: CapabilityStore;
	/** Metrics: a `MetricsRecorder` (counters, histograms, push state) unless another observer was given; the push and Status read its `figures`. */
	readonly metrics?: DispatchObserver;
	/** Spend of priced (cloud) models per credential, day and execution, and the budgets' reservations. */
	readonly costs: CostLedger;
}

export interface DispatcherStateOptions {
	/** Most (URL, model) pairs and hosts kept by the resilience registry (default 512). */
	maxResilienceEntries?: number;
	/** Most signals cache entries (default 64). */
	maxSignalsEntries?: number;
	/** Most (URL, model) pairs with learned stats (default 512). */
	maxLearnedEntries?: number;
	/** Most Ollama hosts whose residency is remembered (default 64). */
	maxResidencyHosts?: number;
	/** Most bytes of stored answers (estimated; default 64 MiB). */
	maxReuseBytes?: number;
	/** Most (URL, model) pairs with known capabilities (default 512). */
	maxCapabilityEntries?: number;
	/** Replaces the default `MetricsRecorder`. */
	metrics?: DispatchObserver;
}

/** A fresh, empty state. */
export function createDispatcherState(options: DispatcherStateOptions = {}): DispatcherState {
	const resilience = new ResilienceRegistry(options.maxResilienceEntries ?? MAX_RESILIENCE_ENTRIES);
	const signals = new SignalsStore(options.maxSignalsEntries ?? MAX_SIGNALS_ENTRIES);
	const learned = new LearnedStats(options.maxLearnedEntries ?? MAX_LEARNED_ENTRIES);
	const residency = new ResidencyStore(options.maxResidencyHosts ?? MAX_RESIDENCY_HOSTS);
	const reuse = new ReuseStore(options.maxReuseBytes ?? DEFAULT_REUSE_MAX_BYTES);
	const capabilities = new CapabilityStore(options.maxCapabilityEntries ?? MAX_CAPABILITY_ENTRIES);
	const costs = new CostLedger();
	return {
		resilience,
		signals,
		learned,
		residency,
		reuse,
		capabilities,
		costs,
		metrics: options.metrics ?? new MetricsRecorder({ resilience, learned, signals, reuse }),
	};
}
