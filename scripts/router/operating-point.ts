/**
 * The operating points: thresholds on P(high) and on P(medium) + P(high), chosen on out-of-fold
 * probabilities of the training part (never the held-out split) to hold a high-tier recall target
 * while serving as much as possible below high.
 */
import { tierForProbabilities, type OperatingPoint } from '../../nodes/AiDispatcher/engine/analysis/router/model';
import type { Tier } from '../../nodes/AiDispatcher/engine/types';

export interface Scored {
	tier: Tier;
	/** P(low), P(medium), P(high). */
	probabilities: number[];
}

/** High-tier recall each named point must hold on cross-validation of the training part. */
export const RECALL_TARGETS = { quality: 0.97, balanced: 0.92, speed: 0.8 } as const;

const round4 = (x: number) => Math.floor(x * 10_000) / 10_000;

/**
 * The largest P(high) threshold that keeps `recall` of the high-labelled prompts, then the
 * P(medium+) threshold that maximises accuracy below it (ties: the higher, cheaper one).
 */
export function chooseOperatingPoint(scored: Scored[], recall: number): OperatingPoint {
	const highs = scored
		.filter((s) => s.tier === 'high')
		.map((s) => s.probabilities[2])
		.sort((a, b) => b - a);
	const keep = Math.max(1, Math.ceil(recall * highs.length));
	const high = highs.length === 0 ? 0.5 : round4(highs[keep - 1]);
	const candidates = [...new Set(scored.map((s) => round4(s.probabilities[1] + s.probabilities[2])))].sort((a, b) => a - b);
	let best = { mediumPlus: 0.5, correct: -1 };
	for (const mediumPlus of candidates) {
		const point = { high, mediumPlus };
		const correct = scored.filter((s) => tierForProbabilities(s.probabilities, point) === s.tier).length;
		if (correct >= best.correct) best = { mediumPlus, correct };
	}
	return { high, mediumPlus: best.mediumPlus };
}
