/**
 * `npx tsx scripts/think-threshold.ts`: prints, on 5-fold out-of-fold probabilities of the router
 * corpus's TRAINING part only, what each thinking threshold on P(high) gives (high-labelled prompts
 * thinking, model time against thinking where labelled and on every prompt), and the chosen one.
 * The held-out split is never scored here.
 */
import { loadRouterCorpus } from './router/corpus';
import { crossValidate } from './router/cross-validate';
import { chooseOperatingPoint, RECALL_TARGETS } from './router/operating-point';
import { chooseThinkThreshold, THINK_TARGETS } from './router/think-threshold';
import { sampleOf } from './router/train';

const CV_FOLDS = 5;
const corpus = loadRouterCorpus();
const samples = corpus.train.map((p) => sampleOf(p.text, p.tier));
const cv = crossValidate(corpus.train, samples, CV_FOLDS);
const scored = corpus.train.map((p, i) => ({
	tier: p.tier,
	probabilities: cv.probabilities[i],
	promptTokens: Math.max(1, Math.ceil(p.text.length / 4)),
}));
const point = chooseOperatingPoint(scored, RECALL_TARGETS.balanced);
const { rows, chosen } = chooseThinkThreshold(scored, point);
const f = (x: number) => x.toFixed(2);
console.log(
	`training part: ${corpus.train.length} prompts, out-of-fold (${CV_FOLDS} folds); balanced point ${JSON.stringify(point)}`,
);
console.log(
	'threshold  high thought  thought  not-high thought  vs labels (short/long)  vs every (short/long)',
);
for (const r of rows.filter(
	(r) =>
		(r.threshold <= 0.9 && Math.round(r.threshold * 100) % 5 === 0) ||
		(r.threshold >= 0.19 && r.threshold <= 0.3) ||
		r === chosen,
)) {
	console.log(
		`${r === chosen ? '*' : ' '} ${f(r.threshold)}     ${(r.highThought * 100).toFixed(1).padStart(5)} %   ${String(r.thought).padStart(6)}   ${String(r.wrongThought).padStart(10)}         ${f(r.vsLabelsShort)}× / ${f(r.vsLabelsLong)}×          ${f(r.vsEveryShort)}× / ${f(r.vsEveryLong)}×`,
	);
}
console.log(
	chosen
		? `chosen: ${chosen.threshold} (the lowest with ≥ ${THINK_TARGETS.highThought * 100} % of high-labelled training prompts thinking and ≤ ${THINK_TARGETS.vsLabels}× thinking where labelled)`
		: `no threshold meets both targets on the training split`,
);
