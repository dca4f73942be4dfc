/**
 * actions/runOperation.ts: one output item per input item, paired and in input order; Status as one
 * item paired with every input; the first failure stops the run unless Continue On Fail; the
 * fallback warning; this run's answers forgotten when Reuse Answers is off. Against the simulator.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { runOperation } from '../../../nodes/AiDispatcher/actions/runOperation';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../nodes/AiDispatcher/engine/state';
import { nodeContext, type NodeContextOptions } from '../../support/action-session';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.001 });
});
afterEach(() => sim.clearFaults());
afterAll(async () => {
	await sim.close();
});

function run(prompts: string[], options: NodeContextOptions & { state?: DispatcherState } = {}) {
	const ctx = nodeContext({ credentials: { baseUrl: sim.url }, ...options, prompts });
	const state = options.state ?? createDispatcherState();
	return { ctx, state, result: runOperation.call(ctx.execute, state) };
}

const pairing = (items: INodeExecutionData[]) => items.map((item) => item.pairedItem);

describe('runOperation', () => {
	it('answers every item, paired with its input, in input order', async () => {
		const prompts = ['#0 hello', '#1 summarize: lunch moved', '#2 thanks'];
		const [items] = await run(prompts, { params: { complexity: 'low' } }).result;
		expect(pairing(items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		items.forEach((item, i) => expect(String(item.json.response)).toContain(`#${i}`));
	});

	it('returns Status as one item paired with every input item', async () => {
		const [items] = await run(['a', 'b'], { params: { operation: 'status' } }).result;
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.reachable).toBe(true);
	});

	it('throws the first failure, naming its item, without Continue On Fail', async () => {
		const { result } = run(['fine', '', 'fine too'], { params: { complexity: 'low' } });
		await expect(result).rejects.toThrow('The prompt is empty [item 1]');
	});

	it('with Continue On Fail, puts the error on the failed item and answers the others', async () => {
		const { result } = run(['fine', '', 'fine too'], {
			continueOnFail: true,
			params: { complexity: 'low' },
		});
		const [items] = await result;
		expect(pairing(items)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json.response).toBeDefined();
		expect(String(items[1].json.error)).toContain('The prompt is empty');
		expect(items[2].json.response).toBeDefined();
	});

	it('gives every item the error when the session cannot open, with Continue On Fail', async () => {
		const options = { credentials: { baseUrl: 'not a url' } };
		await expect(run(['a', 'b'], options).result).rejects.toThrow();
		const [items] = await run(['a', 'b'], { ...options, continueOnFail: true }).result;
		expect(pairing(items)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of items) expect(item.json.error).toBeDefined();
	});

	it('shows the fallback warning when an item was answered by a fallback model', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'oom' });
		const { ctx, result } = run(['a hard one'], { params: { complexity: 'high' } });
		const [items] = await result;
		expect(items[0].json).toMatchObject({ fallback: true, firstChoice: 'qwen2.5:7b' });
		expect(ctx.hints.map((h) => h.message)).toEqual([
			expect.stringContaining('1 of 1 item was answered by a fallback model'),
		]);
	});

	it('shows no warning when every item got its first choice', async () => {
		const { ctx, result } = run(['easy'], { params: { complexity: 'low' } });
		await result;
		expect(ctx.hints).toEqual([]);
	});

	it("forgets this run's answers when it ends with Reuse Answers off", async () => {
		const { state, result } = run(['same', 'same'], { params: { complexity: 'low' } });
		await result;
		expect(state.reuse.stats().entries).toBe(0);
	});
});
