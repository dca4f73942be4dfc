/**
 * The metrics of one `DispatcherState`: a bounded registry fed by the engine's `DispatchObserver`
 * hook after every item, the push throttle's state, and the push-time snapshot of what the state
 * already tracks (breakers, learned speeds, signals rounds).
 */
import type { Plan } from '../plan';
import type { ResilienceRegistry } from '../resilience/registry';
import type { Settled } from '../result';
import type { LearnedStats } from '../signals/learned';
import type { SignalsStore } from '../signals/store';
import type { DispatchObserver } from '../state';
import type { DispatchResult } from '../types';
import { METRIC_DEFS, METRICS } from './catalog';
import type { MetricsFigures } from './figures';
import { observeCost } from './cost';
import { observeDecision, observeItem } from './observe';
import { newPushState, PUSH_INTERVAL_MS, type PushState } from './pusher';
import { MetricsRegistry } from './registry';
import { snapshotReuse } from './reuse';
import type { ReuseStore } from '../reuse/store';
import { snapshotProcess } from './snapshot';

/** What the recorder reads from its state. */
export interface RecorderSources {
	resilience: ResilienceRegistry;
	learned: LearnedStats;
	signals: SignalsStore;
	/** Absent in recorders built before answer reuse existed (tests); the reuse series are then not set. */
	reuse?: ReuseStore;
}

export class MetricsRecorder implements DispatchObserver, MetricsFigures {
	readonly registry: MetricsRegistry;
	readonly push: PushState = newPushState();
	/** The push group's instance label of this process, chosen at the first push. */
	instance: string | null = null;
	/** Minimum time between push attempts, in ms. */
	intervalMs = PUSH_INTERVAL_MS;

	constructor(
		private readonly sources: RecorderSources,
		maxSeries?: number,
	) {
		this.registry = new MetricsRegistry(METRIC_DEFS, maxSeries);
	}

	/** The recorder keeps its figures itself: the push and Status read them here. */
	get figures(): MetricsFigures {
		return this;
	}

	/** A selection was made (Generate, Select Model, the chat model): count it by choice and driver. */
	planned(plan: Plan): void {
		observeDecision(this.registry, plan.decision, plan.complexity, plan.config.thresholds);
	}

	/** One item ended (answered or failed): its attempts, usage and signals. */
	finished(plan: Plan, outcome: Settled<DispatchResult>): void {
		observeItem(this.registry, {
			outcome,
			models: plan.config.models,
			thresholds: plan.config.thresholds,
			// What this process learned, else what the other processes pushed (queue mode: a worker that never
			// ran the strongest model still has its speed for the time-saved estimate).
			tokensPerS: (model, host) =>
				host
					? (this.sources.learned.forHost(host).get(model)?.tokensPerS ??
						plan.signals?.snapshot.peerTokensPerS?.[host]?.[model] ??
						null)
					: null,
			signals: plan.signals
				? { state: plan.signals.snapshot.prometheus, ageMs: plan.signals.ageMs }
				: undefined,
		});
		if (outcome.ok) observeCost(this.registry, plan, outcome.value);
	}

	/** A model was loaded for this process: count it and its load time. */
	loaded(host: string, model: string, loadMs: number): void {
		this.registry.inc(METRICS.modelLoads, [model, host]);
		this.registry.observe(METRICS.loadDuration, [model], Math.max(0, loadMs) / 1000);
	}

	/** Takes the push-time gauges into the registry and returns it (for rendering or Status). */
	snapshot(): MetricsRegistry {
		const hosts = new Set<string>();
		for (const s of this.registry.read(METRICS.calls)) if (s.labels[1]) hosts.add(s.labels[1]);
		const { resilience, learned, signals } = this.sources;
		const counters = resilience.counters();
		snapshotProcess(this.registry, {
			breakers: resilience
				.openBreakers()
				.map((b) => ({ ...b, untilMs: b.retryAfter ? Date.parse(b.retryAfter) : undefined })),
			breakerOpenings: counters.breakerOpens,
			breakerSharedOpenings: counters.sharedOpens,
			learnedTokensPerS: new Map(
				[...hosts].map((host) => [
					host,
					new Map([...learned.forHost(host)].map(([m, s]) => [m, s.tokensPerS])),
				]),
			),
			signals: { refreshes: signals.rounds, failedRefreshes: signals.failedRounds },
		});
		if (this.sources.reuse) snapshotReuse(this.registry, this.sources.reuse.stats());
		return this.registry;
	}
}
