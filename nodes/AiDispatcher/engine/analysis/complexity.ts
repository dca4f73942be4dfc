import type { ComplexityFeature, ComplexityResult, TaskType, Tier } from '../types';
import {
	boundedSample,
	countCodeBlocks,
	countCues,
	countFigures,
	countListItems,
	countLogLines,
	countQuestions,
	countStackFrames,
	estimateTokens,
	structuredDataLevel,
} from './features';

/** Score boundaries between tiers: below `medium` is low, from `high` on is high. */
export interface TierThresholds {
	medium: number;
	high: number;
}

export const DEFAULT_THRESHOLDS: TierThresholds = { medium: 0.25, high: 0.5 };

/** Cue words in English, German, French and Spanish (lowercase stems). */
const ANALYSIS_CUES = [
	'analy', 'root cause', 'diagnos', 'investigat', 'evaluat', 'assess', 'trade-off', 'tradeoff',
	'compare', 'implication', 'risk', 'review', 'audit', 'why does', 'why is', 'explain why',
	'ursache', 'bewert', 'vergleich', 'warum', 'risiko', 'prüf',
	'cause racine', 'évalu', 'compar', 'pourquoi', 'risque',
	'causa raíz', 'causa raiz', 'evalú', 'por qué', 'riesgo',
] as const;

const REASONING_CUES = [
	'step by step', 'step-by-step', 'prove', 'derive', 'calculate', 'estimate', 'reason about',
	'plan ', 'strategy', 'optimi', 'what if', 'therefore', 'justify', 'design a', 'architecture',
	'schritt für schritt', 'berechne', 'schätz', 'begründ',
	'étape par étape', 'calcul', 'démontr', 'justifi',
	'paso a paso', 'calcula', 'demuestr', 'justific',
] as const;

const SUMMARY_CUES = ['summar', 'tl;dr', 'tldr', 'digest', 'recap', 'zusammenfass', 'résum', 'resum'] as const;
const CLASSIFY_CUES = ['classif', 'categori', 'label', 'which category', 'triage', 'sentiment', 'klassifi', 'kategori'] as const;
const EXTRACT_CUES = ['extract', 'pull out', 'list all', 'find the', 'parse', 'extrahier', 'extrai', 'extrae'] as const;
const CODE_CUES = [
	'write a function', 'write code', 'implement', 'refactor', 'fix this code', 'fix the bug', 'unit test',
	'code review', 'regex', 'sql query', 'script', 'funktion', 'fonction', 'función',
] as const;

export interface AnalyseOptions {
	task?: TaskType | 'auto';
	complexity?: Tier | 'auto';
	thresholds?: TierThresholds;
}

/**
 * Scores a prompt's complexity 0..1 from cheap features and maps it to a tier.
 * Pure and synchronous; cost is bounded by `MAX_ANALYSED_CHARS`.
 */
export function analyseComplexity(text: string, options: AnalyseOptions = {}): ComplexityResult {
	const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
	const sample = boundedSample(text);
	const lower = sample.toLowerCase();
	const tokens = estimateTokens(text);

	const codeBlocks = countCodeBlocks(sample);
	const stackFrames = countStackFrames(sample);
	const logLines = countLogLines(sample);
	const questions = countQuestions(sample);
	const listItems = countListItems(sample);
	const structured = structuredDataLevel(sample);
	const analysisCues = countCues(lower, ANALYSIS_CUES);
	const reasoningCues = countCues(lower, REASONING_CUES);
	const figures = countFigures(sample);

	const task =
		options.task && options.task !== 'auto'
			? options.task
			: detectTask(lower, { codeBlocks, stackFrames, logLines, analysisCues, reasoningCues });

	const features: ComplexityFeature[] = [
		feature('tokens', tokens, lengthContribution(tokens)),
		feature('code_blocks', codeBlocks, codeBlocks > 0 ? 0.3 + Math.min(0.08, 0.04 * (codeBlocks - 1)) : 0),
		feature('stack_trace_lines', stackFrames, stackFrames >= 2 ? 0.3 : stackFrames * 0.1),
		feature('log_lines', logLines, Math.min(0.15, logLines * 0.03)),
		feature('analysis_cues', analysisCues, Math.min(0.2, analysisCues * 0.07)),
		feature('reasoning_cues', reasoningCues, Math.min(0.2, reasoningCues * 0.07)),
		feature('questions', questions, questions <= 1 ? 0 : Math.min(0.12, (questions - 1) * 0.04)),
		feature('list_items', listItems, listItems <= 2 ? 0 : Math.min(0.1, (listItems - 2) * 0.02)),
		feature('structured_data', structured, structured * 0.05),
		feature('figures', figures, figures <= 2 ? 0 : Math.min(0.08, (figures - 2) * 0.02)),
		feature(`task_${task}`, 1, TASK_WEIGHT[task]),
	];
	const raw = features.reduce((sum, f) => sum + f.contribution, 0);
	const score = round3(Math.min(1, Math.max(0, raw)));

	const forced = options.complexity !== undefined && options.complexity !== 'auto';
	const tier = forced ? (options.complexity as Tier) : tierForScore(score, thresholds);
	return { score, tier, task, tokens, features, forced };
}

/** Maps a 0..1 score to a tier with the given boundaries. */
export function tierForScore(score: number, thresholds: TierThresholds = DEFAULT_THRESHOLDS): Tier {
	if (score >= thresholds.high) return 'high';
	if (score >= thresholds.medium) return 'medium';
	return 'low';
}

const TASK_WEIGHT: Record<TaskType, number> = {
	classification: -0.05,
	extraction: -0.02,
	summarization: 0,
	general: 0,
	analysis: 0.1,
	code: 0.15,
	reasoning: 0.15,
};

/** Up to 0.3: nothing below ~100 tokens, logarithmic up to ~3000 tokens. */
function lengthContribution(tokens: number): number {
	if (tokens <= 100) return 0;
	return Math.min(0.3, 0.3 * (Math.log10(tokens / 100) / Math.log10(30)));
}

interface TaskSignals {
	codeBlocks: number;
	stackFrames: number;
	logLines: number;
	analysisCues: number;
	reasoningCues: number;
}

function detectTask(lower: string, signals: TaskSignals): TaskType {
	if (countCues(lower, CODE_CUES) > 0 || (signals.codeBlocks > 0 && signals.stackFrames < 2)) return 'code';
	if (signals.stackFrames >= 2 || signals.logLines >= 3 || signals.analysisCues >= 2) return 'analysis';
	if (signals.reasoningCues >= 2) return 'reasoning';
	if (countCues(lower, SUMMARY_CUES) > 0) return 'summarization';
	if (countCues(lower, CLASSIFY_CUES) > 0) return 'classification';
	if (countCues(lower, EXTRACT_CUES) > 0) return 'extraction';
	if (signals.analysisCues > 0) return 'analysis';
	if (signals.reasoningCues > 0) return 'reasoning';
	return 'general';
}

function feature(name: string, value: number, contribution: number): ComplexityFeature {
	return { name, value, contribution: round3(contribution) };
}

function round3(value: number): number {
	return Math.round(value * 1000) / 1000;
}
