import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';

import {
	DEFAULT_SIM_MODELS,
	startOllamaSimulator,
	type OllamaSimulator,
	type SimModel,
	type SimulatorOptions,
} from '../../../support/simulator';
import { parseArgs } from '../../../support/simulator-cli';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

const METRIC_KEYS = [
	'total_duration',
	'load_duration',
	'prompt_eval_count',
	'prompt_eval_duration',
	'eval_count',
	'eval_duration',
];
const BUSY_BODY = '{"error":"server busy, please try again.  maximum pending requests exceeded"}';
const PROMPT =
	'Summarise the following report about quarterly revenue growth in the northern region and list the risks';
const PHI_REPLY =
	'[phi3:mini] Summarise the following report about quarterly revenue growth in the northern region';

/** A model slow enough (100 ms per token at timeScale 1) to observe requests while they run. */
const SLOW_MODEL: SimModel = {
	name: 'slow:1b',
	parameterSize: '1B',
	sizeBytes: 1_000_000_000,
	family: 'llama',
	quantization: 'Q4_0',
	loadMs: 100,
	promptTokensPerS: 1000,
	tokensPerS: 10,
};

const started: OllamaSimulator[] = [];

async function start(options: SimulatorOptions = {}): Promise<OllamaSimulator> {
	const sim = await startOllamaSimulator({ timeScale: 0.01, ...options });
	started.push(sim);
	return sim;
}

afterEach(async () => {
	await Promise.all(started.splice(0).map((sim) => sim.close()));
});

interface Reply {
	status: number;
	contentType: string;
	text: string;
}

async function request(
	sim: OllamaSimulator,
	urlPath: string,
	init: RequestInit = {},
): Promise<Reply> {
	const res = await fetch(`${sim.url}${urlPath}`, init);
	return {
		status: res.status,
		contentType: res.headers.get('content-type') ?? '',
		text: await res.text(),
	};
}

function post(sim: OllamaSimulator, urlPath: string, body: unknown): Promise<Reply> {
	return request(sim, urlPath, {
		method: 'POST',
		body: typeof body === 'string' ? body : JSON.stringify(body),
	});
}

async function postJson(sim: OllamaSimulator, urlPath: string, body: unknown): Promise<Json> {
	const reply = await post(sim, urlPath, body);
	expect(reply.status).toBe(200);
	return JSON.parse(reply.text) as Json;
}

function ndjson(text: string): Json[] {
	return text
		.split('\n')
		.filter((line) => line.length > 0)
		.map((line) => JSON.parse(line) as Json);
}

/** A streaming POST over node:http that can be read line by line and aborted. */
interface LiveStream {
	status: number;
	nextLine(): Promise<string | null>;
	abort(): void;
}

function openStream(sim: OllamaSimulator, urlPath: string, body: unknown): Promise<LiveStream> {
	return new Promise((resolve, reject) => {
		const req = http.request(`${sim.url}${urlPath}`, { method: 'POST' }, (res) => {
			const lines: string[] = [];
			let buffer = '';
			let ended = false;
			let wake: (() => void) | undefined;
			const finish = (): void => {
				ended = true;
				wake?.();
			};
			res.setEncoding('utf8');
			res.on('data', (chunk: string) => {
				buffer += chunk;
				for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
					lines.push(buffer.slice(0, i));
					buffer = buffer.slice(i + 1);
				}
				wake?.();
			});
			res.on('end', finish);
			res.on('close', finish);
			res.on('error', finish);
			resolve({
				status: res.statusCode ?? 0,
				async nextLine() {
					while (lines.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
					return lines.shift() ?? null;
				},
				abort: () => req.destroy(),
			});
		});
		req.on('error', reject);
		req.end(JSON.stringify(body));
	});
}

/** Fires a POST whose response never needs reading (for requests that stay queued). */
function fireAndForget(sim: OllamaSimulator, urlPath: string, body: unknown): http.ClientRequest {
	const req = http.request(`${sim.url}${urlPath}`, { method: 'POST' }, (res) => res.resume());
	req.on('error', () => undefined);
	req.end(JSON.stringify(body));
	return req;
}

/** Polls `check` until it returns true (generous bound; this is not a timing assertion). */
async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!(await check())) {
		if (Date.now() > deadline) throw new Error('condition not reached in time');
		await new Promise((r) => setTimeout(r, 10));
	}
}

async function scrape(sim: OllamaSimulator): Promise<Map<string, number>> {
	const { text } = await request(sim, '/metrics');
	const samples = new Map<string, number>();
	for (const line of text.split('\n')) {
		if (line === '' || line.startsWith('#')) continue;
		const space = line.lastIndexOf(' ');
		samples.set(line.slice(0, space), Number(line.slice(space + 1)));
	}
	return samples;
}

function generateBody(model: string, extra: Json = {}): Json {
	return { model, prompt: PROMPT, ...extra };
}

// ---------------------------------------------------------------------------------------------
// Plain endpoints
// ---------------------------------------------------------------------------------------------

describe('plain endpoints', () => {
	it('answers GET and HEAD / with "Ollama is running"', async () => {
		const sim = await start();
		const get = await request(sim, '/');
		expect(get).toEqual({
			status: 200,
			contentType: 'text/plain; charset=utf-8',
			text: 'Ollama is running',
		});
		const head = await request(sim, '/', { method: 'HEAD' });
		expect(head.status).toBe(200);
		expect(head.text).toBe('');
	});

	it('reports version 0.12.6', async () => {
		const sim = await start();
		const reply = await request(sim, '/api/version');
		expect(reply.status).toBe(200);
		expect(reply.text).toBe('{"version":"0.12.6"}');
		expect(reply.contentType).toContain('application/json');
	});

	it('answers unknown routes with 404 and wrong methods with 405', async () => {
		const sim = await start();
		expect(await request(sim, '/api/nope')).toMatchObject({
			status: 404,
			text: '404 page not found',
		});
		expect((await request(sim, '/api/generate')).status).toBe(405);
		expect((await request(sim, '/', { method: 'DELETE' })).status).toBe(405);
	});

	it('lists models in the /api/tags shape, newest first', async () => {
		const sim = await start();
		const body = JSON.parse((await request(sim, '/api/tags')).text) as { models: Json[] };
		expect(body.models.map((m) => m.name)).toEqual(['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b']);
		for (const model of body.models) {
			expect(Object.keys(model)).toEqual([
				'name',
				'model',
				'modified_at',
				'size',
				'digest',
				'details',
			]);
			expect(model.model).toBe(model.name);
			expect(model.digest).toMatch(/^[0-9a-f]{64}$/);
			expect(Object.keys(model.details as Json)).toEqual([
				'parent_model',
				'format',
				'family',
				'families',
				'parameter_size',
				'quantization_level',
			]);
		}
		const dates = body.models.map((m) => Date.parse(m.modified_at as string));
		expect([...dates].sort((a, b) => b - a)).toEqual(dates);
		expect(body.models[1]).toMatchObject({
			size: 2019393189,
			details: {
				parent_model: '',
				format: 'gguf',
				family: 'llama',
				families: ['llama'],
				parameter_size: '3.2B',
				quantization_level: 'Q4_K_M',
			},
		});
		expect(body.models[2]).toMatchObject({
			size: 4683075271,
			details: { parameter_size: '7.6B', family: 'qwen2' },
		});
		expect(body.models[0]).toMatchObject({
			details: { parameter_size: '3.8B', quantization_level: 'Q4_0' },
		});
	});

	it('shows a model and 404s an unknown one', async () => {
		const sim = await start();
		const shown = await postJson(sim, '/api/show', { model: 'qwen2.5:7b' });
		expect(shown.capabilities).toEqual(['completion', 'tools']); // qwen2.5 has tool support (phi3 has not: test/unit/support/simulator/tools.test.ts)
		expect(shown.details).toMatchObject({
			family: 'qwen2',
			parameter_size: '7.6B',
			quantization_level: 'Q4_K_M',
		});
		expect((shown.model_info as Json)['general.parameter_count']).toBe(7_600_000_000);
		expect(await post(sim, '/api/show', { model: 'nope:1b' })).toMatchObject({
			status: 404,
			text: `{"error":"model 'nope:1b' not found"}`,
		});
		expect(await post(sim, '/api/show', {})).toMatchObject({
			status: 400,
			text: '{"error":"model is required"}',
		});
	});

	it('lists loaded models in the /api/ps shape', async () => {
		const empty = await start();
		expect((await request(empty, '/api/ps')).text).toBe('{"models":[]}');

		const sim = await start({ preloaded: ['llama3.2:3b'] });
		const before = Date.now();
		const { models } = JSON.parse((await request(sim, '/api/ps')).text) as { models: Json[] };
		expect(models).toHaveLength(1);
		expect(Object.keys(models[0])).toEqual([
			'name',
			'model',
			'size',
			'digest',
			'details',
			'expires_at',
			'size_vram',
			'context_length',
		]);
		expect(models[0]).toMatchObject({
			name: 'llama3.2:3b',
			size: Math.round(2019393189 * 1.15),
			size_vram: 0,
			context_length: 4096,
			details: { family: 'llama' },
		});
		const expires = Date.parse(models[0].expires_at as string);
		expect(expires).toBeGreaterThanOrEqual(before + 5 * 60_000 - 1000);
		expect(expires).toBeLessThanOrEqual(Date.now() + 5 * 60_000 + 1000);
	});

	it('reports size_vram when a GPU is simulated', async () => {
		const sim = await start({ preloaded: ['phi3:mini'], gpuMemoryBytes: 8 * 2 ** 30 });
		const { models } = JSON.parse((await request(sim, '/api/ps')).text) as { models: Json[] };
		expect(models[0].size_vram).toBe(models[0].size);
	});
});

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

describe('generation', () => {
	it('streams NDJSON generate chunks with metrics only in the final one', async () => {
		const sim = await start();
		const t0 = Date.now();
		const reply = await post(sim, '/api/generate', generateBody('phi3:mini'));
		const wallMs = Date.now() - t0;
		expect(reply.status).toBe(200);
		expect(reply.contentType).toBe('application/x-ndjson');
		expect(reply.text.endsWith('\n')).toBe(true);
		const chunks = ndjson(reply.text);
		const final = chunks[chunks.length - 1];
		const tokens = chunks.slice(0, -1);
		expect(tokens.length).toBeGreaterThan(3);
		for (const chunk of tokens) {
			expect(Object.keys(chunk)).toEqual(['model', 'created_at', 'response', 'done']);
			expect(chunk).toMatchObject({ model: 'phi3:mini', done: false });
			expect(Date.parse(chunk.created_at as string)).not.toBeNaN();
		}
		expect(chunks.map((c) => c.response).join('')).toBe(PHI_REPLY);
		expect(final).toMatchObject({ done: true, done_reason: 'stop', response: '' });
		for (const key of METRIC_KEYS) {
			expect(Number.isInteger(final[key])).toBe(true);
			expect(final[key] as number).toBeGreaterThan(0);
		}
		expect(final.eval_count).toBe(tokens.length);
		expect(final.prompt_eval_count).toBe(Math.ceil(PROMPT.length / 4));
		const parts =
			(final.load_duration as number) +
			(final.prompt_eval_duration as number) +
			(final.eval_duration as number);
		expect(final.total_duration as number).toBeGreaterThanOrEqual(parts);
		expect((final.total_duration as number) / 1e6).toBeLessThanOrEqual(wallMs + 5);
		// the cold load (1500 ms × 0.01) is part of load_duration
		expect(final.load_duration as number).toBeGreaterThanOrEqual(14e6);
	});

	it('streams chat chunks as assistant messages', async () => {
		const sim = await start();
		const reply = await post(sim, '/api/chat', {
			model: 'llama3.2:3b',
			messages: [
				{ role: 'system', content: 'You are terse.' },
				{ role: 'user', content: 'first question' },
				{ role: 'assistant', content: 'an answer' },
				{ role: 'user', content: PROMPT },
			],
		});
		expect(reply.contentType).toBe('application/x-ndjson');
		const chunks = ndjson(reply.text);
		const final = chunks[chunks.length - 1];
		for (const chunk of chunks.slice(0, -1)) {
			expect(Object.keys(chunk)).toEqual(['model', 'created_at', 'message', 'done']);
			expect((chunk.message as Json).role).toBe('assistant');
		}
		const text = chunks.map((c) => (c.message as Json).content).join('');
		expect(text).toBe(PHI_REPLY.replace('phi3:mini', 'llama3.2:3b'));
		expect(final).toMatchObject({
			done: true,
			done_reason: 'stop',
			message: { role: 'assistant', content: '' },
		});
		for (const key of METRIC_KEYS) expect(Number.isInteger(final[key])).toBe(true);
	});

	it('answers stream:false with one JSON object holding the whole text', async () => {
		const sim = await start();
		const generate = await post(sim, '/api/generate', generateBody('phi3:mini', { stream: false }));
		expect(generate.contentType).toContain('application/json');
		const body = JSON.parse(generate.text) as Json;
		expect(body).toMatchObject({
			model: 'phi3:mini',
			response: PHI_REPLY,
			done: true,
			done_reason: 'stop',
		});
		for (const key of METRIC_KEYS) expect(Number.isInteger(body[key])).toBe(true);

		const chat = await postJson(sim, '/api/chat', {
			model: 'phi3:mini',
			messages: [{ role: 'user', content: 'hello there' }],
			stream: false,
		});
		expect(chat.message).toEqual({ role: 'assistant', content: '[phi3:mini] hello there' });
	});

	it('caps the reply at options.num_predict with done_reason "length"', async () => {
		const sim = await start();
		const body = await postJson(
			sim,
			'/api/generate',
			generateBody('phi3:mini', { stream: false, options: { num_predict: 3 } }),
		);
		expect(body).toMatchObject({
			done_reason: 'length',
			eval_count: 3,
			response: '[phi3:mini] Summarise the',
		});
	});

	it('uses the respond callback', async () => {
		const seen: Json[] = [];
		const sim = await start({
			respond: (req) => {
				seen.push(req as unknown as Json);
				return `custom reply for ${req.model}`;
			},
		});
		const body = await postJson(
			sim,
			'/api/generate',
			generateBody('qwen2.5:7b', { system: 'be brief', stream: false }),
		);
		expect(body.response).toBe('custom reply for qwen2.5:7b');
		expect(seen[0]).toMatchObject({ model: 'qwen2.5:7b', prompt: PROMPT, system: 'be brief' });
		const messages = [{ role: 'user', content: 'chat text' }];
		await postJson(sim, '/api/chat', {
			model: 'phi3:mini',
			messages,
			stream: false,
			format: 'json',
		});
		expect(seen[1]).toMatchObject({
			model: 'phi3:mini',
			prompt: 'chat text',
			messages,
			format: 'json',
		});
	});

	it('returns a JSON object for format "json"', async () => {
		const sim = await start();
		const body = await postJson(
			sim,
			'/api/generate',
			generateBody('phi3:mini', { format: 'json', stream: false }),
		);
		expect(JSON.parse(body.response as string)).toEqual({ summary: PHI_REPLY, model: 'phi3:mini' });
	});

	it('returns an object satisfying a JSON schema', async () => {
		const sim = await start();
		const schema = {
			type: 'object',
			properties: {
				title: { type: 'string' },
				score: { type: 'number', minimum: 2 },
				count: { type: 'integer' },
				ok: { type: 'boolean' },
				level: { type: 'string', enum: ['low', 'high'] },
				tags: { type: 'array', items: { type: 'string' } },
				nested: {
					type: 'object',
					properties: { n: { type: 'integer', maximum: 0 } },
					required: ['n'],
				},
			},
			required: ['title', 'score', 'extra'],
		};
		const body = await postJson(sim, '/api/chat', {
			model: 'qwen2.5:7b',
			messages: [{ role: 'user', content: 'rate this' }],
			format: schema,
			stream: false,
		});
		const value = JSON.parse((body.message as Json).content as string) as Json;
		expect(typeof value.title).toBe('string');
		expect(value.score).toBeGreaterThanOrEqual(2);
		expect(Number.isInteger(value.count)).toBe(true);
		expect(value.ok).toBe(true);
		expect(value.level).toBe('low');
		expect(
			Array.isArray(value.tags) && (value.tags as unknown[]).every((t) => typeof t === 'string'),
		).toBe(true);
		expect((value.nested as Json).n).toBeLessThanOrEqual(0);
		expect(Number.isInteger((value.nested as Json).n)).toBe(true);
		expect(value).toHaveProperty('extra');
	});

	it('treats an empty prompt / empty messages as a load-only call', async () => {
		const sim = await start();
		const generate = await post(sim, '/api/generate', { model: 'phi3:mini' });
		expect(generate.contentType).toContain('application/json');
		expect(JSON.parse(generate.text)).toMatchObject({
			model: 'phi3:mini',
			response: '',
			done: true,
			done_reason: 'load',
		});
		expect(sim.loadedModels()).toEqual(['phi3:mini']);
		const chat = await postJson(sim, '/api/chat', { model: 'qwen2.5:7b', messages: [] });
		expect(chat).toMatchObject({
			message: { role: 'assistant', content: '' },
			done: true,
			done_reason: 'load',
		});
		expect(sim.loadedModels().sort()).toEqual(['phi3:mini', 'qwen2.5:7b']);
		expect(sim.stats().loads).toMatchObject({ 'phi3:mini': 1, 'qwen2.5:7b': 1 });
		expect(sim.stats().generations).toMatchObject({ 'phi3:mini': 0, 'qwen2.5:7b': 0 });
	});

	it('unloads on an empty prompt with keep_alive 0', async () => {
		const sim = await start({ preloaded: ['phi3:mini'] });
		const body = await postJson(sim, '/api/generate', { model: 'phi3:mini', keep_alive: 0 });
		expect(body).toMatchObject({ done: true, done_reason: 'unload' });
		expect(sim.loadedModels()).toEqual([]);
	});

	it('honours keep_alive from the request and keepAliveMs by default', async () => {
		const sim = await start({ keepAliveMs: 40 });
		await postJson(
			sim,
			'/api/generate',
			generateBody('phi3:mini', { stream: false, keep_alive: 0 }),
		);
		expect(sim.loadedModels()).toEqual([]);

		await postJson(
			sim,
			'/api/generate',
			generateBody('phi3:mini', { stream: false, keep_alive: '10m' }),
		);
		await postJson(
			sim,
			'/api/generate',
			generateBody('qwen2.5:7b', { stream: false, keep_alive: -1 }),
		);
		const { models } = JSON.parse((await request(sim, '/api/ps')).text) as { models: Json[] };
		expect(models.map((m) => m.name)).toEqual(['qwen2.5:7b', 'phi3:mini']); // latest expiry first
		expect(Date.parse(models[0].expires_at as string)).toBeGreaterThan(Date.parse('2200-01-01'));
		const phiExpiry = Date.parse(models[1].expires_at as string) - Date.now();
		expect(phiExpiry).toBeGreaterThan(9 * 60_000);
		expect(phiExpiry).toBeLessThanOrEqual(10 * 60_000);

		await postJson(sim, '/api/generate', generateBody('llama3.2:3b', { stream: false }));
		expect(sim.loadedModels()).toContain('llama3.2:3b');
		await waitFor(() => !sim.loadedModels().includes('llama3.2:3b'));
		expect(sim.loadedModels().sort()).toEqual(['phi3:mini', 'qwen2.5:7b']);
	});
});

// ---------------------------------------------------------------------------------------------
// Error texts, byte for byte
// ---------------------------------------------------------------------------------------------

describe('errors', () => {
	const cases: Array<[string, string, string | Json, number, string]> = [
		['generate without body', '/api/generate', '', 400, '{"error":"missing request body"}'],
		['chat without body', '/api/chat', '', 400, '{"error":"missing request body"}'],
		[
			'malformed JSON',
			'/api/generate',
			'{"model": x}',
			400,
			`{"error":"invalid character 'x' looking for beginning of value"}`,
		],
		['truncated JSON', '/api/chat', '{"model":"phi3:mini"', 400, '{"error":"unexpected EOF"}'],
		[
			'wrong field type',
			'/api/generate',
			{ model: 5 },
			400,
			'{"error":"json: cannot unmarshal number into Go struct field GenerateRequest.model of type string"}',
		],
		['chat without model', '/api/chat', { messages: [] }, 400, '{"error":"model is required"}'],
		['generate without model', '/api/generate', {}, 404, `{"error":"model '' not found"}`],
		[
			'unknown model (generate)',
			'/api/generate',
			{ model: 'llama9', prompt: 'hi' },
			404,
			`{"error":"model 'llama9' not found"}`,
		],
		[
			'unknown model (chat)',
			'/api/chat',
			{ model: 'llama9', messages: [{ role: 'user', content: 'hi' }] },
			404,
			`{"error":"model 'llama9' not found"}`,
		],
		[
			'invalid format',
			'/api/generate',
			{ model: 'phi3:mini', prompt: 'hi', format: 'xml' },
			500,
			String.raw`{"error":"invalid format: \"\\\"xml\\\"\"; expected \"json\" or a valid JSON Schema object"}`,
		],
		[
			'wrong-typed option',
			'/api/generate',
			{ model: 'phi3:mini', prompt: 'hi', options: { temperature: 'hot' } },
			500,
			String.raw`{"error":"option \"temperature\" must be of type float32"}`,
		],
		[
			'keep_alive of a wrong type',
			'/api/generate',
			{ model: 'phi3:mini', keep_alive: true },
			400,
			`{"error":"Unsupported type: 'bool'"}`,
		],
		[
			'keep_alive not a duration',
			'/api/generate',
			{ model: 'phi3:mini', keep_alive: 'soon' },
			400,
			String.raw`{"error":"time: invalid duration \"soon\""}`,
		],
	];

	it.each(cases)('%s', async (_name, urlPath, body, status, text) => {
		const sim = await start();
		const reply = await post(sim, urlPath, body);
		expect(reply).toEqual({ status, contentType: 'application/json; charset=utf-8', text });
	});

	it('keeps the Go-quoted format error readable', async () => {
		const sim = await start();
		const reply = await post(sim, '/api/chat', {
			model: 'phi3:mini',
			messages: [{ role: 'user', content: 'x' }],
			format: 5,
		});
		expect((JSON.parse(reply.text) as Json).error).toBe(
			'invalid format: "5"; expected "json" or a valid JSON Schema object',
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

describe('faults', () => {
	const body = generateBody('qwen2.5:7b');

	it('reset destroys the connection without a response', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'reset' } } });
		await expect(post(sim, '/api/generate', body)).rejects.toThrow();
		expect(sim.stats().faultsInjected['qwen2.5:7b']).toBe(1);
	});

	it.each([
		[
			'http500',
			500,
			'{"error":"model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details"}',
		],
		['busy', 503, BUSY_BODY],
		['notfound', 404, `{"error":"model 'qwen2.5:7b' not found"}`],
		[
			'oom',
			500,
			'{"error":"model requires more system memory (5.0 GiB) than is available (3.9 GiB)"}',
		],
	] as const)('%s answers with the exact Ollama error', async (kind, status, text) => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind } } });
		expect(await post(sim, '/api/generate', body)).toEqual({
			status,
			contentType: 'application/json; charset=utf-8',
			text,
		});
		expect(
			await post(sim, '/api/chat', {
				model: 'qwen2.5:7b',
				messages: [{ role: 'user', content: 'x' }],
			}),
		).toMatchObject({ status, text });
		expect(sim.stats()).toMatchObject({
			generations: { 'qwen2.5:7b': 2 },
			faultsInjected: { 'qwen2.5:7b': 2 },
		});
		// other models are unaffected
		expect((await post(sim, '/api/generate', generateBody('phi3:mini'))).status).toBe(200);
	});

	it('garbage answers 200 with lines that are not JSON', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'garbage' } } });
		const reply = await post(sim, '/api/generate', body);
		expect(reply.status).toBe(200);
		expect(reply.text).toContain('<html>');
		const lines = reply.text.split('\n').filter((l) => l.length > 0);
		expect(lines.length).toBeGreaterThan(0);
		for (const line of lines) expect(() => JSON.parse(line)).toThrow();
	});

	it('hang never answers, and the client can give up', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'hang' } } });
		const t0 = Date.now();
		await expect(
			request(sim, '/api/generate', {
				method: 'POST',
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(150),
			}),
		).rejects.toThrow();
		expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
		sim.clearFaults();
		expect((await post(sim, '/api/generate', body)).status).toBe(200);
	});

	it('midstream sends a few tokens then an error line and no done:true', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'midstream' } } });
		const reply = await post(sim, '/api/generate', body);
		expect(reply.status).toBe(200);
		expect(reply.contentType).toBe('application/x-ndjson');
		const lines = reply.text.trimEnd().split('\n');
		expect(lines[lines.length - 1]).toBe(
			'{"error":"an error was encountered while running the model: unexpected EOF"}',
		);
		const tokens = lines.slice(0, -1).map((l) => JSON.parse(l) as Json);
		expect(tokens.length).toBeGreaterThan(0);
		expect(tokens.every((t) => t.done === false)).toBe(true);

		const unstreamed = await post(sim, '/api/generate', { ...body, stream: false });
		expect(unstreamed).toMatchObject({
			status: 500,
			text: '{"error":"an error was encountered while running the model: unexpected EOF"}',
		});
	});

	it('truncated ends the stream after a few tokens without done:true', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'truncated' } } });
		const reply = await post(sim, '/api/generate', body);
		expect(reply.status).toBe(200);
		const chunks = ndjson(reply.text);
		expect(chunks.length).toBeGreaterThan(0);
		expect(chunks.every((c) => c.done === false && c.error === undefined)).toBe(true);
		const unstreamed = await post(sim, '/api/generate', { ...body, stream: false });
		expect(unstreamed.status).toBe(200);
		expect(() => JSON.parse(unstreamed.text)).toThrow();
	});

	it('empty streams a normal reply with no text', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'empty' } } });
		const chunks = ndjson((await post(sim, '/api/generate', body)).text);
		expect(chunks).toHaveLength(1);
		expect(chunks[0]).toMatchObject({
			done: true,
			done_reason: 'stop',
			response: '',
			eval_count: 0,
		});
	});

	it('badjson breaks JSON replies only', async () => {
		const sim = await start({ faults: { 'qwen2.5:7b': { kind: 'badjson' } } });
		const json = await postJson(sim, '/api/generate', { ...body, format: 'json', stream: false });
		expect(json.done).toBe(true);
		expect(() => JSON.parse(json.response as string)).toThrow();
		const plain = await postJson(sim, '/api/generate', { ...body, stream: false });
		expect(plain.response).toBe(PHI_REPLY.replace('phi3:mini', 'qwen2.5:7b'));
		expect(sim.stats().faultsInjected['qwen2.5:7b']).toBe(1);
	});

	it('slow multiplies the latencies', async () => {
		const model: SimModel = { ...SLOW_MODEL, tokensPerS: 100 }; // 1 ms per token at scale 0.1, 10 ms when slow
		const sim = await start({ models: [model], timeScale: 0.1, preloaded: [model.name] });
		const args = { model: model.name, prompt: PROMPT, stream: false };
		const normal = await postJson(sim, '/api/generate', args);
		sim.setFault(model.name, { kind: 'slow', factor: 10 });
		const slow = await postJson(sim, '/api/generate', args);
		const evalCount = slow.eval_count as number;
		expect(slow.response).toBe(normal.response);
		expect(slow.eval_duration as number).toBeGreaterThanOrEqual(evalCount * 10e6 * 0.8);
		expect(normal.eval_duration as number).toBeLessThan((slow.eval_duration as number) / 3);
	});

	it('combines several faults: slow plus another kind', async () => {
		const sim = await start({
			faults: { 'phi3:mini': [{ kind: 'slow', factor: 2 }, { kind: 'empty' }] },
		});
		const reply = await postJson(
			sim,
			'/api/generate',
			generateBody('phi3:mini', { stream: false }),
		);
		expect(reply.response).toBe('');
		expect(sim.stats().faultsInjected['phi3:mini']).toBe(1);
	});

	it('draws fault rates deterministically from the seed', async () => {
		const pattern = async (seed: number): Promise<number[]> => {
			const sim = await start({ seed, faults: { 'phi3:mini': { kind: 'http500', rate: 0.5 } } });
			const statuses: number[] = [];
			for (let i = 0; i < 24; i++) {
				statuses.push(
					(
						await post(
							sim,
							'/api/generate',
							generateBody('phi3:mini', { stream: false, options: { num_predict: 1 } }),
						)
					).status,
				);
			}
			expect(sim.stats().faultsInjected['phi3:mini']).toBe(
				statuses.filter((s) => s === 500).length,
			);
			return statuses;
		};
		const first = await pattern(7);
		expect(first).toContain(200);
		expect(first).toContain(500);
		expect(await pattern(7)).toEqual(first);
		expect(await pattern(8)).not.toEqual(first);
	});

	it('rejects unknown fault kinds', async () => {
		const sim = await start();
		expect(() => sim.setFault('phi3:mini', { kind: 'meteor' as never })).toThrow(
			/unknown fault kind/,
		);
	});
});

// ---------------------------------------------------------------------------------------------
// Scheduling
// ---------------------------------------------------------------------------------------------

describe('scheduling', () => {
	const longPrompt = 'word '.repeat(400); // 500 prompt tokens

	async function concurrent(
		sim: OllamaSimulator,
		n: number,
		model = 'phi3:mini',
	): Promise<Reply[]> {
		return Promise.all(
			Array.from({ length: n }, () =>
				post(sim, '/api/generate', { model, prompt: longPrompt, stream: false }),
			),
		);
	}

	it('serialises generations with numParallel=1 and counts the wait in load_duration', async () => {
		const sim = await start({ timeScale: 0.05, numParallel: 1, preloaded: ['phi3:mini'] });
		const replies = await concurrent(sim, 3);
		expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
		expect(sim.stats().maxInFlight['phi3:mini']).toBe(1);
		const bodies = replies.map((r) => JSON.parse(r.text) as Json);
		const loads = bodies.map((b) => b.load_duration as number).sort((a, b) => a - b);
		const oneGeneration =
			(bodies[0].prompt_eval_duration as number) + (bodies[0].eval_duration as number);
		expect(loads[2]).toBeGreaterThanOrEqual(oneGeneration); // the last one waited for at least one other
	});

	it('runs numParallel=4 generations at once', async () => {
		const sim = await start({ timeScale: 0.05, numParallel: 4, preloaded: ['phi3:mini'] });
		const replies = await concurrent(sim, 4);
		expect(replies.every((r) => r.status === 200)).toBe(true);
		expect(sim.stats().maxInFlight['phi3:mini']).toBe(4);
	});

	it('never rejects requests for a loaded model, however many wait', async () => {
		const sim = await start({ numParallel: 1, maxQueue: 1, preloaded: ['phi3:mini'] });
		const replies = await concurrent(sim, 6);
		expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
	});

	it('answers a fast 503 beyond maxQueue while a model loads', async () => {
		const sim = await start({ timeScale: 0.1, maxQueue: 1 }); // qwen load: 400 ms
		const timed = Array.from({ length: 4 }, () =>
			post(
				sim,
				'/api/generate',
				generateBody('qwen2.5:7b', { stream: false, options: { num_predict: 1 } }),
			).then((r) => ({
				...r,
				// Whether the model had finished loading when this reply arrived.
				loadedBefore: sim.loadedModels().includes('qwen2.5:7b'),
			})),
		);
		const replies = await Promise.all(timed);
		const busy = replies.filter((r) => r.status === 503);
		expect(replies.filter((r) => r.status === 200)).toHaveLength(2);
		expect(replies.filter((r) => r.status === 200).every((r) => r.loadedBefore)).toBe(true);
		expect(busy).toHaveLength(2);
		for (const reply of busy) {
			expect(reply.text).toBe(BUSY_BODY);
			expect(reply.loadedBefore).toBe(false); // answered at once, while the model still loaded
		}
		expect(sim.stats().loads['qwen2.5:7b']).toBe(1);
	});

	it('loads a cold model once, then serves it warm', async () => {
		const sim = await start({ timeScale: 0.02 }); // qwen load: 80 ms
		const args = generateBody('qwen2.5:7b', { stream: false, options: { num_predict: 2 } });
		const cold = await postJson(sim, '/api/generate', args);
		const warm = await postJson(sim, '/api/generate', args);
		expect(cold.load_duration as number).toBeGreaterThanOrEqual(80e6 * 0.9);
		expect(warm.load_duration as number).toBeLessThan((cold.load_duration as number) / 2);
		expect(sim.stats().loads['qwen2.5:7b']).toBe(1);
		const { models } = JSON.parse((await request(sim, '/api/ps')).text) as { models: Json[] };
		expect(models.map((m) => m.name)).toEqual(['qwen2.5:7b']);
	});

	it('evicts the least recently used model beyond maxLoadedModels', async () => {
		const sim = await start({ maxLoadedModels: 2 });
		const run = (model: string): Promise<Json> =>
			postJson(
				sim,
				'/api/generate',
				generateBody(model, { stream: false, options: { num_predict: 1 } }),
			);
		await run('phi3:mini');
		await run('llama3.2:3b');
		await run('phi3:mini'); // phi3 is now the most recently used
		await run('qwen2.5:7b');
		expect(sim.loadedModels().sort()).toEqual(['phi3:mini', 'qwen2.5:7b']);
		expect(sim.stats().loads).toEqual({ 'phi3:mini': 1, 'llama3.2:3b': 1, 'qwen2.5:7b': 1 });
	});

	it('frees the slot and stops generating when the client disconnects', async () => {
		const sim = await start({
			models: [SLOW_MODEL],
			timeScale: 1,
			preloaded: [SLOW_MODEL.name],
			numParallel: 1,
		});
		const stream = await openStream(sim, '/api/generate', {
			model: SLOW_MODEL.name,
			prompt: PROMPT,
		});
		expect(stream.status).toBe(200);
		expect(JSON.parse((await stream.nextLine()) as string)).toMatchObject({ done: false });
		stream.abort();
		await waitFor(
			async () => (await scrape(sim)).get('ollama_requests_in_flight{model="slow:1b"}') === 0,
		);
		// the slot is free: a short request is served at once, not after the ~1.3 s left of the first one
		const t0 = Date.now();
		const next = await postJson(sim, '/api/generate', {
			model: SLOW_MODEL.name,
			prompt: 'hi',
			stream: false,
			options: { num_predict: 1 },
		});
		expect(next.done).toBe(true);
		expect(Date.now() - t0).toBeLessThan(900);
		expect((await scrape(sim)).get('ollama_requests_total{model="slow:1b",status="error"}')).toBe(
			1,
		);
	});

	it('refuses connections while down and comes back on the same port', async () => {
		const sim = await start();
		const { url, port } = sim;
		await sim.setServerDown(true);
		const error = (await fetch(`${url}/`).then(
			() => null,
			(e: unknown) => e,
		)) as { cause?: { code?: string } } | null;
		expect(error?.cause?.code).toBe('ECONNREFUSED');
		await sim.setServerDown(false);
		expect(sim.port).toBe(port);
		expect(sim.url).toBe(url);
		expect((await request(sim, '/')).text).toBe('Ollama is running');
	});

	it('close() ends hung requests', async () => {
		const sim = await startOllamaSimulator({ faults: { 'phi3:mini': { kind: 'hang' } } });
		const pending = post(sim, '/api/generate', generateBody('phi3:mini')).then(
			() => 'answered',
			() => 'failed',
		);
		await waitFor(() => sim.stats().generations['phi3:mini'] === 1);
		await sim.close();
		// A hung request never ends by itself: only close() can have ended it.
		expect(await pending).toBe('failed');
	});
});

// ---------------------------------------------------------------------------------------------
// Prometheus metrics
// ---------------------------------------------------------------------------------------------

describe('/metrics', () => {
	const SAMPLE_LINE =
		/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? -?([0-9.e+-]+|\+Inf|NaN)$/;

	it('is valid exposition text with a series per configured model', async () => {
		const sim = await start();
		await postJson(sim, '/api/generate', generateBody('phi3:mini', { stream: false }));
		const reply = await request(sim, '/metrics');
		expect(reply.status).toBe(200);
		expect(reply.contentType).toContain('version=0.0.4');
		const lines = reply.text.trimEnd().split('\n');
		for (const line of lines) {
			if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
			expect(line).toMatch(SAMPLE_LINE);
		}
		const types = lines
			.filter((l) => l.startsWith('# TYPE '))
			.map((l) => l.split(' ').slice(2).join(' '));
		expect(types).toEqual([
			'ollama_up gauge',
			'ollama_requests_in_flight gauge',
			'ollama_requests_queued gauge',
			'ollama_requests_total counter',
			'ollama_request_duration_seconds histogram',
			'ollama_model_loaded gauge',
			'ollama_model_vram_bytes gauge',
		]);
		const samples = await scrape(sim);
		expect(samples.get('ollama_up')).toBe(1);
		for (const { name } of DEFAULT_SIM_MODELS) {
			for (const metric of [
				'ollama_requests_in_flight',
				'ollama_requests_queued',
				'ollama_model_loaded',
				'ollama_model_vram_bytes',
			]) {
				expect(samples.has(`${metric}{model="${name}"}`)).toBe(true);
			}
			expect(samples.has(`ollama_request_duration_seconds_bucket{model="${name}",le="+Inf"}`)).toBe(
				true,
			);
		}
		const le = [...samples.keys()]
			.filter((k) => k.startsWith('ollama_request_duration_seconds_bucket{model="phi3:mini"'))
			.map((k) => /le="([^"]+)"/.exec(k)?.[1]);
		expect(le).toEqual(['0.1', '0.25', '0.5', '1', '2.5', '5', '10', '30', '60', '+Inf']);
		expect(samples.get('ollama_requests_total{model="phi3:mini",status="ok"}')).toBe(1);
		expect(samples.get('ollama_requests_total{model="qwen2.5:7b",status="ok"}')).toBe(0);
		expect(samples.get('ollama_request_duration_seconds_count{model="phi3:mini"}')).toBe(1);
		expect(samples.get('ollama_request_duration_seconds_sum{model="phi3:mini"}')).toBeGreaterThan(
			0,
		);
		expect(samples.get('ollama_model_loaded{model="phi3:mini"}')).toBe(1);
		expect(samples.get('ollama_model_loaded{model="qwen2.5:7b"}')).toBe(0);
		expect(samples.get('ollama_model_vram_bytes{model="phi3:mini"}')).toBe(
			Math.round(DEFAULT_SIM_MODELS[0].sizeBytes * 1.15),
		);
		expect(samples.has('DCGM_FI_DEV_FB_FREE{gpu="0"}')).toBe(false);
	});

	it('reflects in-flight and queued requests live', async () => {
		const sim = await start({
			models: [SLOW_MODEL],
			timeScale: 1,
			preloaded: [SLOW_MODEL.name],
			numParallel: 1,
		});
		const key = (metric: string): string => `${metric}{model="slow:1b"}`;
		const first = await openStream(sim, '/api/generate', {
			model: SLOW_MODEL.name,
			prompt: PROMPT,
		});
		await first.nextLine();
		const second = fireAndForget(sim, '/api/generate', { model: SLOW_MODEL.name, prompt: PROMPT });
		await waitFor(async () => (await scrape(sim)).get(key('ollama_requests_queued')) === 1);
		const busy = await scrape(sim);
		expect(busy.get(key('ollama_requests_in_flight'))).toBe(1);
		expect(busy.get(key('ollama_requests_queued'))).toBe(1);
		first.abort();
		second.destroy();
		await waitFor(async () => {
			const idle = await scrape(sim);
			return (
				idle.get(key('ollama_requests_in_flight')) === 0 &&
				idle.get(key('ollama_requests_queued')) === 0
			);
		});
	});

	it('exports GPU memory in MiB when gpuMemoryBytes is set', async () => {
		const sim = await start({ gpuMemoryBytes: 8 * 2 ** 30, preloaded: ['llama3.2:3b'] });
		const samples = await scrape(sim);
		const used = Math.round(Math.round(2019393189 * 1.15) / 2 ** 20);
		expect(samples.get('DCGM_FI_DEV_FB_USED{gpu="0"}')).toBe(used);
		expect(samples.get('DCGM_FI_DEV_FB_FREE{gpu="0"}')).toBe(8192 - used);
		await postJson(sim, '/api/generate', { model: 'llama3.2:3b', keep_alive: 0 });
		expect((await scrape(sim)).get('DCGM_FI_DEV_FB_FREE{gpu="0"}')).toBe(8192);
	});
});

// ---------------------------------------------------------------------------------------------
// Control endpoints and stats
// ---------------------------------------------------------------------------------------------

describe('control endpoints', () => {
	it('sets and clears faults over HTTP', async () => {
		const sim = await start();
		const set = await post(sim, '/__sim/faults', {
			model: 'qwen2.5:7b',
			faults: [{ kind: 'http500' }],
		});
		expect(set.status).toBe(200);
		expect((await post(sim, '/api/generate', generateBody('qwen2.5:7b'))).status).toBe(500);
		await post(sim, '/__sim/faults', { model: 'qwen2.5:7b', faults: null });
		expect((await post(sim, '/api/generate', generateBody('qwen2.5:7b'))).status).toBe(200);
		expect(
			(await post(sim, '/__sim/faults', { model: 'qwen2.5:7b', faults: [{ kind: 'meteor' }] }))
				.status,
		).toBe(400);
		expect(
			(
				await post(sim, '/__sim/faults', {
					model: 'qwen2.5:7b',
					faults: [{ kind: 'busy', rate: 2 }],
				})
			).status,
		).toBe(400);
	});

	it('serves stats and resets faults and stats', async () => {
		const sim = await start({ faults: { 'phi3:mini': { kind: 'busy' } } });
		await post(sim, '/api/generate', generateBody('phi3:mini'));
		await post(sim, '/api/chat', {
			model: 'llama3.2:3b',
			messages: [{ role: 'user', content: 'hi' }],
		});
		const stats = JSON.parse((await request(sim, '/__sim/stats')).text) as Json;
		expect(stats).toEqual(sim.stats());
		expect(stats).toEqual({
			requests: { '/api/generate': 1, '/api/chat': 1 },
			generations: { 'phi3:mini': 1, 'llama3.2:3b': 1, 'qwen2.5:7b': 0 },
			faultsInjected: { 'phi3:mini': 1, 'llama3.2:3b': 0, 'qwen2.5:7b': 0 },
			maxInFlight: { 'phi3:mini': 0, 'llama3.2:3b': 1, 'qwen2.5:7b': 0 },
			loads: { 'phi3:mini': 0, 'llama3.2:3b': 1, 'qwen2.5:7b': 0 },
		});
		expect((await post(sim, '/__sim/reset', '')).status).toBe(200);
		expect(sim.stats().requests).toEqual({});
		expect(sim.stats().generations['phi3:mini']).toBe(0);
		expect((await post(sim, '/api/generate', generateBody('phi3:mini'))).status).toBe(200);
	});

	it('resetStats() clears the counters', async () => {
		const sim = await start();
		await post(sim, '/api/generate', generateBody('phi3:mini'));
		sim.resetStats();
		expect(sim.stats()).toMatchObject({
			requests: {},
			generations: { 'phi3:mini': 0 },
			loads: { 'phi3:mini': 0 },
		});
	});
});

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

describe('simulator-cli', () => {
	it('parses flags', () => {
		expect(
			parseArgs([
				'--port',
				'0',
				'--time-scale=0.5',
				'--num-parallel',
				'2',
				'--preload',
				'phi3:mini',
			]),
		).toEqual({
			port: 0,
			timeScale: 0.5,
			numParallel: 2,
			preloaded: ['phi3:mini'],
		});
		expect(() => parseArgs(['--bogus', '1'])).toThrow(/unknown flag/);
		expect(() => parseArgs(['--port', 'x'])).toThrow(/needs a number/);
	});

	it('announces its URL, serves, and stops on SIGTERM', async () => {
		const root = path.resolve(__dirname, '../../../..');
		const child = spawn(
			process.execPath,
			[
				path.join(root, 'node_modules/tsx/dist/cli.mjs'),
				'test/support/simulator-cli.ts',
				'--port',
				'0',
			],
			{
				cwd: root,
				stdio: ['ignore', 'pipe', 'pipe'],
			},
		);
		const exited = new Promise<number | null>((resolve) =>
			child.on('exit', (code) => resolve(code)),
		);
		try {
			const url = await new Promise<string>((resolve, reject) => {
				let out = '';
				child.stdout.on('data', (data: Buffer) => {
					out += data.toString();
					const match = /^Ollama simulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
					if (match) resolve(match[1]);
				});
				child.on('exit', () => reject(new Error(`exited early: ${out}`)));
			});
			const res = await fetch(`${url}/`);
			expect(await res.text()).toBe('Ollama is running');
			child.kill('SIGTERM');
			expect(await exited).toBe(0);
		} finally {
			if (child.exitCode === null) child.kill('SIGKILL');
		}
	}, 30_000);
});
