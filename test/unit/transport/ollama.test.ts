import type { GenerateCall } from '../../../nodes/AiDispatcher/engine/ports';
import { createOllamaClient, usageFrom } from '../../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../../support/http-port';
import { closedPort } from '../../support/loopback';
import {
	startOllamaSimulator,
	type FaultKind,
	type OllamaSimulator,
} from '../../support/simulator';
import { failure } from '../../support/transport-failure';

let sim: OllamaSimulator;
const ollama = createOllamaClient(fetchHttpPort());

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => sim.clearFaults());

const call = (extra: Partial<GenerateCall> = {}): GenerateCall => ({
	baseUrl: sim.url,
	model: 'llama3.2:3b',
	prompt: 'Summarize: the quarterly numbers look good and the launch is on track',
	format: { type: 'text' },
	options: {},
	timeoutMs: 5_000,
	...extra,
});

describe('generate (streamed NDJSON)', () => {
	it("concatenates every chunk and converts the final chunk's nanoseconds into usage", async () => {
		const outcome = await ollama.generate(call());
		expect(outcome.text).toMatch(/^\[llama3\.2:3b\] /);
		expect(outcome.usage.prompt_tokens).toBeGreaterThan(0);
		expect(outcome.usage.completion_tokens).toBeGreaterThan(0);
		expect(outcome.usage.total_ms).toBeGreaterThan(0);
		expect(outcome.usage.tokens_per_s).toBeGreaterThan(0);
	});

	it('uses /api/chat for messages, with the system prompt as the first message', async () => {
		const outcome = await ollama.generate(
			call({
				prompt: undefined,
				system: 'Be brief.',
				messages: [{ role: 'user', content: 'What is an SLA?' }],
			}),
		);
		expect(outcome.text.length).toBeGreaterThan(0);
		expect(sim.stats().requests['/api/chat']).toBeGreaterThanOrEqual(1);
	});

	it('asks for JSON with format and gets parseable JSON back', async () => {
		const outcome = await ollama.generate(call({ format: { type: 'json' } }));
		expect(() => JSON.parse(outcome.text)).not.toThrow();
		const schema = {
			type: 'object',
			properties: { priority: { type: 'integer' } },
			required: ['priority'],
		};
		const typed = JSON.parse(
			(await ollama.generate(call({ format: { type: 'jsonSchema', schema } }))).text,
		);
		expect(Number.isInteger(typed.priority)).toBe(true);
	});

	it.each<[FaultKind, string, RegExp]>([
		['http500', 'http_5xx', /^HTTP 500: model runner has unexpectedly stopped/],
		[
			'busy',
			'busy',
			/^HTTP 503: server busy, please try again. {2}maximum pending requests exceeded$/,
		],
		['notfound', 'not_found', /^HTTP 404: model 'llama3\.2:3b' not found$/],
		['oom', 'http_5xx', /^HTTP 500: model requires more system memory/],
		[
			'midstream',
			'stream_error',
			/^error in stream: an error was encountered while running the model/,
		],
		['truncated', 'truncated', /^stream ended without a done:true line/],
		['garbage', 'garbage', /^reply is not Ollama NDJSON: "<html>/],
		['reset', 'connection', /./],
	])('classifies the simulator fault %s as %s', async (fault, kind, message) => {
		sim.setFault('llama3.2:3b', { kind: fault });
		const error = await failure(ollama.generate(call()));
		expect(error.kind).toBe(kind);
		expect(error.message).toMatch(message);
	});

	it('returns an empty text for the "empty" fault (the engine decides it is a failure)', async () => {
		sim.setFault('llama3.2:3b', { kind: 'empty' });
		expect((await ollama.generate(call())).text).toBe('');
	});

	it('times out a hung model within the per-attempt limit', async () => {
		sim.setFault('llama3.2:3b', { kind: 'hang' });
		const error = await failure(ollama.generate(call({ timeoutMs: 300 })));
		expect(error.kind).toBe('timeout');
		expect(error.message).toBe('no complete reply within 300 ms (timed out)'); // the 300 ms limit cut it
	});

	it('reports "aborted", not a timeout, when the caller cancels', async () => {
		sim.setFault('llama3.2:3b', { kind: 'hang' });
		const controller = new AbortController();
		const pending = ollama.generate(call({ cancel: controller.signal, timeoutMs: 10_000 }));
		setTimeout(() => controller.abort(), 50);
		expect((await failure(pending)).kind).toBe('aborted');
	});

	it('reports a refused connection as a connection failure', async () => {
		const error = await failure(
			ollama.generate(call({ baseUrl: `http://127.0.0.1:${await closedPort()}` })),
		);
		expect(error.kind).toBe('connection');
		expect(error.message).toContain('ECONNREFUSED');
	});
});

describe('tags / ps / version', () => {
	it('lists installed models with parsed sizes', async () => {
		const tags = await ollama.tags(sim.url, 2_000);
		const names = tags.map((t) => t.name).sort();
		expect(names).toEqual(['llama3.2:3b', 'phi3:mini', 'qwen2.5:7b']);
		const qwen = tags.find((t) => t.name === 'qwen2.5:7b');
		expect(qwen).toMatchObject({
			parameterSize: '7.6B',
			parameterBillions: 7.6,
			sizeBytes: 4683075271,
		});
	});

	it('shows a model as loaded after a call', async () => {
		await ollama.generate(call({ model: 'phi3:mini' }));
		const loaded = await ollama.ps(sim.url, 2_000);
		const phi = loaded.find((l) => l.name === 'phi3:mini');
		expect(phi?.sizeBytes).toBeGreaterThan(0);
		expect(phi?.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
	});

	it('reads the version, and calls a non-Ollama reply garbage', async () => {
		expect(await ollama.version(sim.url, 2_000)).toMatch(/^\d+\.\d+\.\d+$/);
		const error = await failure(ollama.tags(`${sim.url}/not-ollama`, 2_000));
		expect(error.kind).toBe('not_found');
	});
});

describe('ping (GET /)', () => {
	it('resolves when Ollama answers, and classifies refused and non-200 replies', async () => {
		await expect(ollama.ping(sim.url, 2_000)).resolves.toBeUndefined();
		const refused = await failure(ollama.ping(`http://127.0.0.1:${await closedPort()}`, 2_000));
		expect(refused.kind).toBe('connection');
		const missing = await failure(ollama.ping(`${sim.url}/not-ollama`, 2_000));
		expect([missing.kind, missing.status]).toEqual(['not_found', 404]);
	});
});

describe('usageFrom', () => {
	it('converts nanoseconds and guards missing or bogus fields', () => {
		expect(
			usageFrom({
				total_duration: 2_500_000_000,
				load_duration: 1_000_000,
				prompt_eval_count: 26,
				eval_count: 100,
				eval_duration: 2e9,
			}),
		).toEqual({
			prompt_tokens: 26,
			completion_tokens: 100,
			total_ms: 2500,
			load_ms: 1,
			tokens_per_s: 50,
		});
		expect(usageFrom({ eval_count: Number.NaN as unknown as number })).toEqual({
			prompt_tokens: 0,
			completion_tokens: 0,
			total_ms: 0,
			load_ms: 0,
			tokens_per_s: 0,
		});
	});
});
