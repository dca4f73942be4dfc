import { NodeApiError, NodeOperationError, type INodeExecutionData } from 'n8n-workflow';

import { AiDispatcher } from '../../nodes/AiDispatcher/AiDispatcher.node';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { createContext, type ContextOptions } from '../support/n8n-context';
import { closedPort } from '../support/loopback';
import { startOllamaSimulator, type OllamaSimulator } from '../support/simulator';

let sim: OllamaSimulator;
let node = new AiDispatcher(createDispatcherState());

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => {
	sim.clearFaults();
	node = new AiDispatcher(createDispatcherState());
});

const LIST = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{ name: 'qwen2.5:7b', tier: 'high' },
	],
};
const TRACE =
	'Find the root cause:\nTraceback (most recent call last):\n  File "app.py", line 10, in <module>\n  File "db.py", line 3, in connect\nConnectionError: timed out\nWhy does this happen after every deploy? What should we check first?';

const items = (...prompts: unknown[]): INodeExecutionData[] =>
	prompts.map((prompt) => ({ json: { prompt: prompt as string } }));

function run(options: ContextOptions & { prompts?: unknown[] }) {
	const ctx = createContext({
		credentials: { baseUrl: sim.url },
		items: options.prompts ? items(...options.prompts) : options.items,
		...options,
		params: {
			operation: 'generate',
			inputMode: 'prompt',
			prompt: (i: number) => (options.prompts ?? [])[i],
			modelSource: 'list',
			models: LIST,
			// These tests read the full decision; the default simplified item is tested on its own.
			simplifyOutput: false,
			...options.params,
		},
	});
	return { ctx, result: node.execute.call(ctx.execute) };
}

describe('AI Dispatcher node: Generate', () => {
	it('answers every item in order with pairedItem, the chosen model and the decision', async () => {
		const { result } = run({
			prompts: ['Thanks for the update!', TRACE, 'Lunch moved to 1pm, ok?'],
		});
		const [out] = await result;
		expect(out).toHaveLength(3);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out.map((o) => o.json.model)).toEqual(['phi3:mini', 'qwen2.5:7b', 'phi3:mini']);
		const complex = out[1].json as Record<string, any>;
		expect(complex.tier).toBe('high');
		expect(complex.response).toMatch(/^\[qwen2\.5:7b\]/);
		expect(complex.complexity.features.length).toBeGreaterThan(5);
		expect(complex.decision.reason).toContain('chose qwen2.5:7b');
		expect(complex.decision.alternatives).toEqual(['llama3.2:3b', 'phi3:mini']);
		expect(complex.attempts).toEqual([
			{ model: 'qwen2.5:7b', ok: true, error: null, ms: expect.any(Number), host: sim.url },
		]);
		expect(complex.host).toBe(sim.url);
		expect(complex.usage.completion_tokens).toBeGreaterThan(0);
	});

	it('returns a simplified item by default: answer, model, tier, one-line reason, attempts summary', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'http500' });
		const [out] = await run({
			prompts: [TRACE, 'Thanks!'],
			params: { simplifyOutput: undefined, options: { maxRetries: 0 } },
		}).result;
		const [fellBack, simple] = out.map((o) => o.json as Record<string, any>);
		expect(Object.keys(simple).sort()).toEqual([
			'attemptsSummary',
			'fallback',
			'loadMs',
			'model',
			'modelAlreadyLoaded',
			'reason',
			'response',
			'tier',
		]);
		expect(simple.fallback).toBe(false);
		expect(fellBack).toMatchObject({ fallback: true, firstChoice: 'qwen2.5:7b' });
		expect(fellBack.reason).toMatch(
			/chose qwen2\.5:7b \(high tier\), but it failed \(server error\), so llama3\.2:3b \(medium tier\) answered$/,
		);
		expect(simple).toMatchObject({
			model: 'phi3:mini',
			tier: 'low',
			response: expect.stringMatching(/^\[phi3:mini\]/),
		});
		expect(simple.reason).toContain('chose phi3:mini');
		expect(simple.reason).not.toContain('\n');
		expect(simple.attemptsSummary).toMatch(/^phi3:mini answered in \d+\.\d s$/);
		expect(fellBack.model).toBe('llama3.2:3b');
		expect(fellBack.attemptsSummary).toMatch(
			/^qwen2\.5:7b failed after \d+\.\d s: http_5xx → llama3\.2:3b answered in \d+\.\d s$/,
		);
		expect(JSON.stringify(simple).length).toBeLessThan(600);
	});

	it('keeps the short fields when Simplify Output is off, and adds the full decision', async () => {
		const [[full]] = await run({ prompts: ['Thanks!'] }).result;
		expect(full.json).toMatchObject({
			model: 'phi3:mini',
			tier: 'low',
			reason: expect.stringContaining('chose phi3:mini'),
			attemptsSummary: expect.any(String),
		});
		expect(full.json).toHaveProperty('decision.candidates');
		expect(full.json).toHaveProperty('complexity.features');
		expect(full.json).toHaveProperty('usage');
	});

	it('falls back when the high-tier model fails and records the failed attempt', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'http500' });
		const [out] = await run({ prompts: [TRACE] }).result;
		const json = out[0].json as Record<string, any>;
		expect(json.model).toBe('llama3.2:3b');
		expect(json.attempts[0]).toMatchObject({ model: 'qwen2.5:7b', ok: false, kind: 'http_5xx' });
		expect(json.attempts[0].error).toContain('HTTP 500');
	});

	it('throws a NodeApiError naming every model tried when all fail', async () => {
		for (const m of ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b']) sim.setFault(m, { kind: 'busy' });
		const error = await run({ prompts: ['hello'] }).result.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		const message = (error as NodeApiError).message;
		expect(message).toBe('All 3 models failed: phi3:mini, llama3.2:3b and qwen2.5:7b busy');
		const description = (error as NodeApiError).description ?? '';
		for (const m of ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'])
			expect(description).toMatch(new RegExp(`${m} \\(\\d+ ms\\): HTTP 503`));
		expect((error as NodeApiError).description).toContain('Attempts: 1. phi3:mini');
	});

	it('with Continue On Fail, turns only the failed item into an error item carrying its attempts', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'notfound' });
		sim.setFault('llama3.2:3b', { kind: 'notfound' });
		sim.setFault('phi3:mini', { kind: 'notfound' });
		const [out] = await run({ prompts: ['hi', 'there'], continueOnFail: true }).result;
		expect(out).toHaveLength(2);
		expect(out.map((o) => o.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const json = out[0].json as Record<string, any>;
		expect(json.code).toBe('ALL_CANDIDATES_FAILED');
		expect(json.attempts).toHaveLength(3);
		expect(json.error).toBe(
			'All 3 models failed: phi3:mini, llama3.2:3b and qwen2.5:7b not installed',
		);
		expect(json.description).toContain("model 'phi3:mini' not found");
	});

	it.each([
		['an empty prompt', '', /^The prompt is empty \[item 1\]$/],
		['a non-string prompt', { a: 1 }, /Prompt should be text, got an object \[item 1\]/],
	])('rejects %s with a NodeOperationError naming the item', async (_name, bad, message) => {
		const error = await run({ prompts: ['fine', bad] }).result.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as Error).message).toMatch(message);
	});

	it('keeps good items and reports the bad one with Continue On Fail (nothing dropped, nothing duplicated)', async () => {
		const [out] = await run({ prompts: ['fine', '', 'also fine'], continueOnFail: true }).result;
		expect(out.map((o) => [o.pairedItem, o.json.error === undefined])).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, false],
			[{ item: 2 }, true],
		]);
	});

	it('names the field and the value for a malformed model list', async () => {
		const error = await run({
			prompts: ['x'],
			params: { models: { model: [{ name: 'llama 3', tier: 'low' }] } },
		}).result.catch((e: unknown) => e);
		expect((error as Error).message).toBe(
			'Model List › Model #1 › Model Name or ID "llama 3" is not a valid Ollama model name [item 0]',
		);
	});

	it('parses JSON output and falls back when a model returns invalid JSON', async () => {
		sim.setFault('phi3:mini', { kind: 'badjson' });
		const [out] = await run({
			prompts: ['Extract the order number: #4411'],
			params: { outputFormat: 'json' },
		}).result;
		const json = out[0].json as Record<string, any>;
		expect(typeof json.response).toBe('object');
		expect(json.attempts[0]).toMatchObject({ model: 'phi3:mini', ok: false, kind: 'invalid_json' });
	});

	it('auto-discovers models from /api/tags and tiers them by size and family', async () => {
		const [out] = await run({
			prompts: [TRACE, 'What is the capital of France?'],
			params: { modelSource: 'auto' },
		}).result;
		expect(out.map((o) => [o.json.model, o.json.tier])).toEqual([
			['qwen2.5:7b', 'high'],
			['phi3:mini', 'low'],
		]);
	});

	it('sends the API key as a Bearer token and never puts it in the output', async () => {
		const { ctx, result } = run({
			prompts: ['hello'],
			credentials: { baseUrl: sim.url, apiKey: 'sk-secret-123' },
		});
		const [out] = await result;
		expect(ctx.requests[0].headers.authorization).toBe('Bearer sk-secret-123');
		expect(JSON.stringify(out)).not.toContain('sk-secret-123');
	});

	it('does not leak the API key into the error when Ollama is unreachable', async () => {
		const baseUrl = `http://127.0.0.1:${await closedPort()}`;
		const error = await run({
			prompts: ['hello'],
			credentials: { baseUrl, apiKey: 'sk-secret-123' },
		}).result.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(
			JSON.stringify({ m: (error as Error).message, d: (error as NodeApiError).description }),
		).not.toContain('sk-secret');
	});
});

describe('AI Dispatcher node: Select Model and Status', () => {
	it('Select Model returns model, tier, host and reason by default', async () => {
		const [out] = await run({
			prompts: [TRACE],
			params: { operation: 'selectModel', simplifyOutput: undefined },
		}).result;
		expect(out[0].json).toEqual({
			model: 'qwen2.5:7b',
			tier: 'high',
			baseUrl: sim.url,
			reason: expect.stringContaining('chose qwen2.5:7b'),
		});
	});

	it('Select Model returns the decision without generating', async () => {
		const before = sim.stats().generations['qwen2.5:7b'] ?? 0;
		const [out] = await run({ prompts: [TRACE], params: { operation: 'selectModel' } }).result;
		expect(out[0].json).toMatchObject({ model: 'qwen2.5:7b', tier: 'high', baseUrl: sim.url });
		expect(sim.stats().generations['qwen2.5:7b'] ?? 0).toBe(before);
	});

	it('Status lists models and loaded models, and reports an unreachable host without throwing', async () => {
		const [ok] = await run({ prompts: ['a', 'b'], params: { operation: 'status' } }).result;
		expect(ok).toHaveLength(1);
		expect(ok[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(ok[0].json).toMatchObject({ reachable: true, error: null });
		expect((ok[0].json.models as unknown[]).length).toBe(3);
		// What Auto-Discover would use: the documented default list.
		expect(ok[0].json.autoDiscoveredTiers).toEqual({
			low: ['phi3:mini'],
			medium: ['llama3.2:3b'],
			high: ['qwen2.5:7b'],
		});

		const baseUrl = `http://127.0.0.1:${await closedPort()}`;
		const [down] = await run({
			prompts: ['a'],
			params: { operation: 'status' },
			credentials: { baseUrl },
		}).result;
		expect(down[0].json).toMatchObject({ reachable: false, baseUrl });
		expect(down[0].json.error).toContain('ECONNREFUSED');
	});

	it('loads the model dropdown from /api/tags, sorted, with sizes', async () => {
		const ctx = createContext({ credentials: { baseUrl: sim.url } });
		const options = await node.methods.loadOptions.getModels.call(ctx.loadOptions);
		expect(options.map((o) => o.value)).toEqual(['llama3.2:3b', 'phi3:mini', 'qwen2.5:7b']);
		expect(options[2].name).toBe('qwen2.5:7b (7.6B, Q4_K_M)');
	});
});
