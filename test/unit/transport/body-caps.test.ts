/**
 * Size caps and linear reading (issue 9): a line or reply over its cap fails with kind `too_large`
 * after reading no more than the cap; a capped text read stops and cancels the body.
 */
import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import {
	MAX_LINE_CHARS,
	readAll,
	readLines,
	readText,
} from '../../../nodes/AiDispatcher/transport/body';

/** A body of `count` chunks made by `make(i)` (endless when count is Infinity) that records how much was read and whether it was cancelled. */
function body(make: (i: number) => string | Uint8Array, count = Number.POSITIVE_INFINITY) {
	const seen = { chunks: 0, cancelled: false, ended: false };
	const iterable = (async function* () {
		try {
			for (let i = 0; i < count; i++) {
				seen.chunks++;
				yield make(i);
			}
			seen.ended = true;
		} finally {
			if (!seen.ended) seen.cancelled = true;
		}
	})();
	return { iterable, seen };
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
	const out: string[] = [];
	for await (const x of iterable) out.push(x);
	return out;
}

async function rejection(promise: Promise<unknown>): Promise<TransportError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(TransportError);
	return error as TransportError;
}

describe('readLines: linear splitting with a line cap', () => {
	it('joins a 3 MiB line sent in 64 KiB chunks exactly, with the lines around it', async () => {
		const piece = 'a'.repeat(64 * 1024);
		const parts = [
			'{"x":1}\n{"big":"',
			...Array.from({ length: 48 }, () => piece),
			'"}\n{"y":2}\n',
		];
		const lines = await collect(readLines(body((i) => parts[i], parts.length).iterable));
		expect(lines).toHaveLength(3);
		expect(lines[0]).toBe('{"x":1}');
		expect(lines[1]).toBe(`{"big":"${piece.repeat(48)}"}`);
		expect(lines[2]).toBe('{"y":2}');
	});

	it('yields many lines from one chunk, and lines that end exactly at a chunk boundary', async () => {
		const parts = ['a\nb\nc', '\n', 'd\r\n', '\n\n', 'e'];
		expect(await collect(readLines(body((i) => parts[i], parts.length).iterable))).toEqual([
			'a',
			'b',
			'c',
			'd',
			'e',
		]);
	});

	it('fails an endless line with kind too_large after reading just past the cap, and cancels the body', async () => {
		const chunk = 'z'.repeat(64 * 1024);
		const { iterable, seen } = body(() => chunk);
		const error = await rejection(collect(readLines(iterable)));
		expect(error.kind).toBe('too_large');
		expect(error.message).toBe('reply line longer than 4 MiB without a newline (reply too large)');
		expect(seen.chunks).toBe(MAX_LINE_CHARS / chunk.length + 1);
		expect(seen.cancelled).toBe(true);
	});

	it('honours a smaller cap, counting the pending part of a line across chunks', async () => {
		const parts = ['ok\n12345', '67890', '1\n'];
		const error = await rejection(
			collect(readLines(body((i) => parts[i], parts.length).iterable, 10)),
		);
		expect(error.kind).toBe('too_large');
		expect(
			await collect(readLines(body((i) => ['ok\n12345', '67890\n'][i], 2).iterable, 10)),
		).toEqual(['ok', '1234567890']);
	});

	it('decodes multi-byte UTF-8 sent one byte per chunk', async () => {
		const bytes = new TextEncoder().encode('{"t":"Grüße 日本 🚀"}\n');
		expect(
			await collect(readLines(body((i) => bytes.subarray(i, i + 1), bytes.length).iterable)),
		).toEqual(['{"t":"Grüße 日本 🚀"}']);
	});
});

describe('readText / readAll: read up to the cap, then stop', () => {
	it('readText returns the first maxChars of an endless body and cancels the rest', async () => {
		const { iterable, seen } = body(() => 'busy ');
		const text = await readText(iterable, 1_000);
		expect(text).toBe('busy '.repeat(200));
		expect(seen.cancelled).toBe(true);
		expect(seen.chunks).toBe(201);
	});

	it('readAll returns a body within the cap whole', async () => {
		expect(await readAll(body((i) => ['ab', 'cd'][i], 2).iterable, 4, 'http://x/api/tags')).toBe(
			'abcd',
		);
	});

	it('readAll fails a longer body with kind too_large naming what sent it, without reading on', async () => {
		const { iterable, seen } = body(() => 'x'.repeat(1024));
		const error = await rejection(
			readAll(iterable, 8 * 1024 * 1024, 'http://127.0.0.1:11434/api/tags'),
		);
		expect(error.kind).toBe('too_large');
		expect(error.message).toBe(
			'http://127.0.0.1:11434/api/tags sent more than 8 MiB (reply too large)',
		);
		expect(seen.chunks).toBe(8 * 1024 + 1);
		expect(seen.cancelled).toBe(true);
	});
});
