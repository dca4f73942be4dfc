/**
 * Process-wide resilience state, shared by every item and every execution in this n8n process:
 * one breaker and a small latency window per (Ollama URL, model), and per Ollama URL the number of
 * requests in flight and what is known of its liveness (see `liveness.ts`). Bounded: the least
 * recently used entries are dropped first.
 */
import { breakerJson, closedBreaker, type BreakerState } from './breaker';

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
export type PingOutcome = { ok: true } | { ok: false; kind: 'connection' | 'timeout'; error: string };

const entries = new Map<string, Entry>();
const inFlightByHost = new Map<string, number>();
const livenessByHost = new Map<string, HostLiveness>();
const pingsInFlight = new Map<string, Promise<PingOutcome>>();
const counters = { breakerOpens: 0, probes: 0, pings: 0, pingFailures: 0 };
/** Bumped by `resetResilienceState`, so a check still in flight from before cannot write stale state. */
let epoch = 0;

/** The registry key of one (URL, model). */
export function keyOf(baseUrl: string, model: string): string {
	return `${baseUrl}|${model}`;
}

function entry(baseUrl: string, model: string): Entry {
	const key = keyOf(baseUrl, model);
	let found = entries.get(key);
	if (found) {
		entries.delete(key); // re-insert: Map order is the LRU order
	} else {
		found = { breaker: closedBreaker(), latenciesMs: [] };
		if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
	}
	entries.set(key, found);
	return found;
}

/** The breaker of one (URL, model); closed when never seen. */
export function getBreaker(baseUrl: string, model: string): BreakerState {
	return entries.get(keyOf(baseUrl, model))?.breaker ?? closedBreaker();
}

/** Stores a breaker's next state, counting transitions into `open`. */
export function setBreaker(baseUrl: string, model: string, next: BreakerState): void {
	const current = entry(baseUrl, model);
	if (next.state === 'open' && current.breaker.state !== 'open') counters.breakerOpens++;
	if (next.state === 'halfOpen' && (current.breaker.state !== 'halfOpen' || current.breaker.probeSinceMs !== next.probeSinceMs)) {
		counters.probes++;
	}
	current.breaker = next;
}

/** Remembers one successful call's duration, in milliseconds. */
export function recordLatency(baseUrl: string, model: string, ms: number): void {
	const window = entry(baseUrl, model).latenciesMs;
	window.push(ms);
	if (window.length > LATENCY_WINDOW) window.splice(0, window.length - LATENCY_WINDOW);
}

/** The recent successful latencies of one (URL, model), in milliseconds, oldest first. */
export function latencies(baseUrl: string, model: string): readonly number[] {
	return entries.get(keyOf(baseUrl, model))?.latenciesMs ?? [];
}

/** Requests this process has in flight to `baseUrl`. */
export function inFlight(baseUrl: string): number {
	return inFlightByHost.get(baseUrl) ?? 0;
}

/** Counts a request to `baseUrl` as started; call the returned function when it ends. */
export function acquireHost(baseUrl: string): () => void {
	inFlightByHost.set(baseUrl, inFlight(baseUrl) + 1);
	let released = false;
	return () => {
		if (released) return;
		released = true;
		const left = inFlight(baseUrl) - 1;
		if (left > 0) inFlightByHost.set(baseUrl, left);
		else inFlightByHost.delete(baseUrl);
	};
}

const UNKNOWN_HOST: HostLiveness = { answeredAtMs: null, suspect: false, failed: null };

/** What is known of `baseUrl`'s liveness; nothing when never seen. */
export function getLiveness(baseUrl: string): HostLiveness {
	return livenessByHost.get(baseUrl) ?? UNKNOWN_HOST;
}

/** Stores `baseUrl`'s liveness (most recently updated hosts are kept; at most MAX_ENTRIES). */
export function setLiveness(baseUrl: string, next: HostLiveness): void {
	livenessByHost.delete(baseUrl);
	if (livenessByHost.size >= MAX_ENTRIES) livenessByHost.delete(livenessByHost.keys().next().value as string);
	livenessByHost.set(baseUrl, next);
}

/** The liveness check of `baseUrl` in flight, shared by every item that needs it. */
export function pingInFlight(baseUrl: string): Promise<PingOutcome> | undefined {
	return pingsInFlight.get(baseUrl);
}

/**
 * Registers `start()`'s check as the one in flight for `baseUrl` until it settles; `finish` applies
 * its outcome unless the state was reset meanwhile. Counts pings and failed pings.
 */
export function sharePing(baseUrl: string, start: () => Promise<PingOutcome>, finish: (outcome: PingOutcome) => void): Promise<PingOutcome> {
	const started = epoch;
	counters.pings++;
	const shared = start().then((outcome) => {
		if (started !== epoch) return outcome;
		if (!outcome.ok) counters.pingFailures++;
		pingsInFlight.delete(baseUrl);
		finish(outcome);
		return outcome;
	});
	pingsInFlight.set(baseUrl, shared);
	return shared;
}

/** A breaker that is not closed, for the Status operation. */
export interface BreakerReport {
	model: string;
	host: string;
	state: 'open' | 'halfOpen';
	since: string | null;
	retryAfter: string | null;
}

/** Every breaker that is open or half-open now. */
export function openBreakers(): BreakerReport[] {
	const reports: BreakerReport[] = [];
	for (const [key, { breaker }] of entries) {
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

/** Transitions and liveness checks (GET / pings, and those that failed) counted since start or the last reset. */
export function resilienceCounters(): { breakerOpens: number; probes: number; pings: number; pingFailures: number } {
	return { ...counters };
}

/** Forgets everything (for tests). */
export function resetResilienceState(): void {
	entries.clear();
	inFlightByHost.clear();
	livenessByHost.clear();
	pingsInFlight.clear();
	epoch++;
	counters.breakerOpens = 0;
	counters.probes = 0;
	counters.pings = 0;
	counters.pingFailures = 0;
}
