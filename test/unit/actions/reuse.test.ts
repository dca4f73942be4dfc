/**
 * Answer reuse through the node's execute against the Ollama simulator: the issue's digest scenario
 * in miniature (two executions sharing one state, as in one n8n process), outputs in order and
 * paired, calls counted at the simulator; Concurrency sharing calls in flight; Status's figures and
 * clear; the options' validation; credentials never sharing answers.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { AiDispatcher } from '../../../nodes/AiDispatcher/AiDispatcher.node';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../nodes/AiDispatcher/engine/state';
import { createContext } from '../../support/n8n-context';
import { runNode } from '../../support/node-run';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	sim.clearFaults();
	sim.resetStats();
});

/** A short mail: its distinct subject and words open the simulator's reply, so an answer names its prompt. */
const mail = (n: number) =>
	`Summarize this email in one sentence.\n\nSubject: Order ${n} shipped\nParcel ${n} left the warehouse today and arrives Friday.`;
const calls = () => Object.values(sim.stats().generations).reduce((a, b) => a + b, 0);

/** Every output in input order, paired with its own item, answering its own prompt. */
function expectOwnAnswers(items: INodeExecutionData[], prompts: string[]): void {
	expect(items).toHaveLength(prompts.length);
	items.forEach((item, i) => {
		expect(item.pairedItem).toEqual({ item: i });
		const subject = /Subject: (.+)/.exec(prompts[i])?.[1] as string;
		expect([i, String(item.json.response)]).toEqual([
			i,
			expect.stringContaining(`Re "${subject}"`),
		]);
	});
}

describe('the digest twice in one process (the issue’s scenario: 60 items, 31 distinct prompts)', () => {
	// Run 1: 25 distinct mails and 5 exact duplicates (30 items); run 2: 24 of run 1's mails and 6 new ones.
	const run1 = [...Array.from({ length: 25 }, (_, i) => mail(i)), ...[0, 5, 10, 15, 20].map(mail)];
	const run2 = [
		...Array.from({ length: 24 }, (_, i) => mail(i + 1)),
		...Array.from({ length: 6 }, (_, i) => mail(100 + i)),
	];

	it('with Reuse Answers on: 31 model calls for 60 items, each answer its own prompt’s', async () => {
		const state = createDispatcherState();
		const [first] = await runNode({
			baseUrl: sim.url,
			prompts: run1,
			state,
			options: { reuseAnswers: true },
		}).result;
		expect(calls()).toBe(25);
		expectOwnAnswers(first, run1);
		expect(first.slice(25).map((i) => (i.json.reused as { how: string }).how)).toEqual(
			Array(5).fill('this execution'),
		);
		expect(first.slice(0, 25).every((i) => i.json.reused === undefined)).toBe(true);

		const [second] = await runNode({
			baseUrl: sim.url,
			prompts: run2,
			state,
			options: { reuseAnswers: true },
		}).result;
		expect(calls()).toBe(31);
		expectOwnAnswers(second, run2);
		expect(second.slice(0, 24).map((i) => (i.json.reused as { how: string }).how)).toEqual(
			Array(24).fill('earlier execution'),
		);
		expect(second[0].json.reused).toMatchObject({
			model: expect.any(String),
			tier: expect.any(String),
			ageSeconds: expect.any(Number),
			savedSeconds: expect.any(Number),
		});
		expect(second[0].json.attempts).toEqual([]);
		expect(state.reuse.stats()).toMatchObject({ entries: 31, hits: 29, misses: 31 });
	});

	it('with the option off: the 5 duplicates of one execution still cost no call; the next execution calls again', async () => {
		const state = createDispatcherState();
		const [first] = await runNode({ baseUrl: sim.url, prompts: run1, state }).result;
		expect(calls()).toBe(25);
		expectOwnAnswers(first, run1);
		const [second] = await runNode({ baseUrl: sim.url, prompts: run2, state }).result;
		expect(calls()).toBe(55);
		expectOwnAnswers(second, run2);
		expect(second.every((i) => i.json.reused === undefined)).toBe(true);
		// What each run kept for its own duplicates went when it ended: nothing stays in memory.
		expect(state.reuse.stats()).toMatchObject({ entries: 0, bytes: 0, hits: 5 });
	});

	it('with the option on, a run keeps its answers for later runs; a later run with it off neither takes nor drops them', async () => {
		const state = createDispatcherState();
		await runNode({
			baseUrl: sim.url,
			prompts: run1.slice(0, 3),
			state,
			options: { reuseAnswers: true },
		}).result;
		expect(state.reuse.stats().entries).toBe(3);
		const [off] = await runNode({ baseUrl: sim.url, prompts: run1.slice(0, 3), state }).result;
		expect(off.every((i) => i.json.reused === undefined)).toBe(true);
		expect(calls()).toBe(6);
		expect(state.reuse.stats().entries).toBe(3);
	});
});

describe('in flight and around', () => {
	it('with Concurrency 4, identical items running at once share one call', async () => {
		const prompts = [mail(1), mail(1), mail(1), mail(1), mail(2), mail(2), mail(3), mail(1)];
		const [items] = await runNode({ baseUrl: sim.url, prompts, options: { concurrency: 4 } })
			.result;
		expect(calls()).toBe(3);
		expectOwnAnswers(items, prompts);
		const how = items.map((i) => (i.json.reused as { how?: string } | undefined)?.how ?? 'called');
		expect(how.filter((h) => h === 'called')).toHaveLength(3);
		expect(how.filter((h) => h === 'in flight' || h === 'this execution')).toHaveLength(5);
	});

	it('an answer with its simplified output says it was reused, from which model and how old', async () => {
		const [items] = await runNode({
			baseUrl: sim.url,
			prompts: [mail(7), mail(7)],
			params: { simplifyOutput: true },
		}).result;
		expect(Object.keys(items[1].json).sort()).toEqual([
			'attemptsSummary',
			'fallback',
			'model',
			'reason',
			'response',
			'reused',
			'tier',
		]);
		// A reused answer called no model: no fallback is claimed, and the reason names the model that gave it.
		expect(items[1].json.fallback).toBe(false);
		expect(items[1].json.reason).toContain(`reused the answer ${String(items[0].json.model)}`);
		expect(items[1].json.response).toBe(items[0].json.response);
		expect(items[1].json.reused).toEqual({
			how: 'this execution',
			model: items[0].json.model,
			tier: items[0].json.tier,
			ageSeconds: expect.any(Number),
			savedSeconds: expect.any(Number),
		});
		expect(items[1].json.attemptsSummary).toMatch(
			/^reused the answer .+ gave [\d.]+ s ago in this execution \(no model call\)$/,
		);
	});

	it('never shares answers between credentials (another API key), and no secret reaches an output', async () => {
		const state = createDispatcherState();
		const options = { reuseAnswers: true };
		await runNode({
			baseUrl: sim.url,
			prompts: [mail(1)],
			state,
			options,
			credentials: { baseUrl: sim.url, apiKey: 'sk-first-secret' },
		}).result;
		const [other] = await runNode({
			baseUrl: sim.url,
			prompts: [mail(1)],
			state,
			options,
			credentials: { baseUrl: sim.url, apiKey: 'sk-second-secret' },
		}).result;
		expect(other[0].json.reused).toBeUndefined();
		const [same] = await runNode({
			baseUrl: sim.url,
			prompts: [mail(1)],
			state,
			options,
			credentials: { baseUrl: sim.url, apiKey: 'sk-first-secret' },
		}).result;
		expect(same[0].json.reused).toMatchObject({ how: 'earlier execution' });
		expect(calls()).toBe(2);
		expect(JSON.stringify([other, same])).not.toMatch(/sk-(first|second)-secret/);
	});

	it('a failing model stores nothing; with Continue On Fail each duplicate gets its own error item, paired', async () => {
		for (const m of ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'])
			sim.setFault(m, { kind: 'http500' });
		const state = createDispatcherState();
		const [items] = await runNode({
			baseUrl: sim.url,
			prompts: [mail(1), mail(1), mail(2)],
			state,
			continueOnFail: true,
			options: { maxRetries: 0 },
		}).result;
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		for (const item of items) expect(String(item.json.error)).not.toBe('');
		expect(state.reuse.stats().entries).toBe(0);
	});

	it('rejects a bad Reuse Window, naming the field and the value', async () => {
		const { result } = runNode({
			baseUrl: sim.url,
			prompts: [mail(1)],
			options: { reuseAnswers: true, reuseWindowMinutes: 0 },
		});
		await expect(result).rejects.toThrow(/Options › Reuse Window \(Minutes\) .*0/);
	});
});

describe('Status', () => {
	async function status(state: DispatcherState, clear = false) {
		const ctx = createContext({
			credentials: { baseUrl: sim.url },
			params: { operation: 'status', clearReusedAnswers: clear },
		});
		const [[item]] = await new AiDispatcher(state).execute.call(ctx.execute);
		return item.json.reuse as Record<string, unknown>;
	}

	it('shows entries, bytes, hits and misses, and clears the stored answers when asked', async () => {
		const state = createDispatcherState();
		await runNode({
			baseUrl: sim.url,
			prompts: [mail(1), mail(1), mail(2)],
			state,
			options: { reuseAnswers: true },
		}).result;
		const before = await status(state);
		expect(before).toMatchObject({
			entries: 2,
			hits: 1,
			misses: 2,
			hitRatio: 0.333,
			evictions: 0,
			maxBytes: 64 * 1024 * 1024,
		});
		expect(before.bytes as number).toBeGreaterThan(0);
		expect(before).not.toHaveProperty('cleared');
		expect(await status(state, true)).toMatchObject({
			cleared: 2,
			entries: 0,
			bytes: 0,
			hits: 1,
			misses: 2,
		});
		await runNode({ baseUrl: sim.url, prompts: [mail(1)], state, options: { reuseAnswers: true } })
			.result;
		expect(calls()).toBe(3);
	});
});
