/** The simulator's thinking models: capability, tokens and effort, the thinking text apart, the 400s. */
import {
	startOllamaSimulator,
	THINKING_SIM_MODELS,
	type OllamaSimulator,
} from '../../../support/simulator';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.0005,
		models: [
			...THINKING_SIM_MODELS,
			{ ...THINKING_SIM_MODELS[0], name: 'plain:1b', capabilities: ['completion'] },
		],
		version: '0.12.6',
	});
});
afterAll(async () => await sim.close());

async function post(path: string, body: Json): Promise<{ status: number; text: string }> {
	const res = await fetch(`${sim.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
	return { status: res.status, text: await res.text() };
}

const lines = (text: string): Json[] =>
	text
		.trim()
		.split('\n')
		.map((l) => JSON.parse(l) as Json);
const PROMPT = 'Prove that the sum of two odd numbers is even';

describe('simulated thinking', () => {
	it('lists the thinking capability in /api/show', async () => {
		const shown = JSON.parse((await post('/api/show', { model: 'qwen3:8b' })).text) as Json;
		expect(shown.capabilities).toContain('thinking');
		const plain = JSON.parse((await post('/api/show', { model: 'plain:1b' })).text) as Json;
		expect(plain.capabilities).not.toContain('thinking');
	});

	it.each([
		['omitted (Ollama thinks by default)', undefined, 400],
		['true', true, 400],
		['false', false, 0],
	])(
		'generate with think %s: %p thinking tokens, apart from the response, counted in eval_count',
		async (_, think, expected) => {
			const reply = await post('/api/generate', {
				model: 'qwen3:8b',
				prompt: PROMPT,
				...(think === undefined ? {} : { think }),
			});
			expect(reply.status).toBe(200);
			const chunks = lines(reply.text);
			const thinking = chunks.filter((c) => typeof c.thinking === 'string' && c.thinking !== '');
			expect(thinking).toHaveLength(expected);
			for (const c of thinking) expect(c.response).toBe('');
			const response = chunks.map((c) => c.response as string).join('');
			expect(response).toMatch(/^\[qwen3:8b\] Prove that/);
			expect(response).not.toContain('Let me think');
			const final = chunks[chunks.length - 1];
			const answerTokens = chunks.filter((c) => !c.done && c.response !== '').length;
			expect(final.eval_count).toBe(expected + answerTokens);
		},
	);

	it('chat puts the thinking in message.thinking; non-streamed replies carry it whole', async () => {
		const reply = await post('/api/chat', {
			model: 'qwen3:8b',
			stream: false,
			messages: [{ role: 'user', content: PROMPT }],
		});
		const body = JSON.parse(reply.text) as Json;
		expect(body.message.thinking.split(' ').filter((w: string) => w !== '')).toHaveLength(400);
		expect(body.message.content).toMatch(/^\[qwen3:8b\]/);
		expect(body.message.content).not.toContain('Let me think');
		const generated = JSON.parse(
			(
				await post('/api/generate', {
					model: 'qwen3:8b',
					prompt: PROMPT,
					stream: false,
					think: false,
				})
			).text,
		) as Json;
		expect(generated.thinking).toBeUndefined();
	});

	it.each([
		['low', 100],
		['medium', 250],
		['high', 400],
		[true, 250],
		[false, 100],
	])('a model with effort levels thinks %s: %i tokens', async (think, expected) => {
		const reply = JSON.parse(
			(await post('/api/generate', { model: 'gpt-oss:20b', prompt: PROMPT, stream: false, think }))
				.text,
		) as Json;
		expect(reply.thinking.split(' ').filter((w: string) => w !== '')).toHaveLength(expected);
	});

	it('num_predict caps thinking and answer together', async () => {
		const reply = JSON.parse(
			(
				await post('/api/generate', {
					model: 'qwen3:8b',
					prompt: PROMPT,
					stream: false,
					options: { num_predict: 50 },
				})
			).text,
		) as Json;
		expect(reply.eval_count).toBe(50);
		expect(reply.response).toBe('');
		expect(reply.done_reason).toBe('length');
	});

	it('refuses think on a model without the capability, and a think that is no bool or level', async () => {
		expect(await post('/api/generate', { model: 'plain:1b', prompt: PROMPT, think: true })).toEqual(
			{ status: 400, text: '{"error":"\\"plain:1b\\" does not support thinking"}' },
		);
		expect(
			(await post('/api/generate', { model: 'plain:1b', prompt: PROMPT, think: false })).status,
		).toBe(200);
		expect(
			(
				await post('/api/chat', {
					model: 'qwen3:8b',
					messages: [{ role: 'user', content: 'x' }],
					think: 'very',
				})
			).status,
		).toBe(400);
	});

	it('reports the configured version', async () => {
		const version = await fetch(`${sim.url}/api/version`).then(
			async (r) => (await r.json()) as Json,
		);
		expect(version).toEqual({ version: '0.12.6' });
	});
});
