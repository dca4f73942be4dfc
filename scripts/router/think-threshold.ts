/**
 * The thinking threshold: a high-tier item thinks at full effort only when the router's P(high)
 * reaches it; a borderline-high item (high tier, P(high) below it) gets the model's lowest effort.
 * Chosen on out-of-fold probabilities of the training part (never the held-out split): the lowest
 * threshold (the most thinking) whose figures meet both targets.
 */
import {
	tierForProbabilities,
	type OperatingPoint,
} from '../../nodes/AiDispatcher/engine/analysis/router/model';
import type { Scored } from './operating-point';

/** The targets, applied to the training split: high-labelled prompts thinking, and time against thinking where labelled (short replies). */
export const THINK_TARGETS = { highThought: 0.9, vsLabels: 1.2 } as const;

export interface ThinkRow {
	threshold: number;
	/** Share of high-labelled prompts that think. */
	highThought: number;
	/** Prompts that think, of all. */
	thought: number;
	/** Of the prompts that think, how many are not labelled high. */
	wrongThought: number;
	/** Model time / time thinking exactly where labelled, short and long replies. */
	vsLabelsShort: number;
	vsLabelsLong: number;
	/** Model time / time thinking on every prompt, short and long replies. */
	vsEveryShort: number;
	vsEveryLong: number;
}

export interface TimedScored extends Scored {
	/** Prompt tokens (the simulator's ≈ characters / 4). */
	promptTokens: number;
}

/** The simulated reasoning model of the thinking e2e and bench: qwen3:8b's speeds and thinking tokens. */
const MODEL = { promptTokensPerS: 110, tokensPerS: 11, thinkTokens: 400 };
const SHORT_REPLY = 14;
const LONG_REPLY = { low: 40, medium: 120, high: 280 } as const;

function seconds(s: TimedScored, think: boolean, long: boolean): number {
	const reply = long ? LONG_REPLY[s.tier] : SHORT_REPLY;
	return (
		s.promptTokens / MODEL.promptTokensPerS +
		(reply + (think ? MODEL.thinkTokens : 0)) / MODEL.tokensPerS
	);
}

/** The figures of one threshold at `point`. */
export function thinkRow(
	scored: TimedScored[],
	point: OperatingPoint,
	threshold: number,
): ThinkRow {
	const thinks = scored.map(
		(s) =>
			tierForProbabilities(s.probabilities, point) === 'high' && s.probabilities[2] >= threshold,
	);
	const highs = scored.filter((s) => s.tier === 'high').length;
	const sum = (f: (s: TimedScored, i: number) => number) =>
		scored.reduce((acc, s, i) => acc + f(s, i), 0);
	const time = (long: boolean, think: (s: TimedScored, i: number) => boolean) =>
		sum((s, i) => seconds(s, think(s, i), long));
	const engine = (long: boolean) => time(long, (_, i) => thinks[i]);
	const labelled = (long: boolean) => time(long, (s) => s.tier === 'high');
	const every = (long: boolean) => time(long, () => true);
	return {
		threshold,
		highThought: scored.filter((s, i) => s.tier === 'high' && thinks[i]).length / highs,
		thought: thinks.filter(Boolean).length,
		wrongThought: scored.filter((s, i) => s.tier !== 'high' && thinks[i]).length,
		vsLabelsShort: engine(false) / labelled(false),
		vsLabelsLong: engine(true) / labelled(true),
		vsEveryShort: engine(false) / every(false),
		vsEveryLong: engine(true) / every(true),
	};
}

/**
 * Every threshold from 0 to 0.95 in steps of 0.01, and the chosen one: the lowest whose figures meet
 * both targets (undefined when none does).
 */
export function chooseThinkThreshold(
	scored: TimedScored[],
	point: OperatingPoint,
	targets: typeof THINK_TARGETS = THINK_TARGETS,
): { rows: ThinkRow[]; chosen?: ThinkRow } {
	const rows = Array.from({ length: 96 }, (_, i) =>
		thinkRow(scored, point, Number((i * 0.01).toFixed(2))),
	);
	return {
		rows,
		chosen: rows.find(
			(r) => r.highThought >= targets.highThought && r.vsLabelsShort <= targets.vsLabels,
		),
	};
}
