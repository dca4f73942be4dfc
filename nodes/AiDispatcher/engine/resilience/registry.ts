/**
 * Resilience state, one instance per `DispatcherState` (see `../state.ts`): one breaker and a small
 * latency window per (Ollama URL, model), and per Ollama URL the number of requests in flight and
 * what is known of its liveness (see `liveness.ts`). Bounded: the least recently used entries are
 * dropped first.
 */
import { breakerJson, closedBreaker, type BreakerState, type OpenState } from './breaker';

/** Most (URL, model) pairs remembered. */
export const MAX_ENTRIES = 512;
/** Successful latencies remembered per (URL, model), for the adaptive timeout. */
export const LATENCY_WINDOW = 50;

interface Entry {
	breaker: BreakerState;
	latenciesMs: number[];
}

/** A liveness check (GET /) that failed: the host is treated as down until it is older than the window. */
export interface PingFailure {
	atMs: number;
	kind: 'connection' | 'timeout';
	error: string;
}

/** What this process knows about one Ollama URL's liveness. */
export interface HostLiveness {
	/** When the host last answered anything (a ping, or a reply to a generation), epoch ms; null: never. */
	answeredAtMs: number | null;
	/** Its last call failed with `connection` or `timeout`: check it before the next one. */
	suspect: boolean;
	/** The last liveness check, when it failed. */
	failed: PingFailure | null;
}

/** The outcome of one shared liveness check. */
export type PingOutcome =
	{ ok: true } | { ok: false; kind: 'connection' | 'timeout'; error: string };

/** The registry key of one (URL, model). */
export function keyOf(baseUrl: string, model: string): string {
	return `${baseUrl}|${model}`;
}

const UNKNOWN_HOST: HostLiveness = { answeredAtMs: null, suspect: false, failed: null };

/** A breaker that is not closed, for the Status operation. */
export interface BreakerReport {
	model: string;
	host: string;
	state: 'open' | 'halfOpen';
	since: string | null;
	retryAfter: string | null;
}

/** Breaker transitions and liveness checks (GET / pings, and those that failed) counted since creation. */
export interface ResilienceCounters {
	breakerOpens: number;
	/** Breakers opened here because another n8n process reported them open (see `adoptBreaker`). */
	sharedOpens: number;
	probes: number;
	pings: number;
	pingFailures: number;
}

export class ResilienceRegistry {
	private readonly entries = new Map<string, Entry>();
	private readonly inFlightByHost = new Map<string, number>();
	private readonly livenessByHost = new Map<string, HostLiveness>();
	private readonly pingsInFlight = new Map<string, Promise<PingOutcome>>();
	private readonly counts: ResilienceCounters = {
		breakerOpens: 0,
		sharedOpens: 0,
		probes: 0,
		pings: 0,
		pingFailures: 0,
	};

	/** @param maxEntries most (URL, model) pairs and hosts remembered */
	constructor(private readonly maxEntries = MAX_ENTRIES) {}

	private entry(baseUrl: string, model: string): Entry {
		const key = keyOf(baseUrl, model);
		let found = this.entries.get(key);
		if (found) {
			this.entries.delete(key); // re-insert: Map order is the LRU order
		} else {
			found = { breaker: closedBreaker(), latenciesMs: [] };
			if (this.entries.size >= this.maxEntries)
				this.entries.delete(this.entries.keys().next().value as string);
		}
		this.entries.set(key, found);
		return found;
	}

	/** The breaker of one (URL, model); closed when never seen. */
	getBreaker(baseUrl: string, model: string): BreakerState {
		return this.entries.get(keyOf(baseUrl, model))?.breaker ?? closedBreaker();
	}

	/** Stores a breaker's next state, counting transitions into `open`. */
	setBreaker(baseUrl: string, model: string, next: BreakerState): void {
		const current = this.entry(baseUrl, model);
		if (next.state === 'open' && current.breaker.state !== 'open') this.counts.breakerOpens++;
		if (
			next.state === 'halfOpen' &&
			(current.breaker.state !== 'halfOpen' || current.breaker.probeSinceMs !== next.probeSinceMs)
		) {
			this.counts.probes++;
		}
		current.breaker = next;
	}

	/**
	 * Stores an open state another n8n process reported (see `signals/peers.ts`), counted apart from
	 * this process's own openings.
	 */
	adoptBreaker(baseUrl: string, model: string, next: OpenState): void {
		const current = this.entry(baseUrl, model);
		if (current.breaker.state !== 'open') this.counts.sharedOpens++;
		current.breaker = next;
	}

	/** Remembers one successful call's duration, in milliseconds. */
	recordLatency(baseUrl: string, model: string, ms: number): void {
		const window = this.entry(baseUrl, model).latenciesMs;
		window.push(ms);
		if (window.length > LATENCY_WINDOW) window.splice(0, window.length - LATENCY_WINDOW);
	}

	/** The recent successful latencies of one (URL, model), in milliseconds, oldest first. */
	latencies(baseUrl: string, model: string): readonly number[] {
		return this.entries.get(keyOf(baseUrl, model))?.latenciesMs ?? [];
	}

	/** Requests this process has in flight to `baseUrl`. */
	inFlight(baseUrl: string): number {
		return this.inFlightByHost.get(baseUrl) ?? 0;
	}

	/** Counts a request to `baseUrl` as started; call the returned function when it ends. */
	acquireHost(baseUrl: string): () => void {
		this.inFlightByHost.set(baseUrl, this.inFlight(baseUrl) + 1);
		let released = false;
		return () => {
			if (released) return;
			released = true;
			const left = this.inFlight(baseUrl) - 1;
			if (left > 0) this.inFlightByHost.set(baseUrl, left);
			else this.inFlightByHost.delete(baseUrl);
		};
	}

	/** What is known of `baseUrl`'s liveness; nothing when never seen. */
	getLiveness(baseUrl: string): HostLiveness {
		return this.livenessByHost.get(baseUrl) ?? UNKNOWN_HOST;
	}

	/** Stores `baseUrl`'s liveness (most recently updated hosts are kept; at most `maxEntries`). */
	setLiveness(baseUrl: string, next: HostLiveness): void {
		this.livenessByHost.delete(baseUrl);
		if (this.livenessByHost.size >= this.maxEntries)
			this.livenessByHost.delete(this.livenessByHost.keys().next().value as string);
		this.livenessByHost.set(baseUrl, next);
	}

	/** The liveness check of `baseUrl` in flight, shared by every item that needs it. */
	pingInFlight(baseUrl: string): Promise<PingOutcome> | undefined {
		return this.pingsInFlight.get(baseUrl);
	}

	/**
	 * Registers `start()`'s check as the one in flight for `baseUrl` until it settles; `finish` then
	 * applies its outcome. Counts pings and failed pings.
	 */
	sharePing(
		baseUrl: string,
		start: () => Promise<PingOutcome>,
		finish: (outcome: PingOutcome) => void,
	): Promise<PingOutcome> {
		this.counts.pings++;
		const shared = start().then((outcome) => {
			if (!outcome.ok) this.counts.pingFailures++;
			this.pingsInFlight.delete(baseUrl);
			finish(outcome);
			return outcome;
		});
		this.pingsInFlight.set(baseUrl, shared);
		return shared;
	}

	/** Every breaker that is open or half-open now. */
	openBreakers(): BreakerReport[] {
		const reports: BreakerReport[] = [];
		for (const [key, { breaker }] of this.entries) {
			if (breaker.state === 'closed') continue;
			const split = key.lastIndexOf('|');
			const json = breakerJson(breaker);
			reports.push({
				model: key.slice(split + 1),
				host: key.slice(0, split),
				state: breaker.state,
				since: json.since as string | null,
				retryAfter: json.retryAfter as string | null,
			});
		}
		return reports;
	}

	/** Transitions and liveness checks counted since this registry was created (a copy). */
	counters(): ResilienceCounters {
		return { ...this.counts };
	}
}
