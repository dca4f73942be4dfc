/** The transport's think field and the thinking text, against the simulator's thinking models. */
import { createOllamaClient } from '../../../nodes/AiDispatcher/transport/ollama';
import type { GenerateCall } from '../../../nodes/AiDispatcher/engine/ports';
import { fetchHttpPort } from '../../support/http-port';
import {
	startOllamaSimulator,
	THINKING_SIM_MODELS,
	type OllamaSimulator,
} from '../../support/simulator';

describe('transport: think and thinking against the simulator', () => {
	let sim: OllamaSimulator;
	const ollama = createOllamaClient(fetchHttpPort());
	beforeAll(async () => {
		sim = await startOllamaSimulator({ timeScale: 0.0005, models: THINKING_SIM_MODELS });
	});
	afterAll(async () => {
		await sim.close();
	});
	const call = (extra: Partial<GenerateCall>): GenerateCall => ({
		baseUrl: sim.url,
		model: 'qwen3:8b',
		prompt: 'Why is the sky blue?',
		format: { type: 'text' },
		options: {},
		timeoutMs: 10_000,
		...extra,
	});
	const words = (text: string | undefined) =>
		(text ?? '').split(' ').filter((w) => w !== '').length;

	it.each([
		['generate', {}],
		[
			'chat',
			{ prompt: undefined, messages: [{ role: 'user' as const, content: 'Why is the sky blue?' }] },
		],
	])('%s: think true → thinking text apart from the answer; tokens counted', async (_, extra) => {
		const deltas: string[] = [];
		const outcome = await ollama.generate(
			call({ ...extra, think: true, onDelta: (t) => deltas.push(t) }),
		);
		expect(words(outcome.thinking)).toBe(400);
		expect(outcome.text).toMatch(/^\[qwen3:8b\]/);
		expect(outcome.text).not.toContain('Let me think');
		expect(deltas.join('')).toBe(outcome.text); // streamed deltas are the answer only
		expect(outcome.usage.completion_tokens).toBe(400 + outcome.text.split(/\s+/).length);
	});

	it('think false → no thinking; omitted → Ollama thinks (its default)', async () => {
		expect((await ollama.generate(call({ think: false }))).thinking).toBeUndefined();
		expect(words((await ollama.generate(call({}))).thinking)).toBe(400);
	});

	it('sends a level to a model with levels', async () => {
		expect(
			words((await ollama.generate(call({ model: 'gpt-oss:20b', think: 'low' }))).thinking),
		).toBe(100);
		expect(
			words((await ollama.generate(call({ model: 'gpt-oss:20b', think: 'high' }))).thinking),
		).toBe(400);
	});

	it('reads capabilities through the port', async () => {
		expect(await ollama.capabilities?.(sim.url, 'qwen3:8b', 5_000)).toContain('thinking');
	});
});
