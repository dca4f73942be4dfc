/**
 * The signals cache of one `DispatcherState` (see `../state.ts`): one entry per (Ollama URL, Prometheus URL, query set), reused for
 * its TTL by every item, execution and workflow that uses the same credential and queries. Single
 * flight: while a round runs, every caller awaits the same round. Prometheus has a breaker per URL.
 * No timers: expiry is checked against the clock port when a caller asks.
 */
import type { PrometheusBreakerState } from './breaker';
import {
	PROMETHEUS_CLOSED,
	prometheusAllows,
	prometheusBreakerJson,
	prometheusOpened,
	prometheusSucceeded,
} from './breaker';
import { runRound, type RoundPorts } from './round';
import type { SignalSnapshot, SignalsConfig, SignalsSource } from './types';

/** Most cache entries kept; the least recently used goes first. */
export const MAX_ENTRIES = 64;

interface Entry {
	snapshot?: SignalSnapshot;
	expiresAtMs: number;
	inflight?: Promise<SignalSnapshot>;
}

export interface SignalsRead {
	snapshot: SignalSnapshot;
	/** Milliseconds since the round finished. */
	ageMs: number;
	/** True when this call waited for (or started) a round. */
	refreshed: boolean;
}

export class SignalsStore {
	private readonly entries = new Map<string, Entry>();
	private readonly breakers = new Map<string, PrometheusBreakerState>();
	/** Rounds run since creation (for tests and the Status output). */
	rounds = 0;
	/** Rounds in which Prometheus was configured but gave nothing usable (failed, or its breaker was open). */
	failedRounds = 0;

	/** @param maxEntries most cache entries kept; the least recently used goes first */
	constructor(private readonly maxEntries = MAX_ENTRIES) {}

	/**
	 * Cache key: the credential's URLs and the query settings (as JSON: the Map hashes it natively,
	 * far cheaper per item than hashing it ourselves).
	 */
	static key(source: SignalsSource, config: SignalsConfig): string {
		return `${source.ollamaUrl}|${source.prometheusUrl ?? ''}|${JSON.stringify(config.queries)}`;
	}

	/** The current signals: cached while fresh, else one round shared by every concurrent caller. */
	async read(
		source: SignalsSource,
		config: SignalsConfig,
		ports: RoundPorts,
	): Promise<SignalsRead> {
		const key = SignalsStore.key(source, config);
		const now = ports.clock.nowMs();
		const entry = this.entries.get(key);
		if (entry) {
			this.entries.delete(key);
			this.entries.set(key, entry); // most recently used last
		}
		if (entry?.snapshot && now < entry.expiresAtMs) {
			return {
				snapshot: entry.snapshot,
				ageMs: Math.max(0, now - entry.snapshot.takenAtMs),
				refreshed: false,
			};
		}
		if (entry?.inflight) {
			const snapshot = await entry.inflight;
			return {
				snapshot,
				ageMs: Math.max(0, ports.clock.nowMs() - snapshot.takenAtMs),
				refreshed: true,
			};
		}
		const target: Entry = entry ?? { expiresAtMs: 0 };
		const inflight = this.refresh(source, config, ports, target);
		target.inflight = inflight;
		this.remember(key, target);
		const snapshot = await inflight;
		return {
			snapshot,
			ageMs: Math.max(0, ports.clock.nowMs() - snapshot.takenAtMs),
			refreshed: true,
		};
	}

	breaker(prometheusUrl: string, nowMs: number): Record<string, unknown> {
		return prometheusBreakerJson(this.breakers.get(prometheusUrl) ?? PROMETHEUS_CLOSED, nowMs);
	}

	private async refresh(
		source: SignalsSource,
		config: SignalsConfig,
		ports: RoundPorts,
		entry: Entry,
	): Promise<SignalSnapshot> {
		this.rounds++;
		const url = source.prometheusUrl;
		const breaker = url ? (this.breakers.get(url) ?? PROMETHEUS_CLOSED) : PROMETHEUS_CLOSED;
		const now = ports.clock.nowMs();
		const skip =
			url && !prometheusAllows(breaker, now) && breaker.state === 'open'
				? `breaker open after "${breaker.reason}" (retry in ${Math.ceil((breaker.untilMs - now) / 1000)} s)`
				: undefined;
		try {
			const { snapshot, prometheusFailed } = await runRound(source, config, ports, skip);
			if (url && (prometheusFailed || skip !== undefined)) this.failedRounds++;
			if (url && skip === undefined) {
				this.breakers.set(
					url,
					prometheusFailed
						? prometheusOpened(
								breaker,
								snapshot.takenAtMs,
								config.ttlMs,
								snapshot.unavailableReason ?? 'failed',
							)
						: prometheusSucceeded(),
				);
			}
			entry.snapshot = snapshot;
			entry.expiresAtMs = snapshot.takenAtMs + config.ttlMs;
			return snapshot;
		} finally {
			entry.inflight = undefined;
		}
	}

	private remember(key: string, entry: Entry): void {
		this.entries.set(key, entry);
		while (this.entries.size > this.maxEntries) {
			const oldest = this.entries.keys().next().value as string;
			this.entries.delete(oldest);
		}
	}
}
