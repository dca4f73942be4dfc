/** What an item says when its answer was reused: the `reused` field and the one-line summary. */
import type { IDataObject } from 'n8n-workflow';

import type { ReusedFrom } from '../../engine/reuse/types';

/** The `reused` field: how it was found, from which model and tier, its age and the model time saved. */
export function reusedJson(r: ReusedFrom): IDataObject {
	return {
		how: r.kind,
		model: r.model,
		tier: r.tier,
		ageSeconds: round1(r.ageMs / 1000),
		savedSeconds: round1(r.savedMs / 1000),
	};
}

/** E.g. "reused the answer llama3.2:3b gave 12.5 s ago in an earlier execution (no model call)". */
export function reusedSummary(r: ReusedFrom): string {
	const where =
		r.kind === 'in flight'
			? 'shared the call of an identical item in flight'
			: `reused the answer ${r.model} gave ${round1(r.ageMs / 1000)} s ago in ${r.kind === 'this execution' ? 'this execution' : 'an earlier execution'}`;
	return r.kind === 'in flight'
		? `${r.model}: ${where} (no extra model call)`
		: `${where} (no model call)`;
}

function round1(x: number): number {
	return Math.round(x * 10) / 10;
}
