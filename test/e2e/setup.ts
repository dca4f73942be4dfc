import { closeOpenSimulators } from '../support/simulator';

// End-to-end tests install and run a real n8n: allow them minutes, not seconds.
jest.setTimeout(15 * 60 * 1000);

// A beforeAll that failed half-way may leave a simulator it started unassigned, and so unclosed by
// the file's own afterAll: close it here, or its server keeps jest from exiting.
afterAll(async () => {
	const closed = await closeOpenSimulators();
	if (closed > 0)
		console.log(`[e2e setup] closed ${closed} Ollama simulator(s) the test file left open`);
});
