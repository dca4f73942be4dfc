/**
 * The router's features: hashed word and character n-grams of the instruction, hashed words of the
 * content (kept apart, so "use the big model" inside an email is a content word, not a request),
 * the task families of the labelling rule found in the instruction, and the structural counts of the
 * heuristic analyser (not its length-driven score). Pure; cost is bounded by the analysed sample and `MAX_CONTENT_WORDS`.
 */
import { detectTask } from '../complexity';
import { ANALYSIS_CUES, GENERATIVE_CUES, OUTPUT_STRUCTURE_CUES, REASONING_CUES, SHORT_ANSWER_CUES } from '../cues';
import {
	boundedSample,
	countCodeBlocks,
	countFigures,
	countListItems,
	countLogLines,
	countMath,
	countQuestions,
	countStackFrames,
	estimateTokens,
	structuredDataLevel,
} from '../features';
import type { ComplexityFeature, TaskType } from '../../types';
import { countGroups, cueIndex, TASK_FAMILIES } from './cues';
import { splitPrompt, type PromptParts } from './instruction';

/** log2 of the number of hash buckets the sparse features fall into. */
export const HASH_BITS = 16;
export const BUCKETS = 1 << HASH_BITS;

/** Content words looked at: the first 300 and the last 100. */
const MAX_CONTENT_WORDS = 400;
const CONTENT_TAIL_WORDS = 100;
/** Weight of the content words against the instruction's n-grams (each group is L2-normalised first). */
const CONTENT_SCALE = 0.5;
/** Character n-gram length, taken within words padded with `_`. */
const CHAR_GRAM = 4;

/** A sparse feature vector; `indices[i]` is the bucket of `names[i]`, with value `values[i]`. */
export interface RouterFeatures {
	names: string[];
	indices: number[];
	values: number[];
	parts: PromptParts;
	/** The task the instruction asks for (the heuristic's task detection, on the instruction). */
	task: TaskType;
	tokens: number;
	/** The structural measurements, by the heuristic analyser's names (rules read some of them). */
	counts: ComplexityFeature[];
}

/** The rule's task families, then the heuristic's cue groups, matched in one pass over the instruction. */
const INSTRUCTION_CUES = cueIndex([
	...TASK_FAMILIES,
	{ name: 'analysis', cues: ANALYSIS_CUES },
	{ name: 'reasoning', cues: REASONING_CUES },
	{ name: 'generative', cues: GENERATIVE_CUES },
	{ name: 'structure', cues: OUTPUT_STRUCTURE_CUES },
	{ name: 'short_answer', cues: SHORT_ANSWER_CUES },
]);
const FAMILIES = TASK_FAMILIES.length;

const WORD = /[\p{L}\p{N}]+/gu;

/** Lowercased words with digits folded to 0, so "T-501" and "T-777" are the same word. */
export function words(text: string): string[] {
	return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/\d/g, '0'));
}

/** FNV-1a over UTF-16 code units, reduced to a bucket. */
export function bucketOf(name: string): number {
	let hash = 0x811c9dc5;
	for (let i = 0; i < name.length; i++) {
		hash ^= name.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	return (hash >>> 0) & (BUCKETS - 1);
}

/** Computes the router's features for one prompt. */
export function routerFeatures(text: string): RouterFeatures {
	const parts = splitPrompt(text);
	const sample = boundedSample(text);
	const lower = parts.instruction.toLowerCase();
	const hits = countGroups(lower, INSTRUCTION_CUES);
	const m = {
		code_blocks: countCodeBlocks(sample),
		stack_trace_lines: countStackFrames(sample),
		log_lines: countLogLines(sample),
		list_items: countListItems(sample),
		structured_data: structuredDataLevel(sample),
		figures: countFigures(sample),
		math: countMath(sample),
	};
	const task = detectTask(lower, {
		codeBlocks: m.code_blocks,
		stackFrames: m.stack_trace_lines,
		logLines: m.log_lines,
		analysisCues: hits[FAMILIES],
		reasoningCues: hits[FAMILIES + 1],
	});
	const counts = Object.entries(m).map(([name, value]) => ({ name, value, contribution: 0 }));
	const out: RouterFeatures = { names: [], indices: [], values: [], parts, task, tokens: estimateTokens(text), counts };

	addGroup(out, instructionGrams(words(parts.instruction)), 1);
	addGroup(out, contentWords(parts.content), CONTENT_SCALE);
	addDense(out, cueFeatures(hits));
	addDense(out, structuralFeatures(m, task, parts));
	return out;
}

function instructionGrams(ws: string[]): Set<string> {
	const grams = new Set<string>();
	for (let i = 0; i < ws.length; i++) {
		grams.add(`w:${ws[i]}`);
		if (i > 0) grams.add(`b:${ws[i - 1]} ${ws[i]}`);
		const padded = `_${ws[i]}_`;
		if (padded.length <= CHAR_GRAM) grams.add(`g:${padded}`);
		else for (let j = 0; j + CHAR_GRAM <= padded.length; j++) grams.add(`g:${padded.slice(j, j + CHAR_GRAM)}`);
	}
	return grams;
}

function contentWords(content: string): Set<string> {
	const ws = words(content);
	const kept = ws.length <= MAX_CONTENT_WORDS ? ws : [...ws.slice(0, MAX_CONTENT_WORDS - CONTENT_TAIL_WORDS), ...ws.slice(-CONTENT_TAIL_WORDS)];
	return new Set(kept.map((w) => `c:${w}`));
}

/** Binary features, L2-normalised as a group and scaled. */
function addGroup(out: RouterFeatures, names: Set<string>, scale: number): void {
	if (names.size === 0) return;
	const value = scale / Math.sqrt(names.size);
	for (const name of names) {
		out.names.push(name);
		out.indices.push(bucketOf(name));
		out.values.push(value);
	}
}

function addDense(out: RouterFeatures, features: Array<[string, number]>): void {
	for (const [name, value] of features) {
		if (value === 0) continue;
		out.names.push(name);
		out.indices.push(bucketOf(name));
		out.values.push(value);
	}
}

const capped = (count: number, cap: number) => Math.min(count, cap) / cap;

function cueFeatures(hits: number[]): Array<[string, number]> {
	const byTier = (tier: string) => TASK_FAMILIES.reduce((sum, family, i) => sum + (family.tier === tier ? hits[i] : 0), 0);
	return [
		...TASK_FAMILIES.map((family, i): [string, number] => [`t:${family.name}`, capped(hits[i], 2)]),
		['t:low_tasks', capped(byTier('low'), 3)],
		['t:medium_tasks', capped(byTier('medium'), 3)],
		['t:high_tasks', capped(byTier('high'), 3)],
		...INSTRUCTION_CUES.groups.slice(FAMILIES).map((name, i): [string, number] => [`q:${name}`, capped(hits[FAMILIES + i], name === 'short_answer' ? 2 : 3)]),
	];
}

/**
 * What the content is (code, a stack trace, logs, data, figures) and how the request is shaped.
 * Length is deliberately absent: by the labelling rule it decides nothing (a 1,300-word newsletter
 * reduced to one line is low, a 13-word proof request is high).
 */
function structuralFeatures(m: Record<string, number>, task: TaskType, parts: PromptParts): Array<[string, number]> {
	return [
		['s:no_content', parts.content.length === 0 ? 1 : 0],
		['s:code', capped(m.code_blocks, 3)],
		['s:stack', m.stack_trace_lines >= 2 ? 1 : 0],
		['s:log', capped(m.log_lines, 20)],
		['s:data', m.structured_data / 2],
		['s:questions', capped(countQuestions(parts.instruction), 4)],
		['s:list_items', capped(m.list_items, 20)],
		['s:figures', capped(m.figures, 20)],
		['s:math', capped(m.math, 10)],
		[`s:task_${task}`, 1],
	];
}
