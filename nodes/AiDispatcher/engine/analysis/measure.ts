/**
 * Cheap, language-independent measurements of a prompt. Each returns a count; scoring lives in
 * `heuristic.ts`. All patterns are linear-time on bounded input (see `MAX_ANALYSED_CHARS`).
 * `measureStructure` takes all counts over one split of the text into lines. Speed-ups keep every
 * count equal to the plain pattern's (`test/unit/engine/analysis/structure-equivalence.test.ts`).
 */
import { isLetterOrDigitUnit, isSpaceUnit } from './chars';

/** Longer prompts are analysed on their first and last parts only, so cost stays flat. */
export const MAX_ANALYSED_CHARS = 20_000;

/** Token estimate: ~4 characters per token for Latin scripts, 1 per CJK character. */
export function estimateTokens(text: string): number {
	if (text.length === 0) return 0;
	let cjk = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code >= 0x3000 && code <= 0x9fff) cjk++;
	}
	return Math.ceil((text.length - cjk) / 4) + cjk;
}

/** Lines longer than this are cut before pattern tests, so no regex sees unbounded input. */
const MAX_LINE_CHARS = 400;

/** The text's lines, each cut to `MAX_LINE_CHARS`. */
export function boundedLines(text: string): string[] {
	return text
		.split('\n')
		.map((line) => (line.length > MAX_LINE_CHARS ? line.slice(0, MAX_LINE_CHARS) : line));
}

/** The part of `text` the analysers look at: head and tail when it is very long. */
export function boundedSample(text: string): string {
	if (text.length <= MAX_ANALYSED_CHARS) return text;
	const half = MAX_ANALYSED_CHARS / 2;
	return `${text.slice(0, half)}\n${text.slice(text.length - half)}`;
}

const FENCE = /```|~~~/g;
const CODE_LINE =
	/^\s*(?:(?:def|class|function|func|fn|public|private|protected|static|import|from|package|return|const|let|var|if|for|while|switch|try|catch|SELECT|INSERT|UPDATE|CREATE|#include)\b.*|.*(?:;|\{|\}|=>|\)\s*:|:=)\s*)$/;
/** A code line's first non-space character starts a keyword, or its last ends a statement: other lines skip the pattern. */
const CODE_LINE_FIRST = charSet('dcfpsirlvwtSIUC#');
const CODE_LINE_LAST = charSet(';{}>:=');

const DATA_FENCE = /(?:```|~~~)\s*(?:json|csv|ya?ml|xml|text|txt|log)?\s*\n\s*[[{"<]/gi;

/** The structural measurements the analysers share, taken over one split of the text into lines. */
export interface StructureCounts {
	codeBlocks: number;
	stackFrames: number;
	logLines: number;
	listItems: number;
	structuredData: number;
	figures: number;
	math: number;
}

/** All structural counts of `text` (the same values as the single-purpose functions below). */
export function measureStructure(text: string): StructureCounts {
	const lines = boundedLines(text);
	return {
		codeBlocks: codeBlocksIn(text, lines),
		stackFrames: stackFramesIn(lines),
		logLines: logLinesIn(lines),
		listItems: listItemsIn(lines),
		structuredData: structuredDataIn(text, lines),
		figures: countFigures(text),
		math: countMath(text),
	};
}

/**
 * Number of fenced code blocks plus runs of code-looking lines (3+ in a row count as one block).
 * Fences holding data (JSON, CSV, YAML, XML, plain logs) are not code: they count as structured data.
 */
export function countCodeBlocks(text: string): number {
	return codeBlocksIn(text, boundedLines(text));
}

function codeBlocksIn(text: string, lines: readonly string[]): number {
	const fenced = text.includes('```') || text.includes('~~~');
	const dataFences = fenced ? (text.match(DATA_FENCE) ?? []).length : 0;
	const fences = fenced
		? Math.max(0, Math.floor((text.match(FENCE) ?? []).length / 2) - dataFences)
		: 0;
	let runs = 0;
	let run = 0;
	for (const line of lines) {
		const first = firstNonSpace(line);
		if (first === line.length) continue; // blank lines neither extend nor break a run
		const last = lastNonSpace(line);
		const mayBeCode =
			inSet(CODE_LINE_FIRST, line.charCodeAt(first)) ||
			inSet(CODE_LINE_LAST, line.charCodeAt(last));
		if (mayBeCode && CODE_LINE.test(line)) {
			run++;
			if (run === 3) runs++;
		} else {
			run = 0;
		}
	}
	return Math.max(fences, runs);
}

/** Stack-frame-like lines, one alternative per runtime (all anchored at the line's start). */
const STACK_LINE = new RegExp(
	[
		/^\s+at\s+[\w$.<>[\]/]+\s*\(?.*[:.]\d+\)?\s*$/, // Java, JavaScript, C#
		/^\s*File\s+"[^"]+",\s+line\s+\d+/, // Python
		/^Traceback \(most recent call last\)/,
		/^\s*goroutine\s+\d+\s+\[/, // Go
		/^panic:\s/,
		/^\s*[\w/.-]+\.(?:go|rs|cpp|c|rb|php|kt|swift):\d+/, // file:line frames
		/^\s*#\d+\s+0[xX][0-9a-fA-F]+/, // native frames
		/^(?:Caused by|Exception in thread)\b/,
		/^\s*\w+(?:\.\w+)*(?:Exception|Error)(?::|\s*$)/,
	]
		.map((pattern) => `(?:${pattern.source})`)
		.join('|'),
);

/** Number of stack-frame-like lines. */
export function countStackFrames(text: string): number {
	return stackFramesIn(boundedLines(text));
}

/** Number of `lines` that `isCounted` accepts. */
function linesWhere(lines: readonly string[], isCounted: (line: string) => boolean): number {
	let count = 0;
	for (const line of lines) if (isCounted(line)) count++;
	return count;
}

function stackFramesIn(lines: readonly string[]): number {
	return linesWhere(lines, (line) => STACK_LINE.test(line));
}

const LOG_LINE =
	/^\s*\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?.*\b(?:ERROR|WARN(?:ING)?|FATAL|CRITICAL|INFO|DEBUG|E\d{4})\b/i;
const LEVEL_LINE = /^\s*(?:\[?(?:ERROR|FATAL|CRITICAL|WARN(?:ING)?)\]?[:\s])/;

/** Number of log lines (timestamped with a level, or starting with a severity). */
export function countLogLines(text: string): number {
	return logLinesIn(boundedLines(text));
}

function logLinesIn(lines: readonly string[]): number {
	return linesWhere(lines, (line) => LOG_LINE.test(line) || LEVEL_LINE.test(line));
}

/** Question marks, counting ¿ and the full-width ？ too. */
export function countQuestions(text: string): number {
	return (text.match(/[?？]/g) ?? []).length;
}

const LIST_ITEM = /^\s*(?:\d+[.)]|[a-z][.)]|[-*•])\s+\S/i;

/** Numbered or bulleted lines: instructions, steps, sub-questions. */
export function countListItems(text: string): number {
	return listItemsIn(boundedLines(text));
}

function listItemsIn(lines: readonly string[]): number {
	return linesWhere(lines, (line) => LIST_ITEM.test(line));
}

const JSONISH = /[{[]\s*"[^"\n]{1,60}"\s*:/g;
const YAML_LINE = /^\s{0,8}[\w-]{1,40}:\s+\S/;
const CSV_SEPARATOR = /[,;\t|]/g;

/** 1 when the prompt carries JSON, CSV, YAML or a table, else 0; 2 for large payloads. */
export function structuredDataLevel(text: string): number {
	return structuredDataIn(text, boundedLines(text));
}

function structuredDataIn(text: string, lines: readonly string[]): number {
	const jsonish = text.includes('"') ? (text.match(JSONISH) ?? []).length : 0;
	let csvLines = 0;
	let yamlLines = 0;
	for (const line of lines) {
		if ((line.match(CSV_SEPARATOR) ?? []).length >= 3) csvLines++;
		if (line.includes(':') && YAML_LINE.test(line)) yamlLines++;
	}
	const evidence = jsonish + (csvLines >= 3 ? csvLines : 0) + (yamlLines >= 5 ? yamlLines / 2 : 0);
	if (evidence >= 20) return 2;
	return evidence >= 3 ? 1 : 0;
}

const UNDERSCORE = 0x5f;

/**
 * Counts how many of `cues` occur in `lower` (a lowercased text) at the start of a word, each cue at
 * most once.
 */
export function countCues(lower: string, cues: readonly string[]): number {
	let hits = 0;
	for (const cue of cues) if (hasCue(lower, cue)) hits++;
	return hits;
}

/** True when `cue` occurs in `lower` not preceded by a letter, digit or underscore (`[\p{L}\p{N}_]`). */
function hasCue(lower: string, cue: string): boolean {
	let from = 0;
	for (;;) {
		const at = lower.indexOf(cue, from);
		if (at < 0) return false;
		if (
			at === 0 ||
			!(isLetterOrDigitUnit(lower, at - 1) || lower.charCodeAt(at - 1) === UNDERSCORE)
		)
			return true;
		from = at + 1;
	}
}

/** The word-start alternatives share one `\b` (the same matches as `\bO\(…|\b\d+…|…`, tried once). */
const MATH =
	/[²³√∑∫≤≥≠±]|\b(?:O\([^)]{1,12}\)|\d+\s*[*/^×÷]\s*\d+|[a-z]\s*[=<>]\s*\d|n\s*[+\-*^]\s*\d)/gi;

/** Math notation: powers, operators between numbers, big-O, inequalities. */
export function countMath(text: string): number {
	return (text.match(MATH) ?? []).length;
}

/** Counts figures with units or decimals (capacity plans, invoices, metrics to reason about). */
export function countFigures(text: string): number {
	return (
		text.match(
			/\b\d+(?:[.,]\d+)?\s?(?:%|ms|s|gb|gib|mb|tb|k|m|€|\$|usd|eur|rps|qps|req\/s)(?=\W|$)/gi,
		) ?? []
	).length;
}

/** Offset of the first code unit of `line` outside `\s` (`line.length` for a blank line). */
function firstNonSpace(line: string): number {
	let i = 0;
	while (i < line.length && isSpaceUnit(line.charCodeAt(i))) i++;
	return i;
}

/** Offset of the last code unit of `line` outside `\s` (-1 for a blank line). */
function lastNonSpace(line: string): number {
	let i = line.length - 1;
	while (i >= 0 && isSpaceUnit(line.charCodeAt(i))) i--;
	return i;
}

/** The code units of `chars` as a lookup table. */
function charSet(chars: string): Uint8Array {
	const codes = Array.from(chars, (c) => c.charCodeAt(0));
	const table = new Uint8Array(Math.max(...codes) + 1);
	for (const code of codes) table[code] = 1;
	return table;
}

const inSet = (set: Uint8Array, code: number) => code < set.length && set[code] === 1;
