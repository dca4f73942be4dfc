/**
 * Generate with Item Order "Grouped by Model": every item is planned first, then the items are
 * answered grouped by model (`engine/batch/`), so a small box loads each model once. Outcomes are
 * returned by input index, exactly as the per-item loop returns them.
 */
import type { IDataObject } from 'n8n-workflow';

import { runBatch, type BatchItem } from '../engine/batch/run';
import { circuitOpenedSince } from '../engine/batch/stale';
import type { Plan } from '../engine/plan';
import { settle, type Settled } from '../engine/result';
import * as generate from './generate.operation';
import type { Session } from '../adapters/session';

export interface GroupedRun {
	/** Items answered at once. */
	concurrency: number;
	/** Sees every outcome as it settles (the router stops the rest on the first error). */
	track: (index: number, settled: Settled<IDataObject>) => Settled<IDataObject>;
	/** True once no further item should start. */
	stopped: () => boolean;
}

/** Plans all `count` items, then answers them grouped by model; outcomes by input index. */
export async function generateGrouped(
	session: Session,
	count: number,
	run: GroupedRun,
): Promise<Array<Settled<IDataObject> | undefined>> {
	const planned: Array<Settled<Plan>> = [];
	for (let i = 0; i < count; i++) {
		planned.push(await settle(generate.plan(session, i)));
		if (!planned[i].ok) run.track(i, planned[i] as Settled<IDataObject>);
		if (run.stopped()) return planned.map((p) => (p.ok ? undefined : (p as Settled<IDataObject>)));
	}
	const items: BatchItem[] = planned.map((p, index) =>
		p.ok ? { index, plan: p.value } : { index },
	);
	const { results } = await runBatch<Settled<IDataObject>>(items, session.ports, session.state, {
		concurrency: run.concurrency,
		stopped: run.stopped,
		run: async (index, plan) => {
			const settled = planned[index];
			if (!plan) return settled as Settled<IDataObject>; // planning failed: already tracked
			const current = circuitOpenedSince(plan, session.state, session.ports.clock.nowMs())
				? await settle(generate.plan(session, index))
				: { ok: true as const, value: plan };
			if (!current.ok) return run.track(index, current);
			return run.track(index, await settle(generate.answer(session, index, current.value)));
		},
	});
	return results;
}
