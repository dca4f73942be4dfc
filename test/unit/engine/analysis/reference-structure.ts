/**
 * The structural measurements as they were before `measureStructure` (one split, pre-tests on a
 * line's first and last characters, one combined stack-frame pattern): the specification the fast
 * version in `engine/analysis/measure.ts` must equal, count for count. Used only by
 * `structure-equivalence.test.ts`; kept verbatim, do not optimise.
 */

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

const DATA_FENCE = /(?:```|~~~)\s*(?:json|csv|ya?ml|xml|text|txt|log)?\s*\n\s*[[{"<]/gi;

/**
 * Number of fenced code blocks plus runs of code-looking lines (3+ in a row count as one block).
 * Fences holding data (JSON, CSV, YAML, XML, plain logs) are not code: they count as structured data.
 */
export function countCodeBlocks(text: string): number {
	const dataFences = (text.match(DATA_FENCE) ?? []).length;
	const fences = Math.max(0, Math.floor((text.match(FENCE) ?? []).length / 2) - dataFences);
	let runs = 0;
	let run = 0;
	for (const line of boundedLines(text)) {
		if (line.trim().length > 0 && CODE_LINE.test(line)) {
			run++;
			if (run === 3) runs++;
		} else if (line.trim().length > 0) {
			run = 0;
		}
	}
	return Math.max(fences, runs);
}

const STACK_LINE = [
	/^\s+at\s+[\w$.<>[\]/]+\s*\(?.*[:.]\d+\)?\s*$/, // Java, JavaScript, C#
	/^\s*File\s+"[^"]+",\s+line\s+\d+/, // Python
	/^Traceback \(most recent call last\)/,
	/^\s*goroutine\s+\d+\s+\[/, // Go
	/^panic:\s/,
	/^\s*[\w/.-]+\.(?:go|rs|cpp|c|rb|php|kt|swift):\d+/, // file:line frames
	/^\s*#\d+\s+0x[0-9a-f]+/i, // native frames
	/^(?:Caused by|Exception in thread)\b/,
	/^\s*\w+(?:\.\w+)*(?:Exception|Error)(?::|\s*$)/,
];

/** Number of stack-frame-like lines. */
export function countStackFrames(text: string): number {
	let frames = 0;
	for (const line of boundedLines(text)) {
		if (STACK_LINE.some((pattern) => pattern.test(line))) frames++;
	}
	return frames;
}

const LOG_LINE =
	/^\s*\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?.*\b(?:ERROR|WARN(?:ING)?|FATAL|CRITICAL|INFO|DEBUG|E\d{4})\b/i;
const LEVEL_LINE = /^\s*(?:\[?(?:ERROR|FATAL|CRITICAL|WARN(?:ING)?)\]?[:\s])/;

/** Number of log lines (timestamped with a level, or starting with a severity). */
export function countLogLines(text: string): number {
	let lines = 0;
	for (const line of boundedLines(text)) {
		if (LOG_LINE.test(line) || LEVEL_LINE.test(line)) lines++;
	}
	return lines;
}

/** Question marks, counting ¿ and the full-width ？ too. */
export function countQuestions(text: string): number {
	return (text.match(/[?？]/g) ?? []).length;
}

const LIST_ITEM = /^\s*(?:\d+[.)]|[a-z][.)]|[-*•])\s+\S/i;

/** Numbered or bulleted lines: instructions, steps, sub-questions. */
export function countListItems(text: string): number {
	let items = 0;
	for (const line of boundedLines(text)) if (LIST_ITEM.test(line)) items++;
	return items;
}

/** 1 when the prompt carries JSON, CSV, YAML or a table, else 0; 2 for large payloads. */
export function structuredDataLevel(text: string): number {
	const jsonish = (text.match(/[{[]\s*"[^"\n]{1,60}"\s*:/g) ?? []).length;
	const lines = boundedLines(text);
	const csvLines = lines.filter((line) => (line.match(/[,;\t|]/g) ?? []).length >= 3).length;
	const yamlLines = lines.filter((line) => /^\s{0,8}[\w-]{1,40}:\s+\S/.test(line)).length;
	const evidence = jsonish + (csvLines >= 3 ? csvLines : 0) + (yamlLines >= 5 ? yamlLines / 2 : 0);
	if (evidence >= 20) return 2;
	return evidence >= 3 ? 1 : 0;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Counts how many of `cues` occur in `lower` (a lowercased text) at the start of a word, each cue at
 * most once.
 */
export function countCues(lower: string, cues: readonly string[]): number {
	let hits = 0;
	for (const cue of cues) if (hasCue(lower, cue)) hits++;
	return hits;
}

function hasCue(lower: string, cue: string): boolean {
	let from = 0;
	for (;;) {
		const at = lower.indexOf(cue, from);
		if (at < 0) return false;
		if (at === 0 || !WORD_CHAR.test(lower[at - 1])) return true;
		from = at + 1;
	}
}

const MATH =
	/[²³√∑∫≤≥≠±]|\bO\([^)]{1,12}\)|\b\d+\s*[*/^×÷]\s*\d+|\b[a-z]\s*[=<>]\s*\d|\bn\s*[+\-*^]\s*\d/gi;

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
