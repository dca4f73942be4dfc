/**
 * Figures of the complexity analyser on the labeled corpus (`test/fixtures/complexity-corpus.json`):
 * confusion matrix, accuracy, high-tier recall, share served below high, per language and per source.
 * Shared by `npm run complexity-report` and the regression test `test/unit/engine/analysis/heuristic-corpus.test.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	analyseComplexity,
	type TierThresholds,
} from '../../nodes/AiDispatcher/engine/analysis/heuristic';
import type { TaskType, Tier } from '../../nodes/AiDispatcher/engine/types';
import { TIERS } from '../../nodes/AiDispatcher/engine/types';

export interface CorpusEntry {
	id: string;
	source: 'mail' | 'ticket' | 'chat';
	task: TaskType;
	tier: Tier;
	text: string;
}

export type Split = 'all' | 'train' | 'holdout';

/** The non-English entries, from the corpus README (there is no language field). */
const LANGUAGES: Record<string, string[]> = {
	German: [
		'mail-009',
		'mail-026',
		'mail-044',
		'ticket-009',
		'ticket-028',
		'ticket-049',
		'chat-009',
		'chat-026',
		'chat-045',
	],
	Spanish: [
		'mail-011',
		'mail-018',
		'mail-028',
		'mail-046',
		'ticket-010',
		'ticket-029',
		'ticket-051',
		'chat-011',
		'chat-039',
	],
	French: ['mail-010', 'mail-027', 'mail-045', 'ticket-018', 'ticket-050', 'chat-010', 'chat-027'],
};

export function languageOf(id: string): string {
	for (const [language, ids] of Object.entries(LANGUAGES)) if (ids.includes(id)) return language;
	return 'English';
}

/**
 * The held-out fifth: ids whose number ends in 0 or 5 (32 of 161). Thresholds and weights were
 * calibrated looking at the train split only; the holdout shows whether that generalises.
 */
export function isHoldout(id: string): boolean {
	return /[05]$/.test(id);
}

export function loadCorpus(): CorpusEntry[] {
	const file = path.join(__dirname, '..', 'fixtures', 'complexity-corpus.json');
	return JSON.parse(fs.readFileSync(file, 'utf8')) as CorpusEntry[];
}

export function splitOf(corpus: CorpusEntry[], split: Split): CorpusEntry[] {
	if (split === 'all') return corpus;
	return corpus.filter((e) => isHoldout(e.id) === (split === 'holdout'));
}

/** What the figures need of a labelled prompt (the legacy corpus and the router corpus both fit). */
export interface Labelled {
	id: string;
	source: string;
	tier: Tier;
	text: string;
	/** Language code; absent for the legacy corpus, whose languages come from `languageOf`. */
	lang?: string;
}

export interface Prediction {
	entry: Labelled;
	predicted: Tier;
	score: number;
}

export interface Figures {
	count: number;
	/** confusion[labeled][predicted] */
	confusion: Record<Tier, Record<Tier, number>>;
	/** Share of entries whose predicted tier equals the label, 0..1. */
	accuracy: number;
	/** Share of high-labeled entries predicted high, 0..1. */
	highRecall: number;
	/** Share of high predictions that were labeled high, 0..1. */
	highPrecision: number;
	/** Share of all entries served below the high tier, 0..1. */
	belowHigh: number;
	/** Share of low-labeled entries predicted high (wasted strong-model calls), 0..1. */
	lowToHigh: number;
	/** Accuracy by language and by source. */
	byLanguage: Record<string, { count: number; accuracy: number }>;
	bySource: Record<string, { count: number; accuracy: number }>;
}

export function predict(corpus: CorpusEntry[], thresholds?: TierThresholds): Prediction[] {
	return corpus.map((entry) => {
		const result = analyseComplexity(entry.text, { thresholds });
		return { entry, predicted: result.tier, score: result.score };
	});
}

function emptyConfusion(): Record<Tier, Record<Tier, number>> {
	const row = () => ({ low: 0, medium: 0, high: 0 });
	return { low: row(), medium: row(), high: row() };
}

function accuracyBy(predictions: Prediction[], key: (e: Labelled) => string) {
	const groups: Record<string, { count: number; accuracy: number }> = {};
	const hits: Record<string, number> = {};
	for (const p of predictions) {
		const k = key(p.entry);
		groups[k] ??= { count: 0, accuracy: 0 };
		groups[k].count++;
		hits[k] = (hits[k] ?? 0) + (p.predicted === p.entry.tier ? 1 : 0);
	}
	for (const k of Object.keys(groups)) groups[k].accuracy = hits[k] / groups[k].count;
	return groups;
}

export function figuresOf(predictions: Prediction[]): Figures {
	const confusion = emptyConfusion();
	for (const p of predictions) confusion[p.entry.tier][p.predicted]++;
	const count = predictions.length;
	const correct = TIERS.reduce((sum, t) => sum + confusion[t][t], 0);
	const labeledHigh = TIERS.reduce((sum, t) => sum + confusion.high[t], 0);
	const predictedHigh = TIERS.reduce((sum, t) => sum + confusion[t].high, 0);
	const labeledLow = TIERS.reduce((sum, t) => sum + confusion.low[t], 0);
	return {
		count,
		confusion,
		accuracy: correct / count,
		highRecall: labeledHigh === 0 ? 1 : confusion.high.high / labeledHigh,
		highPrecision: predictedHigh === 0 ? 1 : confusion.high.high / predictedHigh,
		belowHigh: (count - predictedHigh) / count,
		lowToHigh: labeledLow === 0 ? 0 : confusion.low.high / labeledLow,
		byLanguage: accuracyBy(predictions, (e) => e.lang ?? languageOf(e.id)),
		bySource: accuracyBy(predictions, (e) => e.source),
	};
}

export function corpusFigures(split: Split, thresholds?: TierThresholds): Figures {
	return figuresOf(predict(splitOf(loadCorpus(), split), thresholds));
}
