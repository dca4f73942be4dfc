/**
 * Figures of the trained router on the router corpus: the shipped weights on the held-out split,
 * the heuristic analyser on the same prompts, and k-fold cross-validation of the training part.
 * Shared by `npm run complexity-report` and `test/unit/engine/analysis/router/heldout.test.ts`.
 */
import { analyseComplexity } from '../../nodes/AiDispatcher/engine/analysis/heuristic';
import {
	tierForProbabilities,
	type OperatingPointName,
} from '../../nodes/AiDispatcher/engine/analysis/router/model';
import { routeComplexity } from '../../nodes/AiDispatcher/engine/analysis/router/route';
import type { ComplexityResult, Tier } from '../../nodes/AiDispatcher/engine/types';
import { TIERS } from '../../nodes/AiDispatcher/engine/types';
import type { LabelledPrompt } from '../../scripts/router/corpus';
import { crossValidate } from '../../scripts/router/cross-validate';
import { chooseOperatingPoint, RECALL_TARGETS } from '../../scripts/router/operating-point';
import { sampleOf } from '../../scripts/router/train';
import { figuresOf, type Figures, type Prediction } from './corpus-metrics';

export interface RoutedPrediction extends Prediction {
	result: ComplexityResult;
}

export function routerPredictions(
	prompts: LabelledPrompt[],
	operatingPoint: OperatingPointName = 'balanced',
): RoutedPrediction[] {
	return prompts.map((entry) => {
		const result = routeComplexity(entry.text, { operatingPoint });
		return { entry, predicted: result.tier, score: result.score, result };
	});
}

export function heuristicPredictions(prompts: LabelledPrompt[]): Prediction[] {
	return prompts.map((entry) => {
		const result = analyseComplexity(entry.text);
		return { entry, predicted: result.tier, score: result.score };
	});
}

/** How wrong a prediction is: tiers apart, then the probability it gave the labelled tier (lower is worse). */
export function wrongness(p: RoutedPrediction): number {
	const apart = Math.abs(TIERS.indexOf(p.predicted) - TIERS.indexOf(p.entry.tier));
	const given = p.result.router?.probabilities[p.entry.tier] ?? 0;
	return apart + (1 - given);
}

export interface CrossValidationFigures {
	folds: Figures[];
	pooled: Figures;
}

/** k-fold CV of the training part at the balanced point chosen on the pooled out-of-fold probabilities. */
export function crossValidationFigures(train: LabelledPrompt[], k = 5): CrossValidationFigures {
	const samples = train.map((p) => sampleOf(p.text, p.tier));
	const cv = crossValidate(train, samples, k);
	const point = chooseOperatingPoint(
		train.map((p, i) => ({ tier: p.tier, probabilities: cv.probabilities[i] })),
		RECALL_TARGETS.balanced,
	);
	const predictions: Prediction[] = train.map((entry, i) => ({
		entry,
		predicted: tierForProbabilities(cv.probabilities[i], point) as Tier,
		score: cv.probabilities[i][2],
	}));
	const folds = Array.from({ length: k }, (_, f) =>
		figuresOf(predictions.filter((_, i) => cv.fold[i] === f)),
	);
	return { folds, pooled: figuresOf(predictions) };
}

/** Mean, standard deviation, min and max of one figure over the folds. */
export function spread(values: number[]): { mean: number; sd: number; min: number; max: number } {
	const mean = values.reduce((a, b) => a + b, 0) / values.length;
	const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
	return { mean, sd, min: Math.min(...values), max: Math.max(...values) };
}
