import { decide, type DispatchConfig } from '../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch } from '../../../nodes/AiDispatcher/engine/plan';
import { DispatcherError } from '../../../nodes/AiDispatcher/engine/errors';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import type {
	DispatchRequest,
	FailureKind,
	ModelSpec,
	Tier,
} from '../../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../../support/fakes';

let state = createDispatcherState();

const model = (name: string, tier: Tier, options: ModelSpec['options'] = {}): ModelSpec => ({
	name,
	tier,
	tasks: [],
	options,
});
const config: DispatchConfig = {
	baseUrls: ['http://ollama:11434'],
	models: [
		model('phi3:mini', 'low'),
		model('llama3.2:3b', 'medium'),
		model('qwen2.5:7b', 'high', { temperature: 0.2, timeoutMs: 999 }),
	],
	timeoutsMs: DEFAULT_TIMEOUTS_MS,
	// Fallback without retries here; retries and breakers are tested in test/unit/engine/resilience.
	resilience: { retry: { maxRetries: 0 } },
};
const HOST = 'http://ollama:11434';

beforeEach(() => {
	state = createDispatcherState();
});
const request = (extra: Partial<DispatchRequest> = {}): DispatchRequest => ({
	prompt: 'Summarize: lunch moved to 1pm',
	task: 'auto',
	complexity: 'auto',
	format: { type: 'text' },
	...extra,
});

describe('dispatch', () => {
	it('answers with the tier model on the first try and reports usage and one ok attempt', async () => {
		const { ollama, calls } = scriptedOllama({ 'phi3:mini': ['Lunch is at 1pm.'] });
		const result = await dispatch(request(), config, state, fakePorts(ollama));
		expect(result).toMatchObject({ response: 'Lunch is at 1pm.', model: 'phi3:mini', tier: 'low' });
		expect(result.attempts).toEqual([
			{ model: 'phi3:mini', ok: true, error: null, ms: expect.any(Number), host: HOST },
		]);
		expect(result.usage.tokens_per_s).toBe(400);
		expect(calls[0]).toMatchObject({
			baseUrl: 'http://ollama:11434',
			model: 'phi3:mini',
			timeoutMs: 15_000,
		});
	});

	it('passes model options through and uses the model timeout over the tier timeout', async () => {
		const { ollama, calls } = scriptedOllama({ 'qwen2.5:7b': ['ok'] });
		await dispatch(request({ complexity: 'high' }), config, state, fakePorts(ollama));
		expect(calls[0]).toMatchObject({
			model: 'qwen2.5:7b',
			options: { temperature: 0.2 },
			timeoutMs: 999,
		});
		expect(calls[0].options).not.toHaveProperty('timeoutMs');
	});

	it.each<FailureKind>([
		'connection',
		'timeout',
		'http_5xx',
		'busy',
		'not_found',
		'stream_error',
		'truncated',
		'garbage',
	])('falls back to the next candidate when the first fails with %s', async (kind) => {
		const { ollama } = scriptedOllama({
			'qwen2.5:7b': [{ fail: kind, message: `boom ${kind}` }],
			'llama3.2:3b': ['fine'],
		});
		const result = await dispatch(
			request({ complexity: 'high' }),
			config,
			state,
			fakePorts(ollama),
		);
		expect(result.model).toBe('llama3.2:3b');
		expect(result.attempts).toEqual([
			{
				model: 'qwen2.5:7b',
				ok: false,
				error: `boom ${kind}`,
				kind,
				ms: expect.any(Number),
				host: HOST,
			},
			{ model: 'llama3.2:3b', ok: true, error: null, ms: expect.any(Number), host: HOST },
		]);
	});

	it('treats an empty reply and invalid JSON (when JSON was asked) as failures', async () => {
		const { ollama } = scriptedOllama({
			'qwen2.5:7b': ['  '],
			'llama3.2:3b': ['not json {'],
			'phi3:mini': ['{"summary":"ok"}'],
		});
		const result = await dispatch(
			request({ complexity: 'high', format: { type: 'json' } }),
			config,
			state,
			fakePorts(ollama),
		);
		expect(result.response).toEqual({ summary: 'ok' });
		expect(result.attempts.map((a) => a.kind ?? 'ok')).toEqual(['empty', 'invalid_json', 'ok']);
		expect(result.attempts[1].error).toContain('not valid JSON');
	});

	it('fails with every attempt listed when no candidate answers', async () => {
		const { ollama } = scriptedOllama({
			'qwen2.5:7b': [{ fail: 'http_5xx', message: 'HTTP 500: runner stopped' }],
			'llama3.2:3b': [{ fail: 'timeout', message: 'timed out' }],
			'phi3:mini': [{ fail: 'connection', message: 'ECONNREFUSED' }],
		});
		const error = await dispatch(
			request({ complexity: 'high' }),
			config,
			state,
			fakePorts(ollama),
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DispatcherError);
		const e = error as DispatcherError;
		expect(e.code).toBe('ALL_CANDIDATES_FAILED');
		expect(e.message).toBe(
			'All 3 models failed: qwen2.5:7b had a server error, llama3.2:3b timed out, phi3:mini refused the connection',
		);
		expect(e.details).toMatch(
			/^Attempts: 1\. qwen2\.5:7b \(\d+ ms\): HTTP 500: runner stopped \| 2\. llama3\.2:3b \(\d+ ms\): timed out \| 3\. phi3:mini \(\d+ ms\): ECONNREFUSED$/,
		);
		expect(e.attempts.map((a) => a.model)).toEqual(['qwen2.5:7b', 'llama3.2:3b', 'phi3:mini']);
	});

	it('stops at once when the execution is cancelled', async () => {
		const { ollama, calls } = scriptedOllama({
			'qwen2.5:7b': [{ fail: 'aborted' }],
			'llama3.2:3b': ['never'],
		});
		const error = (await dispatch(
			request({ complexity: 'high' }),
			config,
			state,
			fakePorts(ollama),
		).catch((e: unknown) => e)) as DispatcherError;
		expect(error.code).toBe('ABORTED');
		expect(calls).toHaveLength(1);
	});

	it('does not try excluded models', async () => {
		const { ollama, calls } = scriptedOllama({ 'llama3.2:3b': ['ok'] });
		const result = await dispatch(
			request({ complexity: 'high' }),
			config,
			state,
			fakePorts(ollama),
			{
				excluded: new Map([['qwen2.5:7b', 'circuit open']]),
			},
		);
		expect(result.model).toBe('llama3.2:3b');
		expect(calls.map((c) => c.model)).toEqual(['llama3.2:3b']);
	});

	it('sends chat messages and analyses only the user turns', async () => {
		const { ollama, calls } = scriptedOllama({ 'phi3:mini': ['hi'] });
		const messages = [
			{ role: 'system' as const, content: 'x '.repeat(5000) },
			{ role: 'user' as const, content: 'Hello!' },
		];
		const result = await dispatch(
			request({ prompt: undefined, messages }),
			config,
			state,
			fakePorts(ollama),
		);
		expect(result.complexity.tier).toBe('low');
		expect(calls[0].messages).toEqual(messages);
	});
});

describe('decide', () => {
	it.each([[''], ['   \n\t ']])('rejects an empty prompt %j with INPUT_INVALID', (prompt) => {
		expect(() => decide(request({ prompt }), config, 0)).toThrow(
			expect.objectContaining({ code: 'INPUT_INVALID', message: 'The prompt is empty' }),
		);
	});

	it('throws NO_CANDIDATE through dispatch when every model is excluded', async () => {
		const { ollama } = scriptedOllama({});
		const excluded = new Map(config.models.map((m) => [m.name, 'circuit open']));
		await expect(
			dispatch(request(), config, state, fakePorts(ollama), { excluded }),
		).rejects.toMatchObject({ code: 'NO_CANDIDATE' });
	});
});
