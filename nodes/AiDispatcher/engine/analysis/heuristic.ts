import type { ComplexityFeature, ComplexityResult, TaskType, Tier } from '../types';
import {
	ANALYSIS_CUES,
	CLASSIFY_CUES,
	CODE_CUES,
	EXTRACT_CUES,
	GENERATIVE_CUES,
	OUTPUT_STRUCTURE_CUES,
	REASONING_CUES,
	SHORT_ANSWER_CUES,
	SUMMARY_CUES,
} from './heuristicCues';
import {
	boundedSample,
	countCues,
	countQuestions,
	estimateTokens,
	measureStructure,
} from './measure';

/** Score boundaries between tiers: below `medium` is low, from `high` on is high. */
export interface TierThresholds {
	medium: number;
	high: number;
}

export const DEFAULT_THRESHOLDS: TierThresholds = { medium: 0.15, high: 0.4 };

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

	const {
		codeBlocks,
		stackFrames,
		logLines,
		listItems,
		structuredData: structured,
		math,
		figures,
	} = measureStructure(sample);
	const questions = countQuestions(sample);
	const analysisCues = countCues(lower, ANALYSIS_CUES);
	const reasoningCues = countCues(lower, REASONING_CUES);
	const generative = countCues(lower, GENERATIVE_CUES);
	const outputStructure = countCues(lower, OUTPUT_STRUCTURE_CUES);
	const shortAnswer = countCues(lower, SHORT_ANSWER_CUES);

	const task =
		options.task && options.task !== 'auto'
			? options.task
			: detectTask(lower, { codeBlocks, stackFrames, logLines, analysisCues, reasoningCues });
	// Logs without a request to diagnose them (e.g. "when did the backup finish?") are long, not hard.
	const diagnosing = analysisCues > 0 || reasoningCues > 0 || codeBlocks > 0;

	const features: ComplexityFeature[] = [
		feature('tokens', tokens, lengthContribution(tokens)),
		feature(
			'code_blocks',
			codeBlocks,
			codeBlocks > 0 ? 0.3 + Math.min(0.08, 0.04 * (codeBlocks - 1)) : 0,
		),
		feature('stack_trace_lines', stackFrames, stackFrames >= 2 ? 0.3 : stackFrames * 0.1),
		feature('log_lines', logLines, Math.min(diagnosing ? 0.15 : 0.05, logLines * 0.03)),
		feature('analysis_cues', analysisCues, Math.min(0.24, analysisCues * 0.08)),
		feature('reasoning_cues', reasoningCues, Math.min(0.24, reasoningCues * 0.08)),
		feature(
			'generative_instructions',
			generative,
			generative === 0 ? 0 : Math.min(0.2, 0.12 + 0.04 * (generative - 1)),
		),
		feature('output_structure', outputStructure, Math.min(0.12, outputStructure * 0.06)),
		feature('short_answer', shortAnswer, shortAnswer > 0 ? -0.12 : 0),
		feature('math', math, Math.min(0.15, math * 0.05)),
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

export interface TaskSignals {
	codeBlocks: number;
	stackFrames: number;
	logLines: number;
	analysisCues: number;
	reasoningCues: number;
}

/** The task a (lowercased) request asks for, from its cue words and the content's structure. */
export function detectTask(lower: string, signals: TaskSignals): TaskType {
	if (countCues(lower, CODE_CUES) > 0 || (signals.codeBlocks > 0 && signals.stackFrames < 2))
		return 'code';
	if (signals.stackFrames >= 2 || signals.logLines >= 3 || signals.analysisCues >= 2)
		return 'analysis';
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
