/**
 * The operating points: thresholds on P(high) and on P(medium) + P(high), chosen on out-of-fold
 * probabilities of the training part (never the held-out split) to hold a high-tier recall target
 * while serving as much as possible below high.
 */
import {
	tierForProbabilities,
	type OperatingPoint,
} from '../../nodes/AiDispatcher/engine/analysis/router/model';
import type { Tier } from '../../nodes/AiDispatcher/engine/types';

export interface Scored {
	tier: Tier;
	/** P(low), P(medium), P(high). */
	probabilities: number[];
}

/** High-tier recall each named point must hold on cross-validation of the training part. */
export const RECALL_TARGETS = { quality: 0.97, balanced: 0.92, speed: 0.8 } as const;

const grid = (from: number, to: number, step: number) =>
	Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) =>
		Number((from + i * step).toFixed(2)),
	);

/**
 * The thresholds that keep `recall` of the high-labelled prompts on the high tier and, among those,
 * get the most tiers right (ties: the most prompts below high, then the higher thresholds).
 */
export function chooseOperatingPoint(scored: Scored[], recall: number): OperatingPoint {
	const labels = scored.map((s) => s.tier);
	const highs = labels.filter((t) => t === 'high').length;
	let best: { point: OperatingPoint; correct: number; below: number } | undefined;
	for (const high of grid(0.01, 0.8, 0.01)) {
		for (const lowCap of grid(0.4, 1.01, 0.03)) {
			let kept = 0;
			const isHigh = scored.map((s) => s.probabilities[2] >= high && s.probabilities[0] < lowCap);
			isHigh.forEach((h, i) => (kept += h && labels[i] === 'high' ? 1 : 0));
			if (highs > 0 && kept / highs < recall) continue;
			for (const mediumPlus of grid(0.1, 0.9, 0.02)) {
				const point = { high, lowCap, mediumPlus };
				let correct = 0;
				let below = 0;
				scored.forEach((s, i) => {
					const tier = tierForProbabilities(s.probabilities, point);
					if (tier === labels[i]) correct++;
					if (tier !== 'high') below++;
				});
				if (!best || correct > best.correct || (correct === best.correct && below > best.below))
					best = { point, correct, below };
			}
		}
	}
	return best?.point ?? { high: 0.5, lowCap: 1.01, mediumPlus: 0.5 };
}
