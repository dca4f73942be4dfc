/** Engine results → the item fields users map in later nodes. */
import type { IDataObject } from 'n8n-workflow';

import type { ComplexityResult, Decision, DispatchResult } from '../engine/types';

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
		candidates: d.candidates.map((c) => ({ ...c, reasons: [...c.reasons] })) as unknown as IDataObject[],
		...(d.rules ? { rules: d.rules.map((r) => ({ ...r, conditions: r.conditions.map((c) => ({ ...c })) })) as unknown as IDataObject[] } : {}),
	};
}

export function resultJson(r: DispatchResult): IDataObject {
	return {
		response: r.response as IDataObject,
		model: r.model,
		tier: r.tier,
		host: r.host ?? null,
		complexity: complexityJson(r.complexity),
		decision: decisionJson(r.decision),
		attempts: r.attempts.map((a) => ({ ...a })) as unknown as IDataObject[],
		usage: { ...r.usage },
	};
}
