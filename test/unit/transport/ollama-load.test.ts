/** The load-only call (preload, release) against the simulator: Ollama's request without a prompt. */
import { createOllamaClient } from '../../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from '../../support/http-port';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import type { HttpPort, HttpRequest } from '../../../nodes/AiDispatcher/engine/ports';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.01, maxLoadedModels: 1 });
});
afterAll(async () => {
	await sim.close();
});

function recording(): { http: HttpPort; sent: HttpRequest[] } {
	const sent: HttpRequest[] = [];
	const inner = fetchHttpPort();
	return { sent, http: async (request) => (sent.push(request), await inner(request)) };
}

describe('load (preload / release)', () => {
	it('preloads a model with a request without a prompt, and releases it with keep_alive 0', async () => {
		const { http, sent } = recording();
		const ollama = createOllamaClient(http);
		await ollama.load?.({ baseUrl: sim.url, model: 'phi3:mini', timeoutMs: 5_000 });
		expect(sim.loadedModels()).toEqual(['phi3:mini']);
		expect(sent[0]).toMatchObject({
			method: 'POST',
			url: `${sim.url}/api/generate`,
			body: { model: 'phi3:mini', stream: false },
		});
		expect(sent[0].body).not.toHaveProperty('prompt');
		expect(sim.stats().generations['phi3:mini']).toBe(0); // a load, not a generation

		await ollama.load?.({ baseUrl: sim.url, model: 'phi3:mini', keepAlive: 0, timeoutMs: 5_000 });
		expect(sent[1].body).toEqual({ model: 'phi3:mini', stream: false, keep_alive: 0 });
		expect(sim.loadedModels()).toEqual([]);
	});

	it("passes the user's keep_alive on a preload", async () => {
		const { http, sent } = recording();
		await createOllamaClient(http).load?.({
			baseUrl: sim.url,
			model: 'llama3.2:3b',
			keepAlive: '10m',
			timeoutMs: 5_000,
		});
		expect(sent[0].body).toEqual({ model: 'llama3.2:3b', stream: false, keep_alive: '10m' });
	});

	it('an unknown model is a classified error naming it', async () => {
		await expect(
			createOllamaClient(fetchHttpPort()).load?.({
				baseUrl: sim.url,
				model: 'nope:1b',
				timeoutMs: 5_000,
			}),
		).rejects.toMatchObject({ kind: 'not_found' });
	});
});
