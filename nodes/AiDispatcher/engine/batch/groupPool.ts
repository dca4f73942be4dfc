/**
 * Runs a batch schedule: its items in the schedule's order, up to `concurrency` at once, an item of a
 * group starting only once the group `holds` places before it has finished (with `holds` 1, one model at a time). Hooks
 * around groups carry out the preloads and releases. Results are kept by input index.
 */
import type { BatchSchedule } from './schedule';

export interface GroupPoolHooks {
	/** The last item of group `group` starts (a preload of the next model may start now; not awaited). */
	lastStarted?(group: number): void;
	/** Every item of group `group` has finished; awaited before a group waiting for it starts. Must not reject. */
	finished?(group: number): Promise<void>;
}

/**
 * Calls `task(index)` for the schedule's items; stops starting new ones once `stopped()` is true
 * (their results stay undefined). `task` must not reject: pass failures as values.
 */
export async function runGroups<T>(
	schedule: BatchSchedule,
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
	hooks: GroupPoolHooks = {},
	stopped: () => boolean = () => false,
): Promise<Array<T | undefined>> {
	const results = new Array<T | undefined>(count).fill(undefined);
	const groupOf = new Map(
		schedule.groups.flatMap((g, group) => g.indices.map((index) => [index, group] as const)),
	);
	const lastAt = new Map(schedule.order.map((index, at) => [groupOf.get(index) as number, at]));
	const positions = schedule.order.map((index, at) => {
		const group = groupOf.get(index) as number;
		return { index, group, last: lastAt.get(group) === at };
	});
	const remaining = schedule.groups.map((g) => g.indices.length);
	const done = schedule.groups.map(() => deferred());
	const holds = Math.max(1, schedule.holds);
	let next = 0;

	const worker = async () => {
		while (next < positions.length && !stopped()) {
			const { index, group, last } = positions[next++];
			if (group >= holds) await done[group - holds].promise;
			// Taken but stopped meanwhile: never started, yet counted, so no worker waits for it forever.
			if (!stopped()) {
				if (last) hooks.lastStarted?.(group);
				results[index] = await task(index);
			}
			if (--remaining[group] === 0) {
				if (!stopped()) await hooks.finished?.(group);
				done[group].resolve();
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(concurrency), positions.length));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
	let resolve: () => void = () => undefined;
	const promise = new Promise<void>((r) => (resolve = r));
	return { promise, resolve };
}
