import {
	MAX_HEADLINE_CHARS,
	causeOf,
	failureAdvice,
	failureDetails,
	failureHeadline,
	listWords,
	modelFailures,
} from '../../../nodes/AiDispatcher/engine/failures';
import { allFailed } from '../../../nodes/AiDispatcher/engine/run';
import type { Attempt, FailureKind } from '../../../nodes/AiDispatcher/engine/types';

const URL = 'http://gpu-box:11500';
const fail = (
	model: string,
	kind: FailureKind,
	error: string,
	extra: Partial<Attempt> = {},
): Attempt => ({ model, ok: false, kind, error, ms: 12, host: URL, ...extra });

describe('causeOf', () => {
	it.each<[FailureKind, string, string]>([
		[
			'http_5xx',
			'HTTP 500: model requires more system memory (5.2 GiB) than is available (3.1 GiB)',
			'memory',
		],
		[
			'http_5xx',
			'HTTP 500: llama runner process has terminated: CUDA error: out of memory',
			'memory',
		],
		['connection', 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:11434', 'refused'],
		['connection', 'ECONNRESET: socket hang up', 'connection'],
		['timeout', 'no first token within 10000 ms', 'timeout'],
		['not_found', "HTTP 404: model 'phi3:mini' not found", 'not_installed'],
		['busy', 'HTTP 503: server busy', 'busy'],
		['rate_limited', 'HTTP 429', 'busy'],
		['http_5xx', 'HTTP 500: runner stopped', 'server_error'],
		['bad_request', 'HTTP 400: invalid options', 'rejected'],
		['invalid_json', 'JSON was requested but the reply is not valid JSON', 'bad_reply'],
		['empty', 'the model returned an empty reply', 'bad_reply'],
		[
			'circuit_open',
			'circuit open since 2026-12-06T16:03:42.798Z, retry after 2026-12-06T16:04:12.798Z',
			'circuit_open',
		],
		['aborted', 'request cancelled', 'cancelled'],
	])('%s "%s" → %s', (kind, error, cause) => {
		expect(causeOf({ kind, error })).toBe(cause);
	});
});

describe('failureHeadline', () => {
	it('names each model once by the cause of its last attempt, grouped as a person says it', () => {
		const failures = modelFailures([
			fail(
				'qwen2.5:7b',
				'http_5xx',
				'HTTP 500: model requires more system memory (5.2 GiB) than is available (3.1 GiB)',
			),
			fail('phi3:mini', 'connection', 'ECONNREFUSED: connect ECONNREFUSED'),
			fail('phi3:mini', 'connection', 'ECONNREFUSED: connect ECONNREFUSED', { retry: 1 }),
			fail('llama3.2:3b', 'connection', 'ECONNREFUSED: connect ECONNREFUSED'),
		]);
		expect(failureHeadline(failures)).toBe(
			'All 3 models failed: qwen2.5:7b out of memory, phi3:mini and llama3.2:3b refused the connection',
		);
	});

	it('says so when there was only one model', () => {
		expect(failureHeadline(modelFailures([fail('phi3:mini', 'timeout', 'timed out')]))).toBe(
			'The only candidate model failed: phi3:mini timed out',
		);
	});

	it(`stays within ${MAX_HEADLINE_CHARS} characters with many models and causes, shortening the lists`, () => {
		const kinds: Array<[FailureKind, string]> = [
			['connection', 'ECONNREFUSED'],
			['timeout', 'timed out'],
			['http_5xx', 'HTTP 500: requires more system memory'],
			['not_found', 'HTTP 404'],
			['busy', 'HTTP 503'],
		];
		const attempts = Array.from({ length: 40 }, (_, i) =>
			fail(`a-rather-long-model-name-${i}:70b-instruct-q4_K_M`, ...kinds[i % kinds.length]),
		);
		const headline = failureHeadline(modelFailures(attempts));
		expect(headline.length).toBeLessThanOrEqual(MAX_HEADLINE_CHARS);
		expect(headline).toMatch(/^All 40 models failed: /);
		expect(headline).toContain('refused the connection');
	});
});

describe('failureAdvice', () => {
	it('follows from the causes: memory, a refused URL (the one entered), an open circuit with its retry time', () => {
		const advice = failureAdvice(
			modelFailures([
				fail('qwen2.5:7b', 'http_5xx', 'HTTP 500: model requires more system memory'),
				fail('phi3:mini', 'connection', 'ECONNREFUSED'),
				fail(
					'llama3.2:3b',
					'circuit_open',
					'circuit open since 2026-12-06T16:03:42.798Z, retry after 2026-12-06T16:04:12.798Z',
					{ ms: 0 },
				),
			]),
			[URL],
		);
		expect(advice).toHaveLength(3);
		expect(advice[0]).toMatch(
			/^qwen2\.5:7b: not enough free memory.*smaller model.*fewer models loaded/,
		);
		expect(advice[1]).toBe(
			`Nothing accepted the connection at ${URL}: start Ollama there (ollama serve), or correct the Ollama URL in the AI Dispatcher credential.`,
		);
		expect(advice[2]).toContain(
			'llama3.2:3b failed several times in a row, so it is skipped until 2026-12-06T16:04:12.798Z',
		);
	});

	it('names the model to pull when one is not installed', () => {
		expect(
			failureAdvice(modelFailures([fail('phi3:mini', 'not_found', 'HTTP 404')]), [URL])[0],
		).toContain('ollama pull phi3:mini');
	});
});

describe('allFailed', () => {
	it('headline as the message, advice as the hint, every attempt once in the details', () => {
		const error = allFailed(
			[
				fail('qwen2.5:7b', 'http_5xx', 'HTTP 500: model requires more system memory'),
				fail('phi3:mini', 'connection', 'ECONNRESET: socket hang up'),
			],
			[URL],
		);
		expect(error.code).toBe('ALL_CANDIDATES_FAILED');
		expect(error.message).toBe(
			'All 2 models failed: qwen2.5:7b out of memory, phi3:mini lost the connection',
		);
		expect(error.hint).toContain('smaller model');
		expect(error.hint).toContain(`The connection to ${URL} broke`);
		expect(error.details).toBe(
			'Attempts: 1. qwen2.5:7b (12 ms): HTTP 500: model requires more system memory | 2. phi3:mini (12 ms): ECONNRESET: socket hang up',
		);
	});
});

it('failureDetails names the host only when several are configured', () => {
	const attempts = [fail('phi3:mini', 'timeout', 'timed out', { retry: 1 })];
	expect(failureDetails(attempts, 1)).toBe('Attempts: 1. phi3:mini (retry 1) (12 ms): timed out');
	expect(failureDetails(attempts, 2)).toBe(
		`Attempts: 1. phi3:mini (retry 1) on ${URL} (12 ms): timed out`,
	);
});

it('listWords', () => {
	expect(listWords(['a'])).toBe('a');
	expect(listWords(['a', 'b'])).toBe('a and b');
	expect(listWords(['a', 'b', 'c'])).toBe('a, b and c');
	expect(listWords(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
});

describe('listInstalled with no host answering (Auto-Discover)', () => {
	it('says to start Ollama at the URL that refused; a long list of hosts keeps the headline within 200 characters', async () => {
		const { listInstalled } = await import('../../../nodes/AiDispatcher/engine/installed');
		const { TransportError } = await import('../../../nodes/AiDispatcher/engine/errors');
		const refuse = {
			tags: async () =>
				Promise.reject(
					new TransportError('connection', 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:11500'),
				),
		} as never;
		const one = (await listInstalled(refuse, ['http://127.0.0.1:11500']).catch(
			(e: unknown) => e,
		)) as { code: string; message: string; hint: string };
		expect(one.code).toBe('OLLAMA_UNREACHABLE');
		expect(one.message).toBe(
			'Could not list models at http://127.0.0.1:11500/api/tags: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:11500',
		);
		expect(one.hint).toMatch(
			/^Nothing accepted the connection at http:\/\/127\.0\.0\.1:11500: start Ollama there/,
		);
		const hosts = Array.from(
			{ length: 6 },
			(_, i) => `http://ollama-host-${i}.example.internal:11434`,
		);
		const many = (await listInstalled(refuse, hosts).catch((e: unknown) => e)) as {
			message: string;
			details: string;
		};
		expect(many.message).toBe('Could not list models: none of the 6 Ollama hosts answered');
		expect(many.details).toContain(
			'http://ollama-host-5.example.internal:11434/api/tags: ECONNREFUSED',
		);
	});
});

describe('failure kinds of an OpenAI-compatible endpoint', () => {
	it.each<[FailureKind, string, string]>([
		['auth', 'rejected the API key', 'check the key in the credential'],
		['context_length', 'got a prompt longer than its context', 'shorten it'],
		['budget', 'skipped: over the budget', 'cost budget is spent'],
	])('%s: its own words in the headline and its own advice', (kind, words, advice) => {
		const failures = modelFailures([fail('gpt-4o-mini', kind, 'HTTP 4xx')]);
		expect(failureHeadline(failures)).toBe(`The only candidate model failed: gpt-4o-mini ${words}`);
		expect(failureAdvice(failures, [URL])[0]).toContain(advice);
	});
});
