/**
 * Process-wide resilience state, shared by every item and every execution in this n8n process:
 * one breaker and a small latency window per (Ollama URL, model), and the number of requests in
 * flight per Ollama URL. Bounded: the least recently used (URL, model) entries are dropped first.
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

const entries = new Map<string, Entry>();
const inFlightByHost = new Map<string, number>();
const counters = { breakerOpens: 0, probes: 0 };

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

/** Transitions counted since start or the last reset. */
export function resilienceCounters(): { breakerOpens: number; probes: number } {
	return { ...counters };
}

/** Forgets everything (for tests). */
export function resetResilienceState(): void {
	entries.clear();
	inFlightByHost.clear();
	counters.breakerOpens = 0;
	counters.probes = 0;
}
