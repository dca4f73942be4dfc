/**
 * How both nodes show a decision: the complexity, the ranked candidates with their reasons, and each
 * rule's outcome (Generate's and Select Model's full output, the chat model's logs-panel entry).
 */
import type { IDataObject } from 'n8n-workflow';

import type { Plan } from '../../engine/plan';
import { ruleResults } from '../../engine/rules/explain';
import type { ComplexityResult, Decision } from '../../engine/types';

/** `rules`: each rule of the item, whether it matched and, if not, why (absent without rules). */
export function rulesField(plan: Plan): IDataObject {
	const results = ruleResults(plan.rules);
	return results.length > 0 ? { rules: results as IDataObject[] } : {};
}

export function complexityJson(c: ComplexityResult): IDataObject {
	return {
		score: c.score,
		tier: c.tier,
		task: c.task,
		tokens: c.tokens,
		forced: c.forced,
		features: c.features.map((f) => ({ ...f })),
	};
}

export function decisionJson(d: Decision): IDataObject {
	return {
		reason: d.reason,
		alternatives: [...d.alternatives],
		candidates: d.candidates.map((c) => ({
			...c,
			reasons: [...c.reasons],
		})) as unknown as IDataObject[],
		...(d.expectedTimes
			? {
					expectedTimes: d.expectedTimes.map((t) => ({
						...t,
						seconds: Math.round(t.seconds * 10) / 10,
						tokensPerS: Math.round(t.tokensPerS * 10) / 10,
					})),
				}
			: {}),
		...(d.rules
			? {
					rules: d.rules.map((r) => ({
						...r,
						conditions: r.conditions.map((c) => ({ ...c })),
					})) as unknown as IDataObject[],
				}
			: {}),
	};
}
