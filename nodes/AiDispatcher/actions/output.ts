/**
 * Engine results → the item fields users map in later nodes. By default ("Simplify Output" on) an
 * item carries what a person reads in the table: the answer, model, tier, a one-line reason, a
 * summary of the attempts, and whether the model was already loaded (its load time when not). The full decision (complexity features, candidates, rules, every
 * attempt, usage, signals) is added when "Simplify Output" is off; the short fields stay, so a
 * later node reads them the same way in both modes.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Plan } from '../engine/plan';
import { ruleResults } from '../engine/rules/explain';
import { fallbackFrom, resultStory } from '../engine/story';
import type { SignalsRead } from '../engine/signals/store';
import type {
	Attempt,
	CallCost,
	ComplexityResult,
	Decision,
	DispatchResult,
	ThinkingRecord,
} from '../engine/types';
import { reusedJson, reusedSummary } from './reuseOutput';

/** The "Simplify Output" switch for item `itemIndex` (on unless the user turned it off). */
export function simplifyOutput(ctx: IExecuteFunctions, itemIndex: number): boolean {
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

/** `rules`: each rule of the item, whether it matched and, if not, why (absent without rules). */
export function rulesField(plan: Plan): IDataObject {
	const results = ruleResults(plan.rules);
	return results.length > 0 ? { rules: results as IDataObject[] } : {};
}

/** Whether the model was already loaded, and its load time when it was not (absent without a residency reading). */
export function loadJson(r: DispatchResult): IDataObject {
	if (!r.load) return {};
	return {
		modelAlreadyLoaded: r.load.alreadyLoaded,
		loadMs: r.load.loadMs === null ? null : Math.round(r.load.loadMs),
	};
}

/** Whether the model thought, at which effort and why, and its thinking text (never mixed into `response`). */
export function thinkingJson(t: ThinkingRecord): IDataObject {
	return {
		thought: t.text.length > 0,
		effort: t.effort,
		...(t.think !== undefined ? { think: t.think } : {}),
		reason: t.reason,
		text: t.text,
	};
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

/** Tokens and cost of the answer: `amount` a number for sums, `amountExact` the exact decimal (no float drift). */
export function costJson(c: CallCost): IDataObject {
	return {
		inputTokens: c.inputTokens,
		outputTokens: c.outputTokens,
		amount: Number(c.amount),
		amountExact: c.amount,
		currency: c.currency,
		priced: c.priced,
	};
}
