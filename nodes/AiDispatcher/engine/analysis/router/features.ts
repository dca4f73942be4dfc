/**
 * The router's features: hashed word and character n-grams of the instruction, hashed words of the
 * content (kept apart, so "use the big model" inside an email is a content word, not a request),
 * the task families of the labelling rule found in the instruction, and the structural counts of the
 * heuristic analyser (not its length-driven score). Pure; cost is bounded by the analysed sample and `MAX_CONTENT_WORDS`.
 */
import { analyseComplexity } from '../complexity';
import { ANALYSIS_CUES, GENERATIVE_CUES, OUTPUT_STRUCTURE_CUES, REASONING_CUES, SHORT_ANSWER_CUES } from '../cues';
import { countCues } from '../features';
import type { ComplexityResult } from '../../types';
import { TASK_FAMILIES } from './cues';
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
	/** The heuristic analyser's view of the same text (task, tokens, counts). */
	heuristic: ComplexityResult;
}

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
	const heuristic = analyseComplexity(text);
	const out: RouterFeatures = { names: [], indices: [], values: [], parts, heuristic };

	const instructionWords = words(parts.instruction);
	addGroup(out, instructionGrams(instructionWords), 1);
	addGroup(out, contentWords(parts.content), CONTENT_SCALE);
	addDense(out, cueFeatures(parts.instruction.toLowerCase()));
	addDense(out, structuralFeatures(heuristic, parts));
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

function cueFeatures(instruction: string): Array<[string, number]> {
	const hits = TASK_FAMILIES.map((family) => countCues(instruction, family.cues));
	const byTier = (tier: string) => hits.reduce((sum, h, i) => sum + (TASK_FAMILIES[i].tier === tier ? h : 0), 0);
	return [
		...TASK_FAMILIES.map((family, i): [string, number] => [`t:${family.name}`, capped(hits[i], 2)]),
		['t:low_tasks', capped(byTier('low'), 3)],
		['t:medium_tasks', capped(byTier('medium'), 3)],
		['t:high_tasks', capped(byTier('high'), 3)],
		['q:analysis', capped(countCues(instruction, ANALYSIS_CUES), 3)],
		['q:reasoning', capped(countCues(instruction, REASONING_CUES), 3)],
		['q:generative', capped(countCues(instruction, GENERATIVE_CUES), 3)],
		['q:structure', capped(countCues(instruction, OUTPUT_STRUCTURE_CUES), 3)],
		['q:short_answer', capped(countCues(instruction, SHORT_ANSWER_CUES), 2)],
	];
}

/**
 * What the content is (code, a stack trace, logs, data, figures) and how the request is shaped.
 * Length is deliberately absent: by the labelling rule it decides nothing (a 1,300-word newsletter
 * reduced to one line is low, a 13-word proof request is high).
 */
function structuralFeatures(h: ComplexityResult, parts: PromptParts): Array<[string, number]> {
	const count = (name: string) => h.features.find((f) => f.name === name)?.value ?? 0;
	return [
		['s:no_content', parts.content.length === 0 ? 1 : 0],
		['s:code', capped(count('code_blocks'), 3)],
		['s:stack', count('stack_trace_lines') >= 2 ? 1 : 0],
		['s:log', capped(count('log_lines'), 20)],
		['s:data', count('structured_data') / 2],
		['s:questions', capped((parts.instruction.match(/[?？]/g) ?? []).length, 4)],
		['s:list_items', capped(count('list_items'), 20)],
		['s:figures', capped(count('figures'), 20)],
		['s:math', capped(count('math'), 10)],
		[`s:task_${h.task}`, 1],
	];
}
