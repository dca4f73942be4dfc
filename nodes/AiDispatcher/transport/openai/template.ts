/**
 * The common chunk of an OpenAI stream, checked without parsing it whole. Servers send the same
 * chunk again and again with only `choices[0].delta.content` changed (`id`, `created`, `model`…
 * are the same), and `JSON.parse` of the whole chunk is most of the transport's work. Once a plain
 * content chunk has been parsed and checked in full, its text before and after the content's string
 * literal is kept; a later line with exactly that text before and after, and a single valid JSON
 * string literal between, is the same JSON object with another content — so parsing that literal
 * alone checks the whole line as strictly as parsing it all. String values after the content (e.g.
 * a random `obfuscation` field) may change too: each is checked in place as a valid JSON string,
 * and none of them is a field the reader uses (in the learned chunk those are absent, null or the
 * content). Any other line (another shape, a key or a non-string value changed, a literal that is
 * not one valid string) is parsed whole as before, so garbage still fails with kind `garbage`.
 */
import { parseJson } from '../../engine/result';

/** A server whose chunks differ in more than the content (e.g. a random per-chunk field) is parsed whole, without comparing, after this many template attempts. */
export const MAX_TEMPLATE_BUILDS = 3;

const CONTENT_KEY = '"content":';
const QUOTE = 34;
const BACKSLASH = 92;
const PROBE = '\u0001probe';

export class ChunkTemplate {
	private prefix = '';
	private suffix = '';
	private builds = 0;

	/** The text after the content split into fixed text and (null) value strings of fields the reader ignores, e.g. a random `obfuscation`. */
	private segments: Array<string | null> = [];
	private flexible = false;

	/** The content of `line` when it is the known chunk with another content string; undefined when it must be parsed whole. */
	content(line: string): string | undefined {
		const { prefix, suffix } = this;
		// slice and === rather than startsWith/endsWith: measured steadier on V8 for these sliced lines.
		if (prefix === '' || line.slice(0, prefix.length) !== prefix) return undefined;
		const end = line.length - suffix.length;
		if (end >= prefix.length + 2 && line.slice(end) === suffix)
			return contentOf(line.slice(prefix.length, end));
		if (!this.flexible) return undefined;
		// Another value in a string field after the content (not content, reasoning, tool calls, finish reason, usage or error: those are not strings in the learned chunk).
		const contentEnd = stringLiteralEnd(line, prefix.length);
		if (contentEnd < 0 || !this.suffixFits(line, contentEnd)) return undefined;
		return contentOf(line.slice(prefix.length, contentEnd));
	}

	private suffixFits(line: string, from: number): boolean {
		let pos = from;
		for (const segment of this.segments) {
			if (segment === null) {
				pos = validStringEnd(line, pos);
				if (pos < 0) return false;
			} else {
				if (line.slice(pos, pos + segment.length) !== segment) return false;
				pos += segment.length;
			}
		}
		return pos === line.length;
	}

	/**
	 * Learns the shape of `line`, a `data: {…}` line whose full parse gave `chunk` and was checked:
	 * only a plain content chunk (one choice, a string `content`, no tool calls, reasoning, finish
	 * reason, usage or error), and only when a probe value put in the content's place is read back
	 * from `choices[0].delta.content`.
	 */
	learn(line: string, chunk: unknown): void {
		if (!isPlainContentChunk(chunk)) return;
		if (this.builds >= MAX_TEMPLATE_BUILDS) {
			// A plain chunk the template did not fit, after as many templates as allowed: stop comparing.
			this.prefix = '';
			return;
		}
		const key = line.indexOf(CONTENT_KEY);
		if (key < 0 || line.indexOf(CONTENT_KEY, key + 1) >= 0) return;
		const start = key + CONTENT_KEY.length;
		const end = stringLiteralEnd(line, start);
		if (end < 0) return;
		this.builds++;
		const prefix = line.slice(0, start);
		const suffix = line.slice(end);
		const probe = prefix.startsWith('data: ')
			? parseJson(`${prefix.slice(6)}${JSON.stringify(PROBE)}${suffix}`)
			: { ok: false as const };
		if (
			!probe.ok ||
			!isPlainContentChunk(probe.value) ||
			(probe.value as PlainChunk).choices[0].delta.content !== PROBE
		)
			return;
		this.prefix = prefix;
		this.suffix = suffix;
		this.segments = splitValueStrings(suffix);
		this.flexible = this.segments.includes(null);
	}
}

interface PlainChunk {
	choices: [{ delta: { content: string } }];
}

const absent = (value: unknown) => value === undefined || value === null;

function isPlainContentChunk(chunk: unknown): chunk is PlainChunk {
	if (!chunk || typeof chunk !== 'object') return false;
	const c = chunk as { choices?: unknown; usage?: unknown; error?: unknown };
	if (!absent(c.usage) || !absent(c.error) || !Array.isArray(c.choices) || c.choices.length !== 1)
		return false;
	const choice = c.choices[0] as { delta?: unknown; finish_reason?: unknown } | null;
	if (!choice || typeof choice !== 'object' || !absent(choice.finish_reason)) return false;
	const delta = choice.delta as Record<string, unknown> | null | undefined;
	if (
		!delta ||
		typeof delta !== 'object' ||
		Array.isArray(delta) ||
		typeof delta.content !== 'string'
	)
		return false;
	return absent(delta.tool_calls) && absent(delta.reasoning_content) && absent(delta.reasoning);
}

function contentOf(literal: string): string | undefined {
	if (literal.charCodeAt(0) !== QUOTE) return undefined;
	const parsed = parseJson(literal);
	return parsed.ok && typeof parsed.value === 'string' ? parsed.value : undefined;
}

/** `text` (valid JSON text after a value) as fixed parts and null for each string that is a member's value (after a colon); keys stay fixed. */
function splitValueStrings(text: string): Array<string | null> {
	const segments: Array<string | null> = [];
	let fixedFrom = 0;
	let lastSignificant = '';
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code !== QUOTE) {
			if (code > 32) lastSignificant = text[i];
			continue;
		}
		const end = stringLiteralEnd(text, i);
		if (end < 0) return [text];
		if (lastSignificant === ':') {
			segments.push(text.slice(fixedFrom, i), null);
			fixedFrom = end;
		}
		lastSignificant = '"';
		i = end - 1;
	}
	segments.push(text.slice(fixedFrom));
	return segments;
}

/** The index just after the valid JSON string literal at `start` (escapes and control characters checked), or -1. */
function validStringEnd(text: string, start: number): number {
	if (text.charCodeAt(start) !== QUOTE) return -1;
	for (let i = start + 1; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === QUOTE) return i + 1;
		if (code < 32) return -1;
		if (code !== BACKSLASH) continue;
		const next = text[++i];
		if (next === 'u') {
			if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) return -1;
			i += 4;
		} else if (next === undefined || !'"\\/bfnrt'.includes(next)) return -1;
	}
	return -1;
}

/** The index just after the JSON string literal that starts at `start`, or -1 when none starts there. */
function stringLiteralEnd(text: string, start: number): number {
	if (text.charCodeAt(start) !== QUOTE) return -1;
	for (let i = start + 1; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (code === BACKSLASH) i++;
		else if (code === QUOTE) return i + 1;
	}
	return -1;
}
