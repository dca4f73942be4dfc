/**
 * The answers this process may reuse: bounded in bytes, least recently used dropped first, held in
 * memory only (nothing is written to disk). One per `DispatcherState`; also tracks the identical
 * calls in flight, so a second one waits for the first instead of calling the model again.
 */
import type { StoredAnswer } from './types';

/** Default bound of the store: 64 MiB of answers (about 30,000 answers of 1,000 characters). */
export const DEFAULT_REUSE_MAX_BYTES = 64 * 1024 * 1024;

/** Estimated fixed cost of one entry beyond its strings, in bytes (object, usage, Map slot). */
export const ENTRY_OVERHEAD_BYTES = 480;

/** Counters since the process started (or the store was cleared). */
export interface ReuseCounters {
	/** Items answered with a stored or shared answer. */
	hits: number;
	/** Items that looked and called a model. */
	misses: number;
	/** Answers dropped to stay within the byte bound. */
	evictions: number;
	/** Model time the hits saved: the original calls' durations, in ms. */
	savedMs: number;
}

/** What Status shows. */
export interface ReuseStats extends ReuseCounters {
	entries: number;
	bytes: number;
	maxBytes: number;
	inFlight: number;
}

/** The estimated bytes an answer holds: its strings as UTF-16 plus `ENTRY_OVERHEAD_BYTES`. */
export function answerBytes(answer: Omit<StoredAnswer, 'bytes'>): number {
	const calls = answer.toolCalls ? JSON.stringify(answer.toolCalls).length : 0;
	const thinking = answer.thinking
		? answer.thinking.text.length + answer.thinking.reason.length
		: 0;
	const chars =
		answer.key.length +
		answer.model.length +
		answer.optionsKey.length +
		answer.text.length +
		calls +
		thinking +
		(answer.host?.length ?? 0) +
		answer.executionId.length;
	return 2 * chars + ENTRY_OVERHEAD_BYTES;
}

/** Stored answers per (request key, model), least recently used first, and the identical calls in flight. */
export class ReuseStore {
	private readonly entries = new Map<string, StoredAnswer>();
	private readonly flights = new Map<string, Promise<StoredAnswer | undefined>>();
	private heldBytes = 0;
	private readonly counts: ReuseCounters = { hits: 0, misses: 0, evictions: 0, savedMs: 0 };

	/** @param maxBytes most bytes held (estimated, see `answerBytes`); an answer larger than this is not kept. */
	constructor(readonly maxBytes: number = DEFAULT_REUSE_MAX_BYTES) {}

	/** The answer `model` gave to the request `key`, marked as most recently used; undefined when none. */
	get(key: string, model: string): StoredAnswer | undefined {
		const id = entryId(key, model);
		const found = this.entries.get(id);
		if (found) {
			this.entries.delete(id);
			this.entries.set(id, found);
		}
		return found;
	}

	/** Keeps an answer (replacing the same model's earlier one), then drops the least recently used beyond the bound. */
	put(answer: StoredAnswer): boolean {
		if (answer.bytes > this.maxBytes) return false;
		const id = entryId(answer.key, answer.model);
		const previous = this.entries.get(id);
		if (previous) {
			this.entries.delete(id);
			this.heldBytes -= previous.bytes;
		}
		// A fresher answer to a request whose answer was shared stays shared (same request, same
		// credential): a run with Reuse Answers off must not take away what a run with it on kept.
		if (previous?.shared && !answer.shared) answer = { ...answer, shared: true };
		this.entries.set(id, answer);
		this.heldBytes += answer.bytes;
		if (this.heldBytes <= this.maxBytes) return true;
		for (const [oldest, entry] of this.entries) {
			if (this.heldBytes <= this.maxBytes) break;
			this.entries.delete(oldest);
			this.heldBytes -= entry.bytes;
			this.counts.evictions++;
		}
		return true;
	}

	/** The call in flight for `key`, if one is. */
	inFlight(key: string): Promise<StoredAnswer | undefined> | undefined {
		return this.flights.get(key);
	}

	/** Marks a call for `key` as in flight until `done` settles. */
	fly(key: string, done: Promise<StoredAnswer | undefined>): void {
		this.flights.set(key, done);
		const land = () => {
			if (this.flights.get(key) === done) this.flights.delete(key);
		};
		done.then(land, land);
	}

	/** Counts one item answered by reuse, saving `savedMs` of model time. */
	hit(savedMs: number): void {
		this.counts.hits++;
		this.counts.savedMs += savedMs;
	}

	/** Counts one item that found nothing to reuse and called a model. */
	miss(): void {
		this.counts.misses++;
	}

	/**
	 * An execution ended: drops the answers it stored for itself only (Reuse Answers off), which no
	 * other execution may take, so they hold no memory past it. Returns how many were dropped.
	 */
	forgetExecution(executionId: string): number {
		let dropped = 0;
		for (const [id, entry] of this.entries) {
			if (entry.shared || entry.executionId !== executionId) continue;
			this.entries.delete(id);
			this.heldBytes -= entry.bytes;
			dropped++;
		}
		return dropped;
	}

	/** Drops every stored answer (calls in flight finish normally); returns how many were dropped. */
	clear(): number {
		const dropped = this.entries.size;
		this.entries.clear();
		this.heldBytes = 0;
		return dropped;
	}

	/** The counters since the process started (a clear keeps them). */
	counters(): ReuseCounters {
		return { ...this.counts };
	}

	/** What Status shows: entries, estimated bytes, the bound, calls in flight and the counters. */
	stats(): ReuseStats {
		return {
			entries: this.entries.size,
			bytes: this.heldBytes,
			maxBytes: this.maxBytes,
			inFlight: this.flights.size,
			...this.counts,
		};
	}
}

function entryId(key: string, model: string): string {
	return `${key}|${model}`;
}
