/** Running a schedule: run order, one model at a time unless the host holds more, hooks, stop. */
import { runGroups } from '../../../../nodes/AiDispatcher/engine/batch/groupPool';
import { planBatch } from '../../../../nodes/AiDispatcher/engine/batch/schedule';

const H = 'h';
const MODELS = ['a', 'b', 'a', 'c', 'b', 'a'];
const schedule = (holds: number | null) =>
	planBatch(
		MODELS.map((model, index) => ({ index, model, host: H })),
		{ loaded: () => [], holds: () => holds },
	);

/** A task that records starts and ends; each resolves when the test releases it (microtask turns). */
function recorder() {
	const events: string[] = [];
	let active = new Set<string>();
	let maxModelsAtOnce = 0;
	const task = async (index: number) => {
		const model = MODELS[index];
		events.push(`start ${index}`);
		active = new Set([...active, `${model}#${index}`]);
		maxModelsAtOnce = Math.max(
			maxModelsAtOnce,
			new Set([...active].map((k) => k.split('#')[0])).size,
		);
		for (let i = 0; i < 3; i++) await Promise.resolve();
		active.delete(`${model}#${index}`);
		events.push(`end ${index}`);
		return `answer ${index}`;
	};
	return { events, task, max: () => maxModelsAtOnce };
}

describe('runGroups', () => {
	it('returns results by input index, every item once', async () => {
		const r = recorder();
		const results = await runGroups(schedule(1), MODELS.length, 3, r.task);
		expect(results).toEqual(MODELS.map((_, i) => `answer ${i}`));
		expect(r.events.filter((e) => e.startsWith('start'))).toHaveLength(MODELS.length);
	});

	it('concurrency 1: items in the schedule order', async () => {
		const r = recorder();
		await runGroups(schedule(1), MODELS.length, 1, r.task);
		expect(r.events.filter((e) => e.startsWith('start'))).toEqual([
			'start 0',
			'start 2',
			'start 5',
			'start 1',
			'start 4',
			'start 3',
		]);
	});

	it('concurrency 4 on a one-model host: never two models at once, the next group waits for the last item', async () => {
		const r = recorder();
		await runGroups(schedule(1), MODELS.length, 4, r.task);
		expect(r.max()).toBe(1);
		expect(r.events.indexOf('start 1')).toBeGreaterThan(r.events.indexOf('end 5'));
	});

	it('concurrency 4 on a host holding 3 models: groups overlap', async () => {
		const r = recorder();
		await runGroups(schedule(3), MODELS.length, 4, r.task);
		expect(r.max()).toBeGreaterThan(1);
	});

	it('calls lastStarted when a group’s last item starts and awaits finished before the next group', async () => {
		const r = recorder();
		const log: string[] = [];
		await runGroups(
			schedule(1),
			MODELS.length,
			2,
			async (i) => (log.push(`item ${i}`), r.task(i)),
			{
				lastStarted: (g) => log.push(`last of group ${g}`),
				finished: async (g) => {
					log.push(`finished group ${g}`);
					await Promise.resolve();
				},
			},
		);
		expect(log).toEqual([
			'item 0',
			'item 2',
			'last of group 0',
			'item 5',
			'finished group 0',
			'item 1',
			'last of group 1',
			'item 4',
			'finished group 1',
			'last of group 2',
			'item 3',
			'finished group 2',
		]);
	});

	it('stops starting items once stopped, and a worker waiting for a group never hangs', async () => {
		let stop = false;
		const results = await runGroups(
			schedule(1),
			MODELS.length,
			3,
			async (i) => {
				if (i === 2) stop = true;
				await Promise.resolve();
				return i;
			},
			{},
			() => stop,
		);
		expect(results.filter((r) => r !== undefined).length).toBeLessThan(MODELS.length);
		expect(results[1]).toBeUndefined(); // group b never started
	});
});

describe('runGroups with every model resident (input order)', () => {
	it('runs in input order, calls lastStarted at each group’s last item in that order', async () => {
		const resident = planBatch(
			MODELS.map((model, index) => ({ index, model, host: H })),
			{ loaded: () => ['a', 'b', 'c'], holds: () => 3 },
		);
		const log: string[] = [];
		await runGroups(resident, MODELS.length, 1, async (i) => (log.push(`item ${i}`), i), {
			lastStarted: (g) => log.push(`last ${resident.groups[g].model}`),
		});
		expect(log).toEqual([
			'item 0',
			'item 1',
			'item 2',
			'last c',
			'item 3',
			'last b',
			'item 4',
			'last a',
			'item 5',
		]);
	});
});
