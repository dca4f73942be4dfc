/** Bad input never crashes the node: each gets a clear error naming the item and the field, or a documented handling. */
import { NodeOperationError } from 'n8n-workflow';

import { MAX_PROMPT_CHARS } from '../../../nodes/AiDispatcher/adapters/config';
import { resetResilienceState } from '../../../nodes/AiDispatcher/engine/resilience/registry';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/ollama-simulator';
import { runNode } from '../../support/node-run';

let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => resetResilienceState());

async function errorOf(run: Parameters<typeof runNode>[0]): Promise<Error> {
	const error = await runNode(run).result.catch((e: unknown) => e);
	expect(error).toBeInstanceOf(NodeOperationError);
	return error as Error;
}

describe('prompts', () => {
	it(`rejects a 1 MB prompt (over ${MAX_PROMPT_CHARS} characters) naming the item and the field`, async () => {
		const error = await errorOf({ baseUrl: sim.url, prompts: ['fine', 'x'.repeat(1_048_576)] });
		expect(error.message).toBe(`prompt is 1048576 characters long; the limit is ${MAX_PROMPT_CHARS} [item 1]`);
	});

	it('accepts a prompt just under the limit', async () => {
		const [out] = await runNode({ baseUrl: sim.url, prompts: [`summarize ${'word '.repeat(150_000)}`] }).result;
		expect(typeof out[0].json.response).toBe('string');
	});

	it.each([
		['an object', { a: 1 }, 'prompt should be text, got an object [item 0]'],
		['an array', ['a'], 'prompt should be text, got an array [item 0]'],
		['null', null, 'prompt should be text, got null [item 0]'],
	])('rejects %s as prompt naming the item and the field', async (_name, prompt, message) => {
		expect((await errorOf({ baseUrl: sim.url, prompts: [prompt] })).message).toBe(message);
	});

	it('answers numbers and strips control characters', async () => {
		// Complexity forced low: this test is about the text that reaches the model, not the tier.
		const [out] = await runNode({ baseUrl: sim.url, prompts: [42, 'hello\u0000\u0007 world\u001b'], params: { complexity: 'low' } }).result;
		expect(out[0].json.response).toBe('[phi3:mini] 42');
		expect(out[1].json.response).toBe('[phi3:mini] hello world');
	});

	it('keeps the other items with Continue On Fail', async () => {
		const [out] = await runNode({ baseUrl: sim.url, prompts: ['ok', { bad: true }, 'x'.repeat(1_048_576), 'fine'], continueOnFail: true, options: { concurrency: 4 } })
			.result;
		expect(out.map((o) => o.json.error ?? 'answered')).toEqual([
			'answered',
			'prompt should be text, got an object [item 1]',
			`prompt is 1048576 characters long; the limit is ${MAX_PROMPT_CHARS} [item 2]`,
			'answered',
		]);
	});
});

describe('options', () => {
	it.each<[Record<string, unknown>, string]>([
		[{ concurrency: 0 }, 'options.concurrency should be an integer from 1 to 32, got number 0 [item 0]'],
		[{ concurrency: 1000 }, 'options.concurrency should be an integer from 1 to 32, got number 1000 [item 0]'],
		[{ concurrency: 2.5 }, 'options.concurrency should be an integer from 1 to 32, got number 2.5 [item 0]'],
		[{ concurrency: 'many' }, 'options.concurrency should be an integer from 1 to 32, got "many" [item 0]'],
		[{ timeoutLowMs: 0 }, 'options.timeoutLowMs should be a positive number of milliseconds, got number 0 [item 0]'],
		[{ timeoutHighMs: -5 }, 'options.timeoutHighMs should be a positive number of milliseconds, got number -5 [item 0]'],
		[{ firstTokenTimeoutMs: 0 }, 'options.firstTokenTimeoutMs should be a number from 1 to 3600000 ms, got number 0 [item 0]'],
		[{ stallTimeoutMs: 0 }, 'options.stallTimeoutMs should be a number from 1 to 3600000 ms, got number 0 [item 0]'],
		[{ stallTimeoutMs: 'never' }, 'options.stallTimeoutMs should be a number from 1 to 3600000 ms, got "never" [item 0]'],
		[{ connectTimeoutMs: 50 }, 'options.connectTimeoutMs should be a number from 100 to 3600000 ms, got number 50 [item 0]'],
		[{ connectTimeoutMs: 'soon' }, 'options.connectTimeoutMs should be a number from 100 to 3600000 ms, got "soon" [item 0]'],
		[{ maxRetries: -1 }, 'options.maxRetries should be an integer from 0 to 10, got number -1 [item 0]'],
		[{ maxRetries: 11 }, 'options.maxRetries should be an integer from 0 to 10, got number 11 [item 0]'],
		[{ retryDelayMs: -1 }, 'options.retryDelayMs should be a number from 0 to 60000 ms, got number -1 [item 0]'],
		[{ breakerFailures: 0 }, 'options.breakerFailures should be an integer from 1 to 100, got number 0 [item 0]'],
		[{ breakerCooldownMs: 0 }, 'options.breakerCooldownMs should be a number from 1 to 3600000 ms, got number 0 [item 0]'],
		[{ adaptiveTimeout: 'yes' }, 'options.adaptiveTimeout should be true or false, got "yes" [item 0]'],
	])('rejects %j naming the field and the value', async (options, message) => {
		expect((await errorOf({ baseUrl: sim.url, prompts: ['hello'], options })).message).toBe(message);
	});

	it('rejects a model name with spaces', async () => {
		const error = await errorOf({ baseUrl: sim.url, prompts: ['x'], params: { models: { model: [{ name: 'llama 3', tier: 'low' }] } } });
		expect(error.message).toBe('models[0].name "llama 3" is not a valid Ollama model name [item 0]');
	});
});
