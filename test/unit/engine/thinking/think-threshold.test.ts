/**
 * The shipped borderline-high threshold is what the training split gives (5-fold out-of-fold
 * probabilities, as `npx tsx scripts/think-threshold.ts` prints): the held-out split is never scored
 * (the corpus loader reads it only to check that no id is in both splits).
 */
import {
	chooseThinkThreshold,
	thinkRow,
	THINK_TARGETS,
	type TimedScored,
} from '../../../../scripts/router/think-threshold';
import { loadRouterCorpus } from '../../../../scripts/router/corpus';
import { crossValidate } from '../../../../scripts/router/cross-validate';
import { chooseOperatingPoint, RECALL_TARGETS } from '../../../../scripts/router/operating-point';
import { sampleOf } from '../../../../scripts/router/train';
import { THINK_HIGH_PROBABILITY } from '../../../../nodes/AiDispatcher/engine/thinking/decide';

describe('THINK_HIGH_PROBABILITY', () => {
	it('is the lowest threshold meeting both targets on the training split', () => {
		const corpus = loadRouterCorpus();
		const cv = crossValidate(
			corpus.train,
			corpus.train.map((p) => sampleOf(p.text, p.tier)),
			5,
		);
		const scored = corpus.train.map((p, i) => ({
			tier: p.tier,
			probabilities: cv.probabilities[i],
			promptTokens: Math.max(1, Math.ceil(p.text.length / 4)),
		}));
		const point = chooseOperatingPoint(scored, RECALL_TARGETS.balanced);
		const { chosen } = chooseThinkThreshold(scored, point);
		expect(chosen?.threshold).toBe(THINK_HIGH_PROBABILITY);
		expect(chosen?.highThought).toBeGreaterThanOrEqual(THINK_TARGETS.highThought);
		expect(chosen?.vsLabelsShort).toBeLessThanOrEqual(THINK_TARGETS.vsLabels);
	}, 120_000);
});

describe('thinkRow (pure)', () => {
	const item = (tier: TimedScored['tier'], pHigh: number): TimedScored => ({
		tier,
		probabilities: [0, 1 - pHigh, pHigh],
		promptTokens: 110,
	});
	const point = { high: 0.2, lowCap: 1.01, mediumPlus: 0.5 };
	it.each<[number, number, number]>([
		// [threshold, high-labelled thinking, prompts thinking]
		[0, 1, 3],
		[0.3, 1, 2],
		[0.6, 0.5, 1],
		[0.95, 0, 0],
	])(
		'threshold %p: %p of the high-labelled think, %p prompts think',
		(threshold, highThought, thought) => {
			const r = thinkRow(
				[item('high', 0.9), item('high', 0.5), item('medium', 0.25), item('low', 0.1)],
				point,
				threshold,
			);
			expect(r.highThought).toBe(highThought);
			expect(r.thought).toBe(thought);
		},
	);

	it('times: 1 s prefill + (14 reply + 400 thinking) / 11 tokens/s per thinking prompt, short replies', () => {
		const r = thinkRow([item('high', 0.9), item('medium', 0.9)], point, 0);
		// engine: both think, 2 × (1 + 414/11); where labelled: (1 + 414/11) + (1 + 14/11)
		expect(r.vsLabelsShort).toBeCloseTo((2 * (1 + 414 / 11)) / (1 + 414 / 11 + 1 + 14 / 11), 9);
	});
});
