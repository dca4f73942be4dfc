/**
 * k-fold cross-validation of the router on the training part: out-of-fold probabilities for every
 * prompt (to choose thresholds without looking at the held-out split) and per-fold figures.
 */
import { foldsOf, type LabelledPrompt } from './corpus';
import { softmaxOf, train, type Sample, type TrainOptions } from './train';

export interface CrossValidation {
	/** Out-of-fold P(low), P(medium), P(high), in corpus order. */
	probabilities: number[][];
	fold: number[];
}

export function crossValidate(
	prompts: LabelledPrompt[],
	samples: Sample[],
	k: number,
	options?: TrainOptions,
): CrossValidation {
	const fold = foldsOf(prompts, k);
	const probabilities = new Array<number[]>(prompts.length);
	for (let f = 0; f < k; f++) {
		const model = train(
			samples.filter((_, i) => fold[i] !== f),
			options,
		);
		samples.forEach((s, i) => {
			if (fold[i] === f) probabilities[i] = softmaxOf(model, s);
		});
	}
	return { probabilities, fold };
}
