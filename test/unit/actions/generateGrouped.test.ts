/**
 * actions/generateGrouped.ts: Item Order "Grouped by Model" plans every item first, answers them
 * model by model, and returns the outcomes by input index.
 */
import type { IDataObject } from 'n8n-workflow';

import { generateGrouped } from '../../../nodes/AiDispatcher/actions/generateGrouped';
import type { Settled } from '../../../nodes/AiDispatcher/engine/result';
import { actionSession } from '../../support/action-session';
import { fakePorts, scriptedOllama } from '../../support/fakes';

const TIER_OF = ['high', 'low', 'high', 'medium', 'low', 'high'];
const MODEL_OF: Record<string, string> = {
	low: 'phi3:mini',
	medium: 'llama3.2:3b',
	high: 'qwen2.5:7b',
};

async function setup(prompts: string[]) {
	const { ollama, calls } = scriptedOllama({
		'phi3:mini': ['from phi3'],
		'llama3.2:3b': ['from llama'],
		'qwen2.5:7b': ['from qwen'],
	});
	const { session } = await actionSession({
		prompts,
		params: { complexity: (i: number) => TIER_OF[i] },
		ports: fakePorts(ollama),
	});
	return { session, calls };
}

const prompts = TIER_OF.map((tier, i) => `#${i} a ${tier} prompt`);

/** A run that records what it tracks and stops on the first failure, as runOperation does. */
function tracking(concurrency = 1) {
	const tracked: Array<[number, boolean]> = [];
	let stop = false;
	return {
		tracked,
		run: {
			concurrency,
			track: (i: number, settled: Settled<IDataObject>) => {
				tracked.push([i, settled.ok]);
				if (!settled.ok) stop = true;
				return settled;
			},
			stopped: () => stop,
		},
		ignoringFailures: {
			concurrency,
			track: (i: number, settled: Settled<IDataObject>) => {
				tracked.push([i, settled.ok]);
				return settled;
			},
			stopped: () => false,
		},
	};
}

/** The models called, with consecutive calls to one model merged. */
const runs = (models: string[]) => models.filter((m, i) => m !== models[i - 1]);

describe('generateGrouped', () => {
	it("returns each item's answer at its input index, from its tier's model", async () => {
		const { session } = await setup(prompts);
		const { run } = tracking();
		const results = await generateGrouped(session, prompts.length, run);
		expect(results.map((r) => (r?.ok ? r.value.model : r))).toEqual(
			TIER_OF.map((tier) => MODEL_OF[tier]),
		);
	});

	it('calls each model for all its items in one run (each model loaded once)', async () => {
		const { session, calls } = await setup(prompts);
		await generateGrouped(session, prompts.length, tracking().run);
		const order = runs(calls.map((c) => c.model));
		expect(new Set(order).size).toBe(order.length);
		expect(order).toHaveLength(3);
		// Each call carried its own item's prompt.
		expect(calls.map((c) => c.prompt).sort()).toEqual([...prompts].sort());
	});

	it('tracks every item once, as it settles', async () => {
		const { session } = await setup(prompts);
		const { tracked, run } = tracking(2);
		await generateGrouped(session, prompts.length, run);
		expect(tracked.map(([i]) => i).sort()).toEqual([0, 1, 2, 3, 4, 5]);
		expect(tracked.every(([, ok]) => ok)).toBe(true);
	});

	it('returns a failed planning at its index, tracked once, and answers the others', async () => {
		const withEmpty = prompts.map((p, i) => (i === 2 ? '' : p));
		const { session, calls } = await setup(withEmpty);
		const { tracked, ignoringFailures } = tracking();
		const results = await generateGrouped(session, withEmpty.length, ignoringFailures);
		expect(results[2]?.ok).toBe(false);
		expect(String(results[2]?.ok === false && results[2].error)).toContain('The prompt is empty');
		expect(tracked.filter(([i]) => i === 2)).toEqual([[2, false]]);
		expect(results.filter((r) => r?.ok)).toHaveLength(5);
		expect(calls).toHaveLength(5);
	});

	it('stops planning and calls no model once the run is stopped by a failed planning', async () => {
		const withEmpty = prompts.map((p, i) => (i === 1 ? '' : p));
		const { session, calls } = await setup(withEmpty);
		const { run } = tracking();
		const results = await generateGrouped(session, withEmpty.length, run);
		expect(calls).toHaveLength(0);
		expect(results[0]).toBeUndefined(); // planned, never answered
		expect(results[1]?.ok).toBe(false);
		expect(results).toHaveLength(2); // items after the failure were not planned
	});
});
