/** Bad input never crashes the node: each gets a clear error naming the item and the field, or a documented handling. */
import { NodeOperationError } from 'n8n-workflow';

import { MAX_PROMPT_CHARS } from '../../../nodes/AiDispatcher/adapters/config';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import { runNode } from '../../support/node-run';

let state = createDispatcherState();

let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => {
	state = createDispatcherState();
});

async function errorOf(run: Parameters<typeof runNode>[0]): Promise<Error> {
	const error = await runNode(run).result.catch((e: unknown) => e);
	expect(error).toBeInstanceOf(NodeOperationError);
	return error as Error;
}

describe('prompts', () => {
	it(`rejects a 1 MB prompt (over ${MAX_PROMPT_CHARS} characters) naming the item and the field`, async () => {
		const error = await errorOf({ baseUrl: sim.url, prompts: ['fine', 'x'.repeat(1_048_576)] });
		expect(error.message).toBe(
			`Prompt is 1048576 characters long; the limit is ${MAX_PROMPT_CHARS} [item 1]`,
		);
	});

	it('accepts a prompt just under the limit', async () => {
		const [out] = await runNode({
			state,
			baseUrl: sim.url,
			prompts: [`summarize ${'word '.repeat(150_000)}`],
		}).result;
		expect(typeof out[0].json.response).toBe('string');
	});

	it.each([
		['an object', { a: 1 }, 'Prompt should be text, got an object [item 0]'],
		['an array', ['a'], 'Prompt should be text, got an array [item 0]'],
		['null', null, 'Prompt should be text, got null [item 0]'],
	])('rejects %s as prompt naming the item and the field', async (_name, prompt, message) => {
		expect((await errorOf({ baseUrl: sim.url, prompts: [prompt] })).message).toBe(message);
	});

	it('answers numbers and strips control characters', async () => {
		// Complexity forced low: this test is about the text that reaches the model, not the tier.
		const [out] = await runNode({
			state,
			baseUrl: sim.url,
			prompts: [42, 'hello\u0000\u0007 world\u001b'],
			params: { complexity: 'low' },
		}).result;
		expect(out[0].json.response).toBe('[phi3:mini] 42');
		expect(out[1].json.response).toBe('[phi3:mini] hello world');
	});

	it('keeps the other items with Continue On Fail', async () => {
		const [out] = await runNode({
			state,
			baseUrl: sim.url,
			prompts: ['ok', { bad: true }, 'x'.repeat(1_048_576), 'fine'],
			continueOnFail: true,
			options: { concurrency: 4 },
		}).result;
		expect(out.map((o) => o.json.error ?? 'answered')).toEqual([
			'answered',
			'Prompt should be text, got an object [item 1]',
			`Prompt is 1048576 characters long; the limit is ${MAX_PROMPT_CHARS} [item 2]`,
			'answered',
		]);
	});
});

describe('options', () => {
	it.each<[Record<string, unknown>, string]>([
		[
			{ concurrency: 0 },
			'Options › Concurrency should be an integer from 1 to 32, got number 0 [item 0]',
		],
		[
			{ concurrency: 1000 },
			'Options › Concurrency should be an integer from 1 to 32, got number 1000 [item 0]',
		],
		[
			{ concurrency: 2.5 },
			'Options › Concurrency should be an integer from 1 to 32, got number 2.5 [item 0]',
		],
		[
			{ concurrency: 'many' },
			'Options › Concurrency should be an integer from 1 to 32, got "many" [item 0]',
		],
		[
			{ timeoutLowMs: 0 },
			'Options › Timeout Low Tier (Ms) should be a number ≥ 1 ms, got number 0 [item 0]',
		],
		[
			{ timeoutHighMs: -5 },
			'Options › Timeout High Tier (Ms) should be a number ≥ 1 ms, got number -5 [item 0]',
		],
		[
			{ firstTokenTimeoutMs: 0 },
			'Options › First Token Timeout (Ms) should be a number from 1 to 3600000 ms, got number 0 [item 0]',
		],
		[
			{ stallTimeoutMs: 0 },
			'Options › Stall Timeout (Ms) should be a number from 1 to 3600000 ms, got number 0 [item 0]',
		],
		[
			{ stallTimeoutMs: 'never' },
			'Options › Stall Timeout (Ms) should be a number from 1 to 3600000 ms, got "never" [item 0]',
		],
		[
			{ connectTimeoutMs: 50 },
			'Options › Connect Timeout (Ms) should be a number from 100 to 3600000 ms, got number 50 [item 0]',
		],
		[
			{ connectTimeoutMs: 'soon' },
			'Options › Connect Timeout (Ms) should be a number from 100 to 3600000 ms, got "soon" [item 0]',
		],
		[
			{ maxRetries: -1 },
			'Options › Max Retries should be an integer from 0 to 10, got number -1 [item 0]',
		],
		[
			{ maxRetries: 11 },
			'Options › Max Retries should be an integer from 0 to 10, got number 11 [item 0]',
		],
		[
			{ retryDelayMs: -1 },
			'Options › Retry Delay (Ms) should be a number from 0 to 60000 ms, got number -1 [item 0]',
		],
		[
			{ breakerFailures: 0 },
			'Options › Circuit Breaker Failures should be an integer from 1 to 100, got number 0 [item 0]',
		],
		[
			{ breakerCooldownMs: 0 },
			'Options › Circuit Breaker Cooldown (Ms) should be a number from 1 to 3600000 ms, got number 0 [item 0]',
		],
		[
			{ adaptiveTimeout: 'yes' },
			'Options › Adaptive Timeout should be true or false, got "yes" [item 0]',
		],
	])('rejects %j naming the field and the value', async (options, message) => {
		expect((await errorOf({ baseUrl: sim.url, prompts: ['hello'], options })).message).toBe(
			message,
		);
	});

	it('rejects a model name with spaces', async () => {
		const error = await errorOf({
			baseUrl: sim.url,
			prompts: ['x'],
			params: { models: { model: [{ name: 'llama 3', tier: 'low' }] } },
		});
		expect(error.message).toBe(
			'Model List › Model #1 › Model Name or ID "llama 3" is not a valid Ollama model name [item 0]',
		);
	});
});
