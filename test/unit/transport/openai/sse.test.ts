import { readSseStream } from '../../../../nodes/AiDispatcher/transport/openai/chat';
import { parseSseLine } from '../../../../nodes/AiDispatcher/transport/openai/sse';
import { MAX_LINE_CHARS } from '../../../../nodes/AiDispatcher/transport/body';
import { MAX_REPLY_CHARS } from '../../../../nodes/AiDispatcher/transport/ollama';
import { failure } from '../../../support/transport-failure';

/** A body that arrives in the given pieces (lines cut anywhere, as TCP does). */
function body(...pieces: string[]): AsyncIterable<string> {
	return (async function* () {
		for (const piece of pieces) yield piece;
	})();
}

const delta = (content: string, finish: string | null = null) =>
	`data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
const usage = (prompt: number, completion: number) =>
	`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion } })}\n\n`;

describe('parseSseLine', () => {
	it.each([
		[': keep-alive', { type: 'skip' }],
		['event: message', { type: 'skip' }],
		['id: 7', { type: 'skip' }],
		['data: [DONE]', { type: 'done' }],
		['data:[DONE]', { type: 'done' }],
		['data: {"a":1}', { type: 'data', json: { a: 1 }, line: '{"a":1}' }],
		['data:{"a":1}', { type: 'data', json: { a: 1 }, line: '{"a":1}' }],
	])('%s', (line, event) => {
		expect(parseSseLine(line)).toEqual(event);
	});

	it.each(['data: not json', 'data: [1,2]', '<html>', '{"choices":[]}'])(
		'refuses %s as garbage',
		(line) => {
			expect(() => parseSseLine(line)).toThrow(expect.objectContaining({ kind: 'garbage' }));
		},
	);
});

describe('readSseStream', () => {
	it('joins content split across chunks and lines, keeps the finish reason and the usage chunk', async () => {
		const text = `${delta('Hel')}${delta('lo, ')}${delta('world', 'stop')}${usage(12, 3)}data: [DONE]\n\n`;
		const pieces: string[] = [];
		for (let i = 0; i < text.length; i += 5) pieces.push(text.slice(i, i + 5));
		const deltas: string[] = [];
		const outcome = await readSseStream(
			body(...pieces),
			() => undefined,
			(d) => deltas.push(d),
		);
		expect(outcome.text).toBe('Hello, world');
		expect(deltas).toEqual(['Hel', 'lo, ', 'world']);
		expect(outcome.doneReason).toBe('stop');
		expect(outcome.usage.prompt_tokens).toBe(12);
		expect(outcome.usage.completion_tokens).toBe(3);
	});

	it('handles CRLF line ends and comments', async () => {
		const outcome = await readSseStream(
			body(': ping\r\n\r\n', delta('ok').replace(/\n/g, '\r\n'), 'data: [DONE]\r\n'),
		);
		expect(outcome.text).toBe('ok');
	});

	it('without a usage chunk, reports 0 tokens (the cost is then 0, not a guess)', async () => {
		const outcome = await readSseStream(body(delta('ok', 'stop'), 'data: [DONE]\n\n'));
		expect(outcome.usage.prompt_tokens).toBe(0);
		expect(outcome.usage.completion_tokens).toBe(0);
	});

	it('assembles tool calls streamed in fragments, by index', async () => {
		const tc = (index: number, fn: Record<string, string>) =>
			`data: ${JSON.stringify({ choices: [{ index: 0, delta: { tool_calls: [{ index, function: fn }] } }] })}\n\n`;
		const outcome = await readSseStream(
			body(
				tc(0, { name: 'get_weather', arguments: '{"ci' }),
				tc(1, { name: 'time', arguments: '' }),
				tc(0, { arguments: 'ty":"Paris"}' }),
				'data: [DONE]\n\n',
			),
		);
		expect(outcome.toolCalls).toEqual([
			{ function: { name: 'get_weather', arguments: { city: 'Paris' } } },
			{ function: { name: 'time', arguments: {} } },
		]);
	});

	it('fails with stream_error on an error chunk mid-stream, naming its message', async () => {
		const error = await failure(
			readSseStream(
				body(
					delta('par'),
					`data: ${JSON.stringify({ error: { message: 'upstream overloaded', type: 'server_error' } })}\n\n`,
				),
			),
		);
		expect(error.kind).toBe('stream_error');
		expect(error.message).toContain('upstream overloaded');
	});

	it('maps a context_length_exceeded error chunk to context_length', async () => {
		const error = await failure(
			readSseStream(
				body(
					`data: ${JSON.stringify({ error: { message: 'too long', code: 'context_length_exceeded' } })}\n\n`,
				),
			),
		);
		expect(error.kind).toBe('context_length');
	});

	it('fails with truncated when the stream ends before [DONE]', async () => {
		const error = await failure(readSseStream(body(delta('half an ans'))));
		expect(error.kind).toBe('truncated');
	});

	it.each([
		[
			'content that is not a string',
			`data: ${JSON.stringify({ choices: [{ delta: { content: 42 } }] })}\n\n`,
		],
		['choices that are not an array', `data: ${JSON.stringify({ choices: 'x' })}\n\n`],
		[
			'a usage count that is not whole',
			`data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 1.5 } })}\n\n`,
		],
		[
			'a negative usage count',
			`data: ${JSON.stringify({ choices: [], usage: { completion_tokens: -1 } })}\n\n`,
		],
		['an HTML page', '<html><body>502 Bad Gateway</body></html>\n'],
	])('fails with garbage on %s', async (_name, text) => {
		const error = await failure(readSseStream(body(text, 'data: [DONE]\n\n')));
		expect(error.kind).toBe('garbage');
	});

	it('fails with too_large on a line over the line cap, before buffering it whole', async () => {
		const error = await failure(
			readSseStream(
				body('data: {"choices":[{"delta":{"content":"', 'x'.repeat(MAX_LINE_CHARS + 1), '"}}]}\n'),
			),
		);
		expect(error.kind).toBe('too_large');
		expect(error.message).toContain('line');
	});

	it('fails with too_large when the reply text passes MAX_REPLY_CHARS', async () => {
		const piece = 'y'.repeat(1024 * 1024);
		const error = await failure(
			readSseStream(body(delta(piece), delta(piece), delta('z'), 'data: [DONE]\n\n')),
		);
		expect(error.kind).toBe('too_large');
		expect(error.message).toContain(`${MAX_REPLY_CHARS / (1024 * 1024)} MiB`);
	});
});
