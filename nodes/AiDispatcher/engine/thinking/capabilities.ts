/**
 * What each (Ollama URL, model) can do, from Ollama's /api/show `capabilities`, remembered in the
 * `DispatcherState` (bounded, least recently used dropped first). A lookup that fails (an old
 * Ollama without `capabilities`, a timeout) is remembered as unknown for a short while and never
 * fails an item: an unknown model is treated as Ollama would treat it by default (fail open).
 */
import { settle } from '../result';
import type { OllamaPort } from '../ports';

/** Most (URL, model) pairs remembered. */
export const MAX_CAPABILITY_ENTRIES = 512;
/** How long known capabilities are trusted, in ms (a model can be re-pulled under the same name). */
export const CAPABILITIES_TTL_MS = 10 * 60_000;
/** How long a failed lookup is remembered before /api/show is asked again, in ms. */
export const UNKNOWN_TTL_MS = 30_000;
/** Limit of one /api/show lookup, in ms. */
export const CAPABILITIES_TIMEOUT_MS = 5_000;

interface Entry {
	/** The capabilities, or null when they could not be read. */
	capabilities: Promise<string[] | null>;
	atMs: number;
	known: boolean;
}

/** How one `read` may ask. */
export interface ReadOptions {
	/** Only what is remembered: nothing is asked (a host not known to answer is not sent /api/show). */
	cachedOnly?: boolean;
	/** Limit of each lookup, in ms (default `CAPABILITIES_TIMEOUT_MS`). */
	timeoutMs?: number;
}

/** Capabilities per (Ollama URL, model); lookups in flight are shared. */
export class CapabilityStore {
	private readonly entries = new Map<string, Entry>();

	constructor(private readonly maxEntries = MAX_CAPABILITY_ENTRIES) {}

	/** Entries held now (for tests and Status). */
	get size(): number {
		return this.entries.size;
	}

	/**
	 * The capabilities of each of `models` on `baseUrl`; null for a model whose capabilities are
	 * unknown (the lookup failed, or `ollama` cannot look them up). Never rejects.
	 */
	async read(
		baseUrl: string,
		models: readonly string[],
		ollama: OllamaPort,
		nowMs: number,
		cancel?: AbortSignal,
		options: ReadOptions = {},
	): Promise<Map<string, string[] | null>> {
		const listed = await Promise.all(
			models.map(
				async (m) => [m, await this.lookup(baseUrl, m, ollama, nowMs, cancel, options)] as const,
			),
		);
		return new Map(listed);
	}

	private lookup(
		baseUrl: string,
		model: string,
		ollama: OllamaPort,
		nowMs: number,
		cancel: AbortSignal | undefined,
		options: ReadOptions,
	): Promise<string[] | null> {
		const key = `${baseUrl}|${model}`;
		const held = this.entries.get(key);
		if (held && nowMs - held.atMs < (held.known ? CAPABILITIES_TTL_MS : UNKNOWN_TTL_MS)) {
			this.entries.delete(key); // re-insert: Map order is the LRU order
			this.entries.set(key, held);
			return held.capabilities;
		}
		if (options.cachedOnly) return Promise.resolve(null);
		const ask = ollama.capabilities;
		if (!ask) return Promise.resolve(null);
		const entry: Entry = { capabilities: Promise.resolve(null), atMs: nowMs, known: true };
		entry.capabilities = settle(
			ask.call(ollama, baseUrl, model, options.timeoutMs ?? CAPABILITIES_TIMEOUT_MS, cancel),
		).then((s) => {
			entry.known = s.ok;
			return s.ok ? s.value : null;
		});
		this.entries.delete(key);
		if (this.entries.size >= this.maxEntries)
			this.entries.delete(this.entries.keys().next().value as string);
		this.entries.set(key, entry);
		return entry.capabilities;
	}
}
