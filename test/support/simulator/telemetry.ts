/** What the simulator counts: SimStats (resettable) and the Prometheus counters behind /metrics. */
import type { SimStats } from './api';

export const HISTOGRAM_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface ModelCounters {
	ok: number;
	error: number;
	/** Cumulative counts per {@link HISTOGRAM_BUCKETS} entry. */
	buckets: number[];
	sum: number;
	count: number;
}

export function emptyStats(models: string[]): SimStats {
	const zeros = (): Record<string, number> => Object.fromEntries(models.map((m) => [m, 0]));
	return {
		requests: {},
		generations: zeros(),
		faultsInjected: zeros(),
		maxInFlight: zeros(),
		loads: zeros(),
	};
}

/** SimStats (resettable) plus Prometheus counters (monotonic, never reset). */
export class Telemetry {
	private data: SimStats;
	private readonly counters = new Map<string, ModelCounters>();

	constructor(private readonly models: string[]) {
		this.data = emptyStats(models);
		for (const m of models) {
			this.counters.set(m, {
				ok: 0,
				error: 0,
				buckets: HISTOGRAM_BUCKETS.map(() => 0),
				sum: 0,
				count: 0,
			});
		}
	}

	stats(): SimStats {
		return JSON.parse(JSON.stringify(this.data)) as SimStats;
	}

	/** Clears the stats; `maxInFlight` restarts from what is generating now. */
	reset(activeByModel: Record<string, number>): void {
		this.data = emptyStats(this.models);
		Object.assign(this.data.maxInFlight, activeByModel);
	}

	countRequest(path: string): void {
		this.data.requests[path] = (this.data.requests[path] ?? 0) + 1;
	}

	countGeneration(model: string): void {
		this.bump(this.data.generations, model);
	}

	countFault(model: string): void {
		this.bump(this.data.faultsInjected, model);
	}

	countLoad(model: string): void {
		this.bump(this.data.loads, model);
	}

	noteInFlight(model: string, active: number): void {
		this.data.maxInFlight[model] = Math.max(this.data.maxInFlight[model] ?? 0, active);
	}

	/** Records a finished generate/chat request in the Prometheus counters. */
	observe(model: string, ok: boolean, seconds: number): void {
		const c = this.counters.get(model);
		if (!c) return;
		if (ok) c.ok++;
		else c.error++;
		HISTOGRAM_BUCKETS.forEach((le, i) => {
			if (seconds <= le) c.buckets[i]++;
		});
		c.sum += seconds;
		c.count++;
	}

	countersFor(model: string): ModelCounters {
		return this.counters.get(model) as ModelCounters;
	}

	private bump(record: Record<string, number>, key: string): void {
		record[key] = (record[key] ?? 0) + 1;
	}
}
