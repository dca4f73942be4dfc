import type { GenerateCall } from '../../../../nodes/AiDispatcher/engine/ports';
import { chatCompletion } from '../../../../nodes/AiDispatcher/transport/openai/chat';
import {
	parseRetryAfterMs,
	redactKeys,
} from '../../../../nodes/AiDispatcher/transport/openai/errors';
import { listModels } from '../../../../nodes/AiDispatcher/transport/openai/models';
import { fetchHttpPort } from '../../../support/http-port';
import { startBlackhole } from '../../../support/loopback';
import { simTokens, startOpenAiSimulator, type OpenAiSimulator } from '../../../support/simulator';
import { failure } from '../../../support/transport-failure';

const KEY = 'sk-canary-7f3e9a-not-a-real-key';
let sim: OpenAiSimulator;
const withKey = fetchHttpPort({ authorization: `Bearer ${KEY}` });

beforeAll(async () => {
	sim = await startOpenAiSimulator({ apiKey: KEY });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => sim.setFault(null));

const call = (extra: Partial<GenerateCall> = {}): GenerateCall => ({
	baseUrl: sim.url,
	model: 'cloud-small',
	prompt: 'Summarize the quarterly numbers in one line',
	format: { type: 'text' },
	options: {},
	timeoutMs: 5_000,
	...extra,
});

describe('chatCompletion against an OpenAI-compatible endpoint', () => {
	it('streams the answer with the usage chunk (stream_options.include_usage sent)', async () => {
		const outcome = await chatCompletion(withKey, call({ system: 'Be brief.' }));
		expect(outcome.text).toBe('cloud answer from cloud-small: ok');
		expect(outcome.usage.prompt_tokens).toBe(
			simTokens('Be brief. Summarize the quarterly numbers in one line'),
		);
		expect(outcome.usage.completion_tokens).toBe(simTokens(outcome.text));
		const sent = sim.stats().bodies.at(-1) as Record<string, unknown>;
		expect(sent.stream).toBe(true);
		expect(sent.stream_options).toEqual({ include_usage: true });
		expect(sent.messages).toEqual([
			{ role: 'system', content: 'Be brief.' },
			{ role: 'user', content: 'Summarize the quarterly numbers in one line' },
		]);
	});

	it('sends JSON output as response_format, Max Tokens as max_tokens, and no Ollama-only options', async () => {
		await chatCompletion(
			withKey,
			call({
				format: { type: 'jsonSchema', schema: { type: 'object' } },
				options: { num_predict: 64, temperature: 0.2, num_gpu: 1 },
			}),
		);
		const sent = sim.stats().bodies.at(-1) as Record<string, unknown>;
		expect(sent.response_format).toEqual({
			type: 'json_schema',
			json_schema: { name: 'output', schema: { type: 'object' } },
		});
		expect(sent.max_tokens).toBe(64);
		expect(sent.temperature).toBe(0.2);
		expect(sent).not.toHaveProperty('num_gpu');
		expect(sent).not.toHaveProperty('options');
	});

	it('sends tools as OpenAI function definitions and tool turns tied to their call ids', async () => {
		const tools = [
			{
				type: 'function',
				function: { name: 'lookup', description: 'find', parameters: { type: 'object' } },
			},
		];
		await chatCompletion(
			withKey,
			call({
				prompt: undefined,
				messages: [
					{ role: 'user', content: 'find x' },
					{
						role: 'assistant',
						content: '',
						tool_calls: [{ function: { name: 'lookup', arguments: { q: 'x' } } }],
					},
					{ role: 'tool', content: 'found', tool_name: 'lookup' },
				],
				tools,
			}),
		);
		const sent = sim.stats().bodies.at(-1) as {
			tools: unknown;
			messages: Array<Record<string, unknown>>;
		};
		expect(sent.tools).toEqual(tools);
		expect(sent.messages[1]).toEqual({
			role: 'assistant',
			content: '',
			tool_calls: [
				{ id: 'call_1_0', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } },
			],
		});
		expect(sent.messages[2]).toEqual({ role: 'tool', content: 'found', tool_call_id: 'call_1_0' });
	});

	it('401: kind auth, naming the credential, never the key', async () => {
		const error = await failure(
			chatCompletion(fetchHttpPort({ authorization: 'Bearer wrong' }), call()),
		);
		expect(error.kind).toBe('auth');
		expect(error.message).toContain('OpenAI-Compatible Endpoint API credential');
		expect(error.message).not.toContain(KEY);
	});

	it('429 with Retry-After: kind rate_limited carrying the wait in ms', async () => {
		sim.setFault({
			kind: 'status',
			status: 429,
			code: 'rate_limit_exceeded',
			message: 'Rate limit reached',
			retryAfterS: 2,
		});
		const error = await failure(chatCompletion(withKey, call()));
		expect(error.kind).toBe('rate_limited');
		expect(error.retryAfterMs).toBe(2_000);
		expect(error.message).toContain('Rate limit reached');
	});

	it('context_length_exceeded: kind context_length', async () => {
		sim.setFault({ kind: 'context_length' });
		expect((await failure(chatCompletion(withKey, call()))).kind).toBe('context_length');
	});

	it.each([
		[500, 'http_5xx'],
		[502, 'http_5xx'],
		[503, 'busy'],
		[404, 'not_found'],
		[400, 'bad_request'],
	])('HTTP %i: kind %s', async (status, kind) => {
		sim.setFault({ kind: 'status', status });
		expect((await failure(chatCompletion(withKey, call()))).kind).toBe(kind);
	});

	it('an error mid-stream: stream_error; a stream cut before [DONE]: truncated', async () => {
		sim.setFault({ kind: 'mid_stream_error' });
		expect((await failure(chatCompletion(withKey, call()))).kind).toBe('stream_error');
		sim.setFault({ kind: 'truncated' });
		expect((await failure(chatCompletion(withKey, call()))).kind).toBe('truncated');
	});

	it('a server that never answers: the first-token limit fails the call with timeout', async () => {
		const hole = await startBlackhole();
		try {
			const error = await failure(
				chatCompletion(
					withKey,
					call({ baseUrl: hole.url, firstTokenTimeoutMs: 150, timeoutMs: 5_000 }),
				),
			);
			expect(error.kind).toBe('timeout');
			expect(error.message).toContain('first token');
		} finally {
			await hole.stop();
		}
	});

	it('lists the endpoint models (the credential test request)', async () => {
		expect(await listModels(withKey, sim.url, 5_000)).toEqual(['cloud-small', 'cloud-large']);
	});
});

describe('parseRetryAfterMs', () => {
	const now = Date.parse('2026-12-06T10:00:00Z');
	it.each([
		[undefined, undefined],
		['3', 3_000],
		['0.5', 500],
		['Sun, 06 Dec 2026 10:00:07 GMT', 7_000],
		['Sun, 06 Dec 2026 09:59:00 GMT', 0],
		['soon', undefined],
		['99999', 600_000],
	])('%s → %s', (value, ms) => {
		expect(parseRetryAfterMs(value, now)).toBe(ms);
	});
});

describe('no part of a key in errors', () => {
	it("OpenAI's 401 echoes part of the refused key: it is redacted", async () => {
		sim.setFault({
			kind: 'status',
			status: 401,
			message:
				'Incorrect API key provided: sk-canar************-key. You can find your API key at https://platform.openai.com.',
		});
		const error = await failure(chatCompletion(withKey, call()));
		expect(error.kind).toBe('auth');
		expect(error.message).toContain('Incorrect API key provided: [redacted]');
		expect(error.message).not.toMatch(/sk-canar/);
	});

	it.each([
		['sk-proj-abc123def456', '[redacted]'],
		['token gsk_ABCDEF123456 refused', 'token [redacted] refused'],
		['Authorization: Bearer abc.def.ghi', 'Authorization: Bearer [redacted]'],
		['model not found', 'model not found'],
	])('redactKeys(%s)', (text, redacted) => {
		expect(redactKeys(text)).toBe(redacted);
	});
});
