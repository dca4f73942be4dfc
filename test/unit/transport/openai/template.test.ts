/**
 * The chunk template (transport/openai/template.ts): a chunk that differs from one checked in full
 * only in its content is read by parsing that content alone; every other line is parsed whole, so
 * garbage that looks like the known chunk still fails with kind `garbage`.
 */
import { readSseStream } from '../../../../nodes/AiDispatcher/transport/openai/chat';
import {
	ChunkTemplate,
	MAX_TEMPLATE_BUILDS,
} from '../../../../nodes/AiDispatcher/transport/openai/template';
import { failure } from '../../../support/transport-failure';

function body(...pieces: string[]): AsyncIterable<string> {
	return (async function* () {
		for (const piece of pieces) yield piece;
	})();
}

const head =
	'{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"m","choices":[{"index":0,"delta":{"content":';
const tail = '},"finish_reason":null}]}';
const line = (literal: string) => `data: ${head}${literal}${tail}`;
const DONE = 'data: [DONE]\n\n';

describe('ChunkTemplate', () => {
	it('after a plain chunk, reads another chunk of the same shape by its content alone (escapes decoded)', () => {
		const t = new ChunkTemplate();
		expect(t.content(line('"a"'))).toBeUndefined(); // nothing learned yet
		t.learn(line('"a"'), JSON.parse(line('"a"').slice(6)));
		expect(t.content(line('"b \\"q\\" \\u00e9\\n"'))).toBe('b "q" é\n');
		expect(t.content(line('""'))).toBe('');
	});

	it('a line whose middle is not exactly one JSON string is not read by the template', () => {
		const t = new ChunkTemplate();
		t.learn(line('"a"'), JSON.parse(line('"a"').slice(6)));
		for (const middle of [
			'"a","content":5',
			'"unterminated',
			'5',
			'null',
			'"a"}',
			'"a" "b"',
			'{"x":1}',
		])
			expect(t.content(line(middle))).toBeUndefined();
		expect(t.content(line('"a"').replace('chatcmpl-1', 'chatcmpl-2'))).toBeUndefined(); // another field changed
	});

	it('learns only plain content chunks (no finish reason, usage, tool calls, reasoning or error)', () => {
		const notPlain = [
			'{"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}',
			'{"choices":[{"index":0,"delta":{"content":"a","reasoning_content":"r"}}]}',
			'{"choices":[{"index":0,"delta":{"content":"a","tool_calls":[]}}]}',
			'{"choices":[{"index":0,"delta":{"content":"a"}}],"usage":{"prompt_tokens":1}}',
			'{"choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]}',
			'{"choices":[{"index":0,"delta":{"content":"a"}}],"x":{"content":"a"}}', // "content" twice in the text
		];
		for (const json of notPlain) {
			const t = new ChunkTemplate();
			t.learn(`data: ${json}`, JSON.parse(json));
			expect(t.content(`data: ${json.replace('"a"', '"z"')}`)).toBeUndefined();
		}
	});

	it(`stops learning after ${MAX_TEMPLATE_BUILDS} attempts (a server whose every chunk differs elsewhere is parsed whole)`, () => {
		const t = new ChunkTemplate();
		const varied = (n: number) => `{"choices":[{"index":0,"delta":{"content":"a"}}],"seq":${n}}`; // a number that changes: not a free string
		for (let n = 0; n < MAX_TEMPLATE_BUILDS; n++)
			t.learn(`data: ${varied(n)}`, JSON.parse(varied(n)));
		expect(t.content(`data: ${varied(MAX_TEMPLATE_BUILDS - 1).replace('"a"', '"b"')}`)).toBe('b');
		t.learn(`data: ${varied(9)}`, JSON.parse(varied(9)));
		expect(t.content(`data: ${varied(9).replace('"a"', '"b"')}`)).toBeUndefined();
		expect(
			t.content(`data: ${varied(MAX_TEMPLATE_BUILDS - 1).replace('"a"', '"b"')}`),
		).toBeUndefined(); // no longer compared at all
	});
});

describe('ChunkTemplate: string fields after the content that change in every chunk (e.g. a random obfuscation)', () => {
	const chunk = (content: string, obfuscation: string) =>
		`{"id":"c1","choices":[{"index":0,"delta":{"content":${content}},"finish_reason":null}],"obfuscation":${obfuscation}}`;
	const learned = () => {
		const t = new ChunkTemplate();
		t.learn(`data: ${chunk('"a"', '"x1"')}`, JSON.parse(chunk('"a"', '"x1"')));
		return t;
	};

	it('reads the content whatever valid string the field holds', () => {
		const t = learned();
		expect(t.content(`data: ${chunk('"b"', '"Zq93kk"')}`)).toBe('b');
		expect(t.content(`data: ${chunk('"c \\"d\\""', '"\\u00e9\\n"')}`)).toBe('c "d"');
	});

	it('a field value that is not one valid string, or a key that changed, is not read by the template', () => {
		const t = learned();
		for (const bad of ['5', 'null', '"\\q"', '"\\u12"', '"a\u0001b"', '"a"}', '"a","error":"boom"'])
			expect(t.content(`data: ${chunk('"b"', bad)}`)).toBeUndefined();
		expect(
			t.content(`data: ${chunk('"b"', '"x"').replace('"obfuscation"', '"error"')}`),
		).toBeUndefined();
	});

	it('in a stream: an error smuggled into the field is still an error, an invalid string still garbage', async () => {
		const good = (c: string, o: string) =>
			`data: ${chunk(JSON.stringify(c), JSON.stringify(o))}\n\n`;
		const outcome = await readSseStream(
			body(good('a', 'p'), good('b', 'qq'), good('c', 'r\n'), DONE),
		);
		expect(outcome.text).toBe('abc');
		const withError = await failure(
			readSseStream(
				body(good('a', 'p'), `data: ${chunk('"b"', '"x","error":{"message":"boom"}')}\n\n`, DONE),
			),
		);
		expect(withError.kind).toBe('stream_error');
		const invalid = await failure(
			readSseStream(body(good('a', 'p'), `data: ${chunk('"b"', '"\\q"')}\n\n`, DONE)),
		);
		expect(invalid.kind).toBe('garbage');
	});
});

describe('readSseStream with the template', () => {
	it('reads a long stream of same-shape chunks to the same text as a full parse would', async () => {
		const words = Array.from({ length: 50 }, (_, i) => `w${i} "q" \\ é `);
		const lines = words.map((w) => `${line(JSON.stringify(w))}\n\n`);
		const outcome = await readSseStream(
			body(...lines, `data: ${head}""},"finish_reason":"stop"}]}\n\n`, DONE),
		);
		expect(outcome.text).toBe(words.join(''));
		expect(outcome.doneReason).toBe('stop');
	});

	it.each([
		['content that is not a string', line('5')],
		['a middle that is two fields', line('"x","content":7')],
		['a line cut inside the content', line('"unterminated').slice(0, -tail.length)],
		['a non-JSON line of the same start', `data: ${head}"x"}}`],
	])(
		'garbage after the template is learned still fails with kind garbage: %s',
		async (_what, bad) => {
			const error = await failure(
				readSseStream(body(`${line('"a"')}\n\n`, `${line('"b"')}\n\n`, `${bad}\n\n`, DONE)),
			);
			expect(error.kind).toBe('garbage');
		},
	);
});
