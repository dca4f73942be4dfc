/** The first-token timeout in the Ollama transport, against the simulator. */
import type { GenerateCall } from '../../../nodes/AiDispatcher/engine/ports';
import { createOllamaClient } from '../../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../../support/http-port';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import { failure } from '../../support/transport-failure';

let sim: OllamaSimulator;
const ollama = createOllamaClient(fetchHttpPort());

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.01, numParallel: 4, preloaded: ['llama3.2:3b'] });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => sim.clearFaults());

const call = (extra: Partial<GenerateCall> = {}): GenerateCall => ({
	baseUrl: sim.url,
	model: 'llama3.2:3b',
	prompt: 'Summarize: the quarterly numbers look good and the launch is on track for the spring',
	format: { type: 'text' },
	options: { num_predict: 40 },
	timeoutMs: 10_000,
	...extra,
});

describe('first-token timeout', () => {
	it('fails a hung model with kind timeout after the first-token limit, not the total limit', async () => {
		sim.setFault('llama3.2:3b', { kind: 'hang' });
		const started = Date.now();
		const error = await failure(ollama.generate(call({ firstTokenTimeoutMs: 200 })));
		const ms = Date.now() - started;
		expect(error.kind).toBe('timeout');
		// The first-token limit cut it (the total limit would say "no complete reply within 10000 ms").
		expect(error.message).toBe('no first token within 200 ms (timed out)');
		expect(ms).toBeGreaterThanOrEqual(190); // not before the limit
	});

	it('does not cut a reply that started in time, even when the whole reply takes longer than the limit', async () => {
		sim.setFault('llama3.2:3b', { kind: 'slow', factor: 200 });
		const started = Date.now();
		const outcome = await ollama.generate(call({ firstTokenTimeoutMs: 400 }));
		expect(outcome.text.length).toBeGreaterThan(0);
		expect(Date.now() - started).toBeGreaterThan(400);
	});

	it('still reports the caller cancelling as aborted', async () => {
		sim.setFault('llama3.2:3b', { kind: 'hang' });
		const controller = new AbortController();
		const pending = ollama.generate(
			call({ firstTokenTimeoutMs: 5_000, cancel: controller.signal }),
		);
		setTimeout(() => controller.abort(), 50);
		expect((await failure(pending)).kind).toBe('aborted');
	});

	it('works without a first-token limit (total limit only)', async () => {
		sim.setFault('llama3.2:3b', { kind: 'hang' });
		const error = await failure(ollama.generate(call({ timeoutMs: 250 })));
		expect(error.kind).toBe('timeout');
		expect(error.message).not.toContain('first token');
	});
});
