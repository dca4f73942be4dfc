import { routerHighProbability } from '../../../../nodes/AiDispatcher/engine/thinking/plan';
import type { RuleOutcome } from '../../../../nodes/AiDispatcher/engine/rules/types';
import type { ComplexityResult, RouterVerdict } from '../../../../nodes/AiDispatcher/engine/types';

function complexity(
	over: Partial<ComplexityResult> = {},
	router: Partial<RouterVerdict> = {},
): ComplexityResult {
	return {
		score: 0.6,
		tier: 'high',
		task: 'analysis',
		tokens: 40,
		features: [],
		forced: false,
		router: {
			probabilities: { low: 0.3, medium: 0.48, high: 0.22 },
			confidence: 0.18,
			operatingPoint: 'balanced',
			modelTier: 'high',
			...router,
		},
		...over,
	};
}

describe('routerHighProbability (which high-tier items may be borderline)', () => {
	it.each<[string, ComplexityResult, RuleOutcome | undefined, number | undefined]>([
		['the router alone chose high', complexity(), undefined, 0.22],
		['the Speed point', complexity({}, { operatingPoint: 'speed' }), undefined, 0.22],
		[
			'the Quality point: every high item thinks',
			complexity({}, { operatingPoint: 'quality' }),
			undefined,
			undefined,
		],
		[
			'a routing example decided',
			complexity({}, { example: { index: 0, tier: 'high', similarity: 0.8, prompt: 'x' } }),
			undefined,
			undefined,
		],
		['the tier was forced', complexity({ forced: true }), undefined, undefined],
		['no router (heuristic analyser)', complexity({ router: undefined }), undefined, undefined],
		['not high', complexity({ tier: 'medium' }, { modelTier: 'medium' }), undefined, undefined],
		[
			'a rule raised the tier',
			complexity(),
			{ excluded: new Map(), matched: [], evaluated: [], minTier: { tier: 'high', rule: 'P1' } },
			undefined,
		],
		[
			'a rule forced the tier',
			complexity(),
			{ excluded: new Map(), matched: [], evaluated: [], forcedTier: { tier: 'high', rule: 'P1' } },
			undefined,
		],
	])('%s', (_, c, rules, expected) => {
		expect(routerHighProbability(c, rules)).toBe(expected);
	});
});
