/** Engine results → the item fields users map in later nodes. */
import type { IDataObject } from 'n8n-workflow';

import type { Plan } from '../engine/plan';
import type { SignalsRead } from '../engine/signals/store';
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

/** Adds the `signals` field when the plan read live signals. */
export function withSignalsJson(json: IDataObject, plan: Plan): IDataObject {
	return plan.signals ? { ...json, signals: signalsJson(plan.signals) } : json;
}

/** What the item shows: the values used, their age, which were unknown and why. */
export function signalsJson(read: Pick<SignalsRead, 'snapshot' | 'ageMs'>): IDataObject {
	const s = read.snapshot;
	const perModel = Object.fromEntries(
		Object.entries(s.models).map(([name, v]) => [name, { total: v.total, byModel: { ...v.byModel } }]),
	);
	return {
		prometheus: s.prometheus,
		unavailableReason: s.unavailableReason ?? null,
		ageMs: Math.round(read.ageMs),
		roundMs: s.roundMs,
		queries: s.queries,
		values: { ...s.host, ...perModel },
		custom: { ...s.custom },
		unknown: { ...s.unknown },
		loaded: s.loaded ? s.loaded.map((l) => l.name) : null,
		loadedError: s.loadedError ?? null,
	};
}
