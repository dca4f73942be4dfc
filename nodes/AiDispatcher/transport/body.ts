/**
 * Incremental readers for HTTP bodies that arrive as chunks. Each one reads in linear time and holds
 * at most its cap in memory: a reader that stops early returns from the body's iterator, which
 * cancels the rest of the body (see `guardBody` in deadline.ts).
 */
import { TransportError } from '../engine/errors';

const decoder = () => new TextDecoder('utf-8');

/** The longest NDJSON line accepted, in characters (Ollama's last line carries the token `context`). */
export const MAX_LINE_CHARS = 4 * 1024 * 1024;

/** How much of an HTTP error's body is read for its message, in characters; the rest is not read. */
export const MAX_ERROR_BODY_CHARS = 64_000;

const decodeWith = (utf8: ReturnType<typeof decoder>) => (chunk: Uint8Array | string) =>
	typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });

/** "4 MiB" for error messages. */
export function sizeLabel(chars: number): string {
	return chars >= 1024 * 1024
		? `${Math.round((chars / (1024 * 1024)) * 10) / 10} MiB`
		: `${Math.round(chars / 1024)} KiB`;
}

/**
 * Yields complete lines (without the newline; blank lines skipped) as chunks arrive; a last
 * unterminated line too. Each chunk is scanned once; a line longer than `maxLineChars` fails with
 * kind `too_large` before it is buffered whole.
 */
export async function* readLines(
	body: AsyncIterable<Uint8Array | string>,
	maxLineChars = MAX_LINE_CHARS,
): AsyncGenerator<string> {
	const utf8 = decoder();
	const decode = decodeWith(utf8);
	let parts: string[] = [];
	let partsChars = 0;
	const tooLong = () =>
		new TransportError(
			'too_large',
			`reply line longer than ${sizeLabel(maxLineChars)} without a newline (reply too large)`,
		);
	const complete = (tail: string): string | null => {
		if (partsChars + tail.length > maxLineChars) throw tooLong();
		const whole = parts.length === 0 ? tail : parts.join('') + tail;
		parts = [];
		partsChars = 0;
		const line = whole.endsWith('\r') ? whole.slice(0, -1) : whole;
		return line.trim().length > 0 ? line : null;
	};
	for await (const chunk of body) {
		const text = decode(chunk);
		let start = 0;
		for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
			const line = complete(text.slice(start, newline));
			start = newline + 1;
			if (line !== null) yield line;
		}
		if (start < text.length) {
			partsChars += text.length - start;
			if (partsChars > maxLineChars) throw tooLong();
			parts.push(start === 0 ? text : text.slice(start));
		}
	}
	const last = complete(utf8.decode()); // the decoder's held-back bytes, after what is pending
	if (last !== null) yield last;
}

/**
 * The first `maxChars` characters of a body (all of it when shorter). Stops reading at the cap and
 * cancels the rest: an endless error body costs no more than the cap.
 */
export async function readText(
	body: AsyncIterable<Uint8Array | string>,
	maxChars = 1_000_000,
): Promise<string> {
	const { text } = await readUpTo(body, maxChars);
	return text;
}

/**
 * A whole body, which must fit in `maxChars` characters; a longer one fails with kind `too_large`
 * naming `what` (e.g. the URL), after reading no more than the cap.
 */
export async function readAll(
	body: AsyncIterable<Uint8Array | string>,
	maxChars: number,
	what: string,
): Promise<string> {
	const { text, complete } = await readUpTo(body, maxChars);
	if (!complete)
		throw new TransportError(
			'too_large',
			`${what} sent more than ${sizeLabel(maxChars)} (reply too large)`,
		);
	return text;
}

async function readUpTo(
	body: AsyncIterable<Uint8Array | string>,
	maxChars: number,
): Promise<{ text: string; complete: boolean }> {
	const utf8 = decoder();
	const decode = decodeWith(utf8);
	const parts: string[] = [];
	let chars = 0;
	for await (const chunk of body) {
		const text = decode(chunk);
		if (chars + text.length > maxChars) {
			parts.push(text.slice(0, maxChars - chars));
			return { text: parts.join(''), complete: false }; // leaving the loop cancels the body
		}
		parts.push(text);
		chars += text.length;
	}
	parts.push(utf8.decode());
	return { text: parts.join(''), complete: true };
}

/** A short, single-line excerpt for error messages (looks at the start of `text` only). */
export function excerpt(text: string, maxChars = 120): string {
	const head = text.length > maxChars * 4 ? text.slice(0, maxChars * 4) : text;
	const flat = head.replace(/\s+/g, ' ').trim();
	return flat.length > maxChars || head !== text ? `${flat.slice(0, maxChars)}…` : flat;
}
