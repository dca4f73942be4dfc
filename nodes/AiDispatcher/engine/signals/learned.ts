/**
 * What this process learns about each (Ollama URL, model) from its own calls: moving averages of
 * latency, tokens per second and success, and the requests in flight now. Updated after every
 * dispatch from its attempts and usage; read by selection to prefer the fastest healthy model.
 */
import type { OllamaPort } from '../ports';
import type { Attempt, Usage } from '../types';

/** Weight of the newest observation in the moving averages (0..1). */
export const EWMA_ALPHA = 0.2;

export interface LearnedModelStats {
	/** Moving average of successful attempts' wall time, in ms; null before the first success. */
	latencyMs: number | null;
	/** Moving average of decode speed, tokens per second; null before the first success with tokens. */
	tokensPerS: number | null;
	/** Moving average of success (1) and failure (0), 0..1; null before the first attempt. */
	successRate: number | null;
	/** Attempts observed. */
	samples: number;
	/** Requests this process has open to the model right now. */
	inFlight: number;
	/** Clock time of the last update, in ms. */
	updatedAtMs: number;
}

const ewma = (previous: number | null, value: number): number =>
	previous === null ? value : previous + EWMA_ALPHA * (value - previous);

/** Only finite, non-negative figures are learned: one NaN or Infinity would stay in the average for good. */
const isMeasure = (value: number): boolean =>
	typeof value === 'number' && Number.isFinite(value) && value >= 0;

const round1 = (value: number | null): number | null =>
	value === null ? null : Math.round(value * 10) / 10;

/** Most (URL, model) pairs remembered; the least recently updated goes first. */
export const MAX_LEARNED_ENTRIES = 512;

export class LearnedStats {
	private readonly stats = new Map<string, LearnedModelStats>();

	constructor(private readonly maxEntries = MAX_LEARNED_ENTRIES) {}

	private static key(baseUrl: string, model: string): string {
		return `${baseUrl}|${model}`;
	}

	private entry(baseUrl: string, model: string): LearnedModelStats {
		const key = LearnedStats.key(baseUrl, model);
		let entry = this.stats.get(key);
		if (entry) {
			this.stats.delete(key); // re-insert: Map order is the LRU order
		} else {
			entry = {
				latencyMs: null,
				tokensPerS: null,
				successRate: null,
				samples: 0,
				inFlight: 0,
				updatedAtMs: 0,
			};
			if (this.stats.size >= this.maxEntries)
				this.stats.delete(this.stats.keys().next().value as string);
		}
		this.stats.set(key, entry);
		return entry;
	}

	/** A call to `model` starts; pair with `finished`. */
	started(baseUrl: string, model: string): void {
		this.entry(baseUrl, model).inFlight++;
	}

	finished(baseUrl: string, model: string): void {
		const entry = this.entry(baseUrl, model);
		entry.inFlight = Math.max(0, entry.inFlight - 1);
	}

	/**
	 * Records one item's attempts, each under the host it went to (`baseUrl` when it names none).
	 * `usage` belongs to the successful (last) attempt. Cancelled attempts and circuit skips say
	 * nothing about the model and are skipped; a latency or speed that is negative, NaN or infinite
	 * is not learned (the attempt still counts for the success rate).
	 */
	record(
		baseUrl: string,
		attempts: readonly Attempt[],
		usage: Usage | undefined,
		nowMs: number,
	): void {
		for (const attempt of attempts) {
			if (attempt.kind === 'aborted' || attempt.kind === 'circuit_open') continue;
			const entry = this.entry(attempt.host ?? baseUrl, attempt.model);
			entry.samples++;
			entry.updatedAtMs = nowMs;
			entry.successRate = ewma(entry.successRate, attempt.ok ? 1 : 0);
			if (!attempt.ok) continue;
			if (isMeasure(attempt.ms)) entry.latencyMs = ewma(entry.latencyMs, attempt.ms);
			if (usage && isMeasure(usage.tokens_per_s) && usage.tokens_per_s > 0)
				entry.tokensPerS = ewma(entry.tokensPerS, usage.tokens_per_s);
		}
	}

	/** Every model's stats for one Ollama URL (a copy; pure data for selection). */
	forHost(baseUrl: string): Map<string, LearnedModelStats> {
		const prefix = `${baseUrl}|`;
		const out = new Map<string, LearnedModelStats>();
		for (const [key, value] of this.stats)
			if (key.startsWith(prefix)) out.set(key.slice(prefix.length), { ...value });
		return out;
	}

	/** For the Status output: rounded figures per model. */
	json(baseUrl: string): Record<string, Record<string, number | null>> {
		const out: Record<string, Record<string, number | null>> = {};
		for (const [model, s] of this.forHost(baseUrl)) {
			out[model] = {
				latencyMs: round1(s.latencyMs),
				tokensPerS: round1(s.tokensPerS),
				successRate: s.successRate === null ? null : Math.round(s.successRate * 1000) / 1000,
				samples: s.samples,
				inFlight: s.inFlight,
			};
		}
		return out;
	}
}

/** Wraps an OllamaPort so every generation counts as in flight for its (URL, model) while it runs. */
export function countInFlight(ollama: OllamaPort, stats: LearnedStats): OllamaPort {
	return {
		...ollama,
		generate: async (call) => {
			stats.started(call.baseUrl, call.model);
			try {
				return await ollama.generate(call);
			} finally {
				stats.finished(call.baseUrl, call.model);
			}
		},
	};
}
