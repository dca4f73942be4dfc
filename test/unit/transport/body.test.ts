import { excerpt, readLines, readText } from '../../../nodes/AiDispatcher/transport/body';

async function* chunks(...parts: Array<string | Uint8Array>) {
	for (const part of parts) yield part;
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
	const out: string[] = [];
	for await (const x of iterable) out.push(x);
	return out;
}

describe('readLines', () => {
	it('splits NDJSON across chunk boundaries, skips blank lines and keeps a last unterminated line', async () => {
		expect(await collect(readLines(chunks('{"a":1}\n{"b"', ':2}\r\n\n', '{"c":3}')))).toEqual([
			'{"a":1}',
			'{"b":2}',
			'{"c":3}',
		]);
	});

	it('decodes a multi-byte UTF-8 character split between two chunks', async () => {
		const bytes = new TextEncoder().encode('{"t":"grüß 日本"}\n');
		const cut = 9; // inside "ü"
		expect(await collect(readLines(chunks(bytes.slice(0, cut), bytes.slice(cut))))).toEqual([
			'{"t":"grüß 日本"}',
		]);
	});
});

describe('readText / excerpt', () => {
	it('collects a body and caps it', async () => {
		expect(await readText(chunks('ab', 'cd'))).toBe('abcd');
		expect(await readText(chunks('abcdef', 'gh'), 4)).toBe('abcd');
	});

	it('flattens whitespace and cuts long text with an ellipsis', () => {
		expect(excerpt('a\n\n b', 10)).toBe('a b');
		expect(excerpt('x'.repeat(20), 5)).toBe('xxxxx…');
	});
});
