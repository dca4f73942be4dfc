/**
 * Generate's item: engine results → the item fields users map in later nodes. By default ("Simplify Output" on) an
 * item carries what a person reads in the table: the answer, model, tier, a one-line reason, a
 * summary of the attempts, and whether the model was already loaded (its load time when not). The full decision (complexity features, candidates, rules, every
 * attempt, usage, signals) is added when "Simplify Output" is off; the short fields stay, so a
 * later node reads them the same way in both modes.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from '../adapters/context';
import type { Plan } from '../engine/plan';
import { fallbackFrom, resultStory } from '../engine/story';
import type { Attempt, DispatchResult } from '../engine/types';
import { costJson, loadJson, thinkingJson } from '../adapters/output/answer';
import { complexityJson, decisionJson, rulesField } from '../adapters/output/decision';
import { reusedJson, reusedSummary } from '../adapters/output/reused';
import { withSignalsJson } from '../adapters/output/signals';

/** The "Simplify Output" switch for item `itemIndex` (on unless the user turned it off). */
export function simplifyOutput(
	ctx: Pick<NodeContext, 'getNodeParameter'>,
	itemIndex: number,
): boolean {
	return ctx.getNodeParameter('simplifyOutput', itemIndex, true) !== false;
}

/** One line: which models were tried and how each ended, e.g. "phi3:mini timeout after 15.0 s → llama3.2:3b answered in 2.1 s". */
export function attemptsSummary(attempts: Attempt[]): string {
	return attempts
		.map((a) => {
			const seconds = `${(a.ms / 1000).toFixed(1)} s`;
			const retry = a.retry ? ` (retry ${a.retry})` : '';
			return a.ok
				? `${a.model}${retry} answered in ${seconds}`
				: `${a.model}${retry} failed after ${seconds}: ${a.kind ?? a.error ?? 'error'}`;
		})
		.join(' → ');
}

/**
 * Generate's item: the short fields, plus the full decision when `simplify` is false. `reason` is one
 * plain sentence naming the model that answered; `fallback` says whether another model than the
 * item's first choice answered, and `firstChoice` which model that was. The scores are in
 * `decision.reason` and `complexity` of the full output.
 */
export function generateJson(r: DispatchResult, simplify: boolean, plan: Plan): IDataObject {
	const from = fallbackFrom(plan, r);
	const short: IDataObject = {
		response: r.response as IDataObject,
		model: r.model,
		tier: r.tier,
		reason: resultStory(plan, r),
		fallback: from !== undefined,
		...(from !== undefined ? { firstChoice: from } : {}),
		attemptsSummary: r.reused ? reusedSummary(r.reused) : attemptsSummary(r.attempts),
		...loadJson(r),
		...(r.reused ? { reused: reusedJson(r.reused) } : {}),
		...rulesField(plan),
		...(r.thinking ? { thinking: thinkingJson(r.thinking) } : {}),
		...(r.cost ? { cost: costJson(r.cost) } : {}),
	};
	if (simplify) return short;
	return withSignalsJson({ ...short, ...resultJson(r) }, plan);
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
