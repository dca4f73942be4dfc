/**
 * The router's features: hashed word and character n-grams of the instruction, hashed words of the
 * content (kept apart, so "use the big model" inside an email is a content word, not a request),
 * the task families of the labelling rule found in the instruction, and the structural counts of the
 * heuristic analyser (not its length-driven score). Pure; cost is bounded by the analysed sample and
 * `MAX_CONTENT_WORDS`. The n-grams are hashed from the text's code units (`grams.ts`); names are
 * only built for the features a decision explains (`featureName`).
 */
import { detectTask } from '../heuristic';
import {
	ANALYSIS_CUES,
	GENERATIVE_CUES,
	OUTPUT_STRUCTURE_CUES,
	REASONING_CUES,
	SHORT_ANSWER_CUES,
} from '../heuristicCues';
import { boundedSample, countQuestions, estimateTokens, measureStructure } from '../measure';
import { TASK_TYPES, type ComplexityFeature, type TaskType } from '../../types';
import { countGroups, cueIndex, TASK_FAMILIES } from './taskFamilies';
import { contentGrams, fnv1a, gramName, hashOf, instructionGrams, type Grams } from './grams';
import { splitPrompt, type PromptParts } from './instruction';

/** log2 of the number of hash buckets the sparse features fall into. */
export const HASH_BITS = 16;
export const BUCKETS = 1 << HASH_BITS;

/** Content words looked at: the first 300 and the last 100. */
const MAX_CONTENT_WORDS = 400;
const CONTENT_TAIL_WORDS = 100;
/** Weight of the content words against the instruction's n-grams (each group is L2-normalised first). */
const CONTENT_SCALE = 0.5;

/** A sparse feature vector: feature `i` falls into bucket `indices[i]` with value `values[i]`. */
export interface RouterFeatures {
	indices: Int32Array;
	values: Float64Array;
	/** Where the names come from: the two gram groups, then the dense features' names. */
	sources: { instruction: Grams; content: Grams; dense: ReadonlyArray<{ name: string }> };
	parts: PromptParts;
	/** The task the instruction asks for (the heuristic's task detection, on the instruction). */
	task: TaskType;
	tokens: number;
	/** The structural measurements, by the heuristic analyser's names (rules read some of them). */
	counts: ComplexityFeature[];
}

/** FNV-1a of a feature's name, reduced to a bucket. */
export function bucketOf(name: string): number {
	return fnv1a(name) & (BUCKETS - 1);
}

/** Feature `i`'s name: "w:spam" (instruction word), "b:root cause", "g:_roo", "c:iphone", "t:legal", "s:code"… */
export function featureName(f: Pick<RouterFeatures, 'sources'>, i: number): string {
	const { instruction, content, dense } = f.sources;
	if (i < instruction.count) return gramName(instruction, i);
	if (i < instruction.count + content.count) return gramName(content, i - instruction.count);
	return dense[i - instruction.count - content.count].name;
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

/** Computes the router's features for one prompt. */
export function routerFeatures(text: string): RouterFeatures {
	const parts = splitPrompt(text);
	const sample = boundedSample(text);
	const lower = parts.instruction.toLowerCase();
	const hits = countGroups(lower, INSTRUCTION_CUES);
	const s = measureStructure(sample);
	const m = {
		code_blocks: s.codeBlocks,
		stack_trace_lines: s.stackFrames,
		log_lines: s.logLines,
		list_items: s.listItems,
		structured_data: s.structuredData,
		figures: s.figures,
		math: s.math,
	};
	const task = detectTask(lower, {
		codeBlocks: m.code_blocks,
		stackFrames: m.stack_trace_lines,
		logLines: m.log_lines,
		analysisCues: hits[FAMILIES],
		reasoningCues: hits[FAMILIES + 1],
	});
	const counts = Object.entries(m).map(([name, value]) => ({ name, value, contribution: 0 }));
	const instruction = instructionGrams(lower);
	const content = contentGrams(parts.content.toLowerCase(), MAX_CONTENT_WORDS, CONTENT_TAIL_WORDS);
	// The dense features in a fixed order (cues, structure, the task); only the non-zero ones are kept.
	const denseValues = [...cueValues(hits), ...structuralValues(m, parts), 1];
	const dense: Dense[] = [];
	for (let i = 0; i < denseValues.length; i++) {
		if (denseValues[i] !== 0)
			dense.push(
				i < DENSE_FEATURES.length
					? DENSE_FEATURES[i]
					: (TASK_FEATURES.get(task) ?? denseFeature(`s:task_${task}`)),
			);
	}

	const size = instruction.count + content.count + dense.length;
	const indices = new Int32Array(size);
	const values = new Float64Array(size);
	let at = addGroup(indices, values, 0, instruction, 1);
	at = addGroup(indices, values, at, content, CONTENT_SCALE);
	for (let i = 0; i < denseValues.length; i++) {
		if (denseValues[i] === 0) continue;
		indices[at] = dense[at - instruction.count - content.count].bucket;
		values[at++] = denseValues[i];
	}
	return {
		indices,
		values,
		sources: { instruction, content, dense },
		parts,
		task,
		tokens: estimateTokens(text),
		counts,
	};
}

/** A group's grams as binary features, L2-normalised as a group and scaled; returns the next free position. */
function addGroup(
	indices: Int32Array,
	values: Float64Array,
	at: number,
	grams: Grams,
	scale: number,
): number {
	if (grams.count === 0) return at;
	const value = scale / Math.sqrt(grams.count);
	for (let i = 0; i < grams.count; i++) {
		indices[at] = hashOf(grams, i) & (BUCKETS - 1);
		values[at++] = value;
	}
	return at;
}

const capped = (count: number, cap: number) => Math.min(count, cap) / cap;

/** A dense feature's name and its bucket, hashed once. */
interface Dense {
	name: string;
	bucket: number;
}
const denseFeature = (name: string): Dense => ({ name, bucket: bucketOf(name) });

/** The task families found in the instruction, their totals by tier, and the heuristic's cue groups. */
const CUE_FEATURES: readonly Dense[] = [
	...TASK_FAMILIES.map((family) => denseFeature(`t:${family.name}`)),
	...['t:low_tasks', 't:medium_tasks', 't:high_tasks'].map(denseFeature),
	...INSTRUCTION_CUES.groups.slice(FAMILIES).map((name) => denseFeature(`q:${name}`)),
];

function cueValues(hits: number[]): number[] {
	const byTier = (tier: string) =>
		TASK_FAMILIES.reduce((sum, family, i) => sum + (family.tier === tier ? hits[i] : 0), 0);
	return [
		...TASK_FAMILIES.map((_, i) => capped(hits[i], 2)),
		capped(byTier('low'), 3),
		capped(byTier('medium'), 3),
		capped(byTier('high'), 3),
		...INSTRUCTION_CUES.groups
			.slice(FAMILIES)
			.map((name, i) => capped(hits[FAMILIES + i], name === 'short_answer' ? 2 : 3)),
	];
}

/**
 * What the content is (code, a stack trace, logs, data, figures) and how the request is shaped.
 * Length is deliberately absent: by the labelling rule it decides nothing (a 1,300-word newsletter
 * reduced to one line is low, a 13-word proof request is high).
 */
const STRUCTURAL_FEATURES: readonly Dense[] = [
	's:no_content',
	's:code',
	's:stack',
	's:log',
	's:data',
	's:questions',
	's:list_items',
	's:figures',
	's:math',
].map(denseFeature);

function structuralValues(m: Record<string, number>, parts: PromptParts): number[] {
	return [
		parts.content.length === 0 ? 1 : 0,
		capped(m.code_blocks, 3),
		m.stack_trace_lines >= 2 ? 1 : 0,
		capped(m.log_lines, 20),
		m.structured_data / 2,
		capped(countQuestions(parts.instruction), 4),
		capped(m.list_items, 20),
		capped(m.figures, 20),
		capped(m.math, 10),
	];
}

/** The task the heuristic detects on the instruction, one feature each (value 1). */
const TASK_FEATURES: ReadonlyMap<TaskType, Dense> = new Map(
	TASK_TYPES.map((task) => [task, denseFeature(`s:task_${task}`)]),
);

/** The cue and structural features, in the order of `cueValues` then `structuralValues`. */
const DENSE_FEATURES: readonly Dense[] = [...CUE_FEATURES, ...STRUCTURAL_FEATURES];
