/**
 * What each Ollama host holds in memory, as this process believes it: which models are loaded (seeded
 * from /api/ps, updated from every call and release), how many models the host holds at once (learned
 * from the evictions seen), and how long each model takes to load (Ollama's `load_duration` of the
 * calls that loaded it). Read by the batch planner (`engine/batch/`) to order an execution's items so
 * each model is loaded once. Bounded: at most `maxHosts` hosts and `MAX_MODELS_PER_HOST` models each,
 * least recently updated dropped first.
 */

/** Weight of the newest load time (or warm call time) in the learned averages (0..1). */
export const LOAD_EWMA_ALPHA = 0.3;

/** Most hosts remembered. */
export const MAX_RESIDENCY_HOSTS = 64;

/** Most models with a learned load time per host. */
export const MAX_MODELS_PER_HOST = 64;

/** One host as this process believes it. */
export interface HostResidency {
	/** Models believed loaded now, least recently used first. */
	loaded: string[];
	/**
	 * Models the host held at once when it last had to evict one to load another; null until an
	 * eviction was seen (then the box holds at least `mostSeenLoaded`).
	 */
	capacity: number | null;
	/** Most models seen loaded at once (/api/ps or calls), a lower bound of what the host holds. */
	mostSeenLoaded: number;
	/** Learned load time per model, in ms (moving average of the cold calls' `load_duration`). */
	loadMs: Record<string, number>;
	/** Learned wall time of a call to an already loaded model, in ms (moving average), per model. */
	warmCallMs: Record<string, number>;
	/** Cold loads this process caused or waited for first, since it started. */
	loads: number;
	/** Models seen gone from /api/ps after this process loaded another (evictions). */
	evictions: number;
	/** Clock time of the last update, in ms. */
	updatedAtMs: number;
}

/** What one answered call tells about its model's residency. */
export interface CallObservation {
	/** Clock time the call started and ended, in ms. */
	startedAtMs: number;
	endedAtMs: number;
	/** Ollama's `load_duration` of the reply, in ms (includes any wait in Ollama's queue). */
	loadMs: number;
	/** Wall time of the call, in ms. */
	callMs: number;
}

/** What the residency concluded about one call. */
export interface CallResidency {
	/** The model was already loaded when the call started. */
	alreadyLoaded: boolean;
	/** The reply's load time when the model was not already loaded, in ms; null when it was. */
	loadMs: number | null;
	/** This call is the one that loaded the model (a call that waited for another's load is not). */
	counted: boolean;
	/** Models believed evicted to make room (host capacity known), least recently used first. */
	evicted: string[];
}

interface Entry extends HostResidency {
	/** Clock time each loaded model became ready, in ms (0 when seen in /api/ps). */
	readySinceMs: Map<string, number>;
	/** Loads since the last /api/ps observation: a model gone from it then was evicted, not expired. */
	loadsSincePs: number;
}

/** The residency of every host this process called, bounded. */
export class ResidencyStore {
	private readonly hosts = new Map<string, Entry>();

	constructor(private readonly maxHosts = MAX_RESIDENCY_HOSTS) {}

	private entry(host: string): Entry {
		let entry = this.hosts.get(host);
		if (entry) {
			this.hosts.delete(host); // re-insert: Map order is the LRU order
		} else {
			entry = {
				loaded: [],
				capacity: null,
				mostSeenLoaded: 0,
				loadMs: {},
				warmCallMs: {},
				loads: 0,
				evictions: 0,
				updatedAtMs: 0,
				readySinceMs: new Map(),
				loadsSincePs: 0,
			};
			if (this.hosts.size >= this.maxHosts)
				this.hosts.delete(this.hosts.keys().next().value as string);
		}
		this.hosts.set(host, entry);
		return entry;
	}

	/** The host as believed now (a copy), or undefined when never seen. */
	view(host: string): HostResidency | undefined {
		const e = this.hosts.get(host);
		return e ? copy(e) : undefined;
	}

	/**
	 * How many models the host is known to hold at once: the capacity seen at an eviction, else the
	 * most seen loaded together when that is 2 or more; null when unknown (plan for one at a time).
	 */
	holds(host: string): number | null {
		const e = this.hosts.get(host);
		if (!e) return null;
		if (e.capacity !== null) return Math.max(e.capacity, 1);
		return e.mostSeenLoaded >= 2 ? e.mostSeenLoaded : null;
	}

	/** True when `model` is believed loaded on `host`. */
	isLoaded(host: string, model: string): boolean {
		return this.hosts.get(host)?.loaded.includes(model) ?? false;
	}

	/** Learned wall time of a call to `model` already loaded on `host`, in ms; undefined before one was seen. */
	warmCallMsOf(host: string, model: string): number | undefined {
		return this.hosts.get(host)?.warmCallMs[model];
	}

	/** Learned load time of `model` on `host`, in ms; undefined before a load was seen. */
	loadMsOf(host: string, model: string): number | undefined {
		return this.hosts.get(host)?.loadMs[model];
	}

	/**
	 * What /api/ps listed at `atMs`: replaces the belief unless a call updated it since. A model
	 * gone from the list after this process loaded another counts as an eviction, and the number
	 * still loaded becomes the host's capacity.
	 */
	observeLoaded(host: string, names: readonly string[], atMs: number): void {
		const existing = this.hosts.get(host);
		if (existing && atMs < existing.updatedAtMs) return; // older than what calls told since
		const e = this.entry(host);
		const listed = [...new Set(names)];
		const gone = e.loaded.filter((m) => !listed.includes(m));
		if (gone.length > 0 && e.loadsSincePs > 0 && listed.length > 0) {
			e.evictions += gone.length;
			e.capacity = listed.length;
		}
		if (e.capacity !== null && listed.length > e.capacity) e.capacity = listed.length;
		// Keep the believed use order for models still listed; new ones count as least recently used.
		e.loaded = [
			...listed.filter((m) => !e.loaded.includes(m)),
			...e.loaded.filter((m) => listed.includes(m)),
		];
		for (const m of [...e.readySinceMs.keys()]) if (!listed.includes(m)) e.readySinceMs.delete(m);
		for (const m of listed) if (!e.readySinceMs.has(m)) e.readySinceMs.set(m, 0);
		e.mostSeenLoaded = Math.max(e.mostSeenLoaded, listed.length);
		e.loadsSincePs = 0;
		e.updatedAtMs = atMs;
	}

	/** An answered call of `model` on `host`: was it loaded, did this call load it, what was evicted. */
	observeCall(host: string, model: string, call: CallObservation): CallResidency {
		const e = this.entry(host);
		const readySince = e.readySinceMs.get(model);
		const loadMs = Number.isFinite(call.loadMs) && call.loadMs >= 0 ? call.loadMs : 0;
		let result: CallResidency;
		if (readySince !== undefined && readySince <= call.startedAtMs) {
			result = { alreadyLoaded: true, loadMs: null, counted: false, evicted: [] };
			if (Number.isFinite(call.callMs) && call.callMs >= 0) {
				e.warmCallMs[model] = average(e.warmCallMs[model], call.callMs);
				trimLoadTimes(e);
			}
		} else if (readySince !== undefined) {
			// Loaded by a call that ran alongside this one: this call waited for the same load.
			result = { alreadyLoaded: false, loadMs, counted: false, evicted: [] };
		} else {
			result = {
				alreadyLoaded: false,
				loadMs,
				counted: true,
				evicted: markLoaded(e, model, call.startedAtMs, loadMs),
			};
		}
		touch(e, model, call.endedAtMs);
		return result;
	}

	/**
	 * A preload of `model` (a request without a prompt) ran from `startedAtMs` to `endedAtMs`: a load,
	 * unless the model was believed loaded. Returns the models believed evicted for it.
	 */
	observePreload(
		host: string,
		model: string,
		startedAtMs: number,
		endedAtMs: number,
	): { counted: boolean; evicted: string[] } {
		const e = this.entry(host);
		const counted = !e.readySinceMs.has(model);
		const evicted = counted
			? markLoaded(e, model, startedAtMs, Math.max(0, endedAtMs - startedAtMs))
			: [];
		touch(e, model, endedAtMs);
		return { counted, evicted };
	}

	/** `model` was released (`keep_alive: 0`) on `host` at `atMs`. */
	observeUnload(host: string, model: string, atMs: number): void {
		const e = this.entry(host);
		e.loaded = e.loaded.filter((m) => m !== model);
		e.readySinceMs.delete(model);
		e.updatedAtMs = Math.max(e.updatedAtMs, atMs);
	}

	/** Every host as believed now, for the Status operation. */
	toJSON(): Record<string, HostResidency> {
		return Object.fromEntries([...this.hosts].map(([host, e]) => [host, copy(e)]));
	}
}

/** A load of `model` that took `loadMs` from `startedAtMs`: counted and learned. */
function markLoaded(e: Entry, model: string, startedAtMs: number, loadMs: number): string[] {
	e.loads++;
	e.loadsSincePs++;
	e.loadMs[model] = average(e.loadMs[model], loadMs);
	trimLoadTimes(e);
	e.readySinceMs.set(model, startedAtMs + loadMs);
	return evictFor(e, model);
}

/** `model` is now the most recently used. */
function touch(e: Entry, model: string, atMs: number): void {
	e.loaded = [...e.loaded.filter((m) => m !== model), model];
	e.mostSeenLoaded = Math.max(
		e.mostSeenLoaded,
		e.capacity === null ? 1 : Math.min(e.loaded.length, e.capacity),
	);
	e.updatedAtMs = Math.max(e.updatedAtMs, atMs);
}

/** With a known capacity, the least recently used models beyond it are believed evicted. */
function evictFor(e: Entry, model: string): string[] {
	if (e.capacity === null) return [];
	const others = e.loaded.filter((m) => m !== model);
	const evicted = others.slice(0, Math.max(0, others.length + 1 - e.capacity));
	for (const m of evicted) e.readySinceMs.delete(m);
	e.loaded = e.loaded.filter((m) => !evicted.includes(m));
	return evicted;
}

const average = (previous: number | undefined, value: number): number =>
	previous === undefined ? value : previous + LOAD_EWMA_ALPHA * (value - previous);

function trimLoadTimes(e: Entry): void {
	for (const table of [e.loadMs, e.warmCallMs]) {
		const names = Object.keys(table);
		for (const name of names.slice(0, Math.max(0, names.length - MAX_MODELS_PER_HOST)))
			delete table[name];
	}
}

function copy(e: Entry): HostResidency {
	return {
		loaded: [...e.loaded],
		capacity: e.capacity,
		mostSeenLoaded: e.mostSeenLoaded,
		loadMs: { ...e.loadMs },
		warmCallMs: { ...e.warmCallMs },
		loads: e.loads,
		evictions: e.evictions,
		updatedAtMs: e.updatedAtMs,
	};
}
