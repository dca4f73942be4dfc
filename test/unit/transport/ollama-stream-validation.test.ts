/**
 * What a generation accepts from the wire (issue 9): `response` / `message.content` must be
 * strings, an `error` field fails the call even with done:true, the reply text is capped, and usage
 * figures that are negative, infinite or absurd become 0 ("unknown").
 */
import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import type { GenerateCall, HttpPort } from '../../../nodes/AiDispatcher/engine/ports';
import {
	MAX_REPLY_CHARS,
	createOllamaClient,
	usageFrom,
} from '../../../nodes/AiDispatcher/transport/ollama';

/** An HttpPort whose body is the given NDJSON lines (a function: an endless stream). */
function portWith(
	lines: string[] | ((i: number) => string),
	status = 200,
): { http: HttpPort; read: () => number } {
	let read = 0;
	const http: HttpPort = async () => ({
		status,
		body: (async function* () {
			for (let i = 0; typeof lines === 'function' || i < lines.length; i++) {
				read++;
				yield `${typeof lines === 'function' ? lines(i) : lines[i]}\n`;
			}
		})(),
	});
	return { http, read: () => read };
}

const call: GenerateCall = {
	baseUrl: 'http://ollama',
	model: 'm',
	prompt: 'p',
	format: { type: 'text' },
	options: {},
	timeoutMs: 60_000,
};

async function failure(http: HttpPort, extra: Partial<GenerateCall> = {}): Promise<TransportError> {
	const error = await createOllamaClient(http)
		.generate({ ...call, ...extra })
		.then(
			() => undefined,
			(e: unknown) => e,
		);
	expect(error).toBeInstanceOf(TransportError);
	return error as TransportError;
}

const done = '{"done":true,"eval_count":2,"eval_duration":1000000000}';

describe('chunk types', () => {
	it.each([
		['an object', '{"response":{"a":1},"done":false}'],
		['an array', '{"response":["x","y"],"done":false}'],
		['a number', '{"response":42,"done":false}'],
		['a boolean', '{"response":true,"done":true}'],
	])('"response" as %s is garbage, naming the type', async (type, line) => {
		const error = await failure(portWith([line, done]).http);
		expect(error.kind).toBe('garbage');
		expect(error.message).toContain(`"response" is ${type}, not a string`);
	});

	it('"message.content" that is not a string, or a "message" that is not an object, is garbage', async () => {
		expect((await failure(portWith(['{"message":{"content":5}}', done]).http)).message).toContain(
			'"message.content" is a number',
		);
		expect((await failure(portWith(['{"message":"hi"}', done]).http)).message).toContain(
			'"message" is a string',
		);
	});

	it('an "error" object with done:true fails the call as stream_error, with the error in the message', async () => {
		const error = await failure(
			portWith(['{"response":"half "}', '{"error":{"code":500},"done":true}']).http,
		);
		expect(error.kind).toBe('stream_error');
		expect(error.message).toBe('error in stream: {"code":500}');
	});

	it('still accepts null/absent text fields and chat content', async () => {
		const outcome = await createOllamaClient(
			portWith([
				'{"response":null}',
				'{"message":{"role":"assistant","content":"hé"}}',
				'{"response":"llo"}',
				done,
			]).http,
		).generate(call);
		expect(outcome.text).toBe('héllo');
		expect(outcome.usage.tokens_per_s).toBe(2);
	});
});

describe('reply cap', () => {
	it('an endless stream of 4 KiB lines without done fails as too_large just past the cap', async () => {
		const piece = JSON.stringify({ response: 'f'.repeat(4096), done: false });
		const port = portWith(() => piece);
		const error = await failure(port.http);
		expect(error.kind).toBe('too_large');
		expect(error.message).toBe('reply longer than 2 MiB without done:true (reply too large)');
		expect(port.read()).toBe(MAX_REPLY_CHARS / 4096 + 1);
	});
});

describe('usageFrom: figures as sent are checked', () => {
	const zero = { prompt_tokens: 0, completion_tokens: 0, total_ms: 0, load_ms: 0, tokens_per_s: 0 };

	it.each<[string, Record<string, unknown>, Partial<typeof zero>]>([
		[
			'negative counts and durations',
			{
				eval_count: -1,
				eval_duration: 1e6,
				prompt_eval_count: -5,
				total_duration: -1,
				load_duration: -2,
			},
			{},
		],
		[
			'infinite durations (1e400 in JSON)',
			{
				eval_count: 10,
				eval_duration: Number.POSITIVE_INFINITY,
				total_duration: JSON.parse('1e400'),
			},
			{ completion_tokens: 10 },
		],
		['huge counts over 1e9', { eval_count: 1e308, eval_duration: 1, prompt_eval_count: 2e9 }, {}],
		['fractional counts', { eval_count: 2.5, prompt_eval_count: 0.1, eval_duration: 1e9 }, {}],
		['strings and booleans', { eval_count: '100', eval_duration: true, total_duration: '5' }, {}],
		['durations over 30 days', { total_duration: 31 * 24 * 3600 * 1e9, load_duration: 3e15 }, {}],
		[
			'a speed over 100 000 tokens/s',
			{ eval_count: 1_000_000, eval_duration: 1_000_000 },
			{ completion_tokens: 1_000_000 },
		],
	])('%s become 0 (unknown)', (_, wire, kept) => {
		const usage = usageFrom(wire);
		expect(usage).toEqual({ ...zero, ...kept });
		for (const value of Object.values(usage))
			expect(Number.isFinite(value) && value >= 0).toBe(true);
	});

	it('keeps sane figures', () => {
		expect(
			usageFrom({
				eval_count: 100,
				eval_duration: 2e9,
				prompt_eval_count: 26,
				total_duration: 2.5e9,
				load_duration: 1e6,
			}),
		).toEqual({
			prompt_tokens: 26,
			completion_tokens: 100,
			total_ms: 2500,
			load_ms: 1,
			tokens_per_s: 50,
		});
	});
});
