/** How both nodes show the live signals a plan read (the `signals` field). */
import type { IDataObject } from 'n8n-workflow';

import type { Plan } from '../../engine/plan';
import type { SignalsRead } from '../../engine/signals/store';

/** Adds the `signals` field when the plan read live signals. */
export function withSignalsJson(json: IDataObject, plan: Plan): IDataObject {
	return plan.signals ? { ...json, signals: signalsJson(plan.signals) } : json;
}

/** What the item shows: the values used, their age, which were unknown and why. */
export function signalsJson(read: Pick<SignalsRead, 'snapshot' | 'ageMs'>): IDataObject {
	const s = read.snapshot;
	const perModel = Object.fromEntries(
		Object.entries(s.models).map(([name, v]) => [
			name,
			{ total: v.total, byModel: { ...v.byModel } },
		]),
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
