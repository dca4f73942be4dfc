/** Faults per model, validated, and drawn per request with a seeded PRNG. */
import { seededRandom } from '../random';
import type { FaultKind, FaultSpec } from './api';
import { HttpError } from './http';
import { isRecord } from './json';

const FAULT_KINDS: readonly FaultKind[] = [
	'reset',
	'http500',
	'busy',
	'hang',
	'midstream',
	'truncated',
	'garbage',
	'notfound',
	'oom',
	'empty',
	'badjson',
	'slow',
];

/** The outcome of the fault draw for one request. */
export interface FaultDraw {
	/** The first non-`slow` fault that fired, if any. */
	kind: FaultKind | null;
	/** Product of the factors of every `slow` fault that fired (1 = none). */
	slowFactor: number;
}

/** Validates fault specs (they may come from HTTP) and copies them. */
export function normaliseFaults(fault: FaultSpec | FaultSpec[]): FaultSpec[] {
	const specs: unknown[] = Array.isArray(fault) ? fault : [fault];
	return specs.map((spec) => {
		if (!isRecord(spec) || !FAULT_KINDS.includes(spec.kind as FaultKind)) {
			throw new HttpError(
				400,
				`unknown fault kind: ${JSON.stringify(isRecord(spec) ? spec.kind : spec)}`,
			);
		}
		const { rate, factor } = spec;
		if (rate !== undefined && (typeof rate !== 'number' || rate < 0 || rate > 1)) {
			throw new HttpError(400, 'fault rate must be a number between 0 and 1');
		}
		if (factor !== undefined && (typeof factor !== 'number' || factor <= 0)) {
			throw new HttpError(400, 'fault factor must be a positive number');
		}
		return { kind: spec.kind as FaultKind, rate, factor };
	});
}

/** Holds the faults per model and draws them with a seeded PRNG. */
export class FaultInjector {
	private readonly faults = new Map<string, FaultSpec[]>();
	private readonly random: () => number;

	constructor(seed: number) {
		this.random = seededRandom(seed);
	}

	set(model: string, fault: FaultSpec | FaultSpec[] | null): void {
		if (fault === null) this.faults.delete(model);
		else this.faults.set(model, normaliseFaults(fault));
	}

	clear(): void {
		this.faults.clear();
	}

	/** One PRNG draw per configured spec, in order, so sequences are reproducible. */
	draw(model: string): FaultDraw {
		const draw: FaultDraw = { kind: null, slowFactor: 1 };
		for (const spec of this.faults.get(model) ?? []) {
			if (this.random() >= (spec.rate ?? 1)) continue;
			if (spec.kind === 'slow') draw.slowFactor *= spec.factor ?? 10;
			else draw.kind ??= spec.kind;
		}
		return draw;
	}
}
