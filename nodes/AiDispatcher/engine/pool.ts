/**
 * Runs indexed tasks with bounded concurrency, keeping results in index order: what lets the node
 * answer several items at once while its output stays paired and ordered.
 */

/**
 * Calls `task(i)` for i = 0..count−1 with at most `concurrency` (≥ 1) running at once, starting them
 * in index order; stops starting new ones once `stopped()` is true (those results stay undefined).
 * `task` must not reject: pass failures as values (see `settle`).
 */
export async function runPool<T>(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<T>,
	stopped: () => boolean = () => false,
): Promise<Array<T | undefined>> {
	const results = new Array<T | undefined>(count).fill(undefined);
	let next = 0;
	const worker = async () => {
		while (next < count && !stopped()) {
			const index = next++;
			results[index] = await task(index);
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(concurrency), count));
	await Promise.all(Array.from({ length: workers }, worker));
	return results;
}
