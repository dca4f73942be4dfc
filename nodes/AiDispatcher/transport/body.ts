/** Incremental readers for HTTP bodies that arrive as chunks. */

const decoder = () => new TextDecoder('utf-8');

/** Yields complete lines (without the newline) as chunks arrive; a last unterminated line too. */
export async function* readLines(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
	const utf8 = decoder();
	let pending = '';
	for await (const chunk of body) {
		pending += typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });
		let newline = pending.indexOf('\n');
		while (newline >= 0) {
			const line = pending.slice(0, newline).replace(/\r$/, '');
			pending = pending.slice(newline + 1);
			if (line.trim().length > 0) yield line;
			newline = pending.indexOf('\n');
		}
	}
	pending += utf8.decode();
	if (pending.trim().length > 0) yield pending;
}

/** Collects a whole body as text, up to `maxChars` (the rest is read and dropped). */
export async function readText(body: AsyncIterable<Uint8Array | string>, maxChars = 1_000_000): Promise<string> {
	const utf8 = decoder();
	let text = '';
	for await (const chunk of body) {
		if (text.length >= maxChars) continue;
		text += typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true });
	}
	text += utf8.decode();
	return text.length > maxChars ? text.slice(0, maxChars) : text;
}

/** A short, single-line excerpt for error messages. */
export function excerpt(text: string, maxChars = 120): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > maxChars ? `${flat.slice(0, maxChars)}…` : flat;
}
