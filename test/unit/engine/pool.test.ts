import { runPool } from '../../../nodes/AiDispatcher/engine/pool';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('runPool', () => {
	it.each([1, 3, 10, 50])(
		'keeps index order and never exceeds concurrency %i',
		async (concurrency) => {
			let running = 0;
			let peak = 0;
			const results = await runPool(20, concurrency, async (i) => {
				running++;
				peak = Math.max(peak, running);
				for (let t = 0; t <= (i * 7) % 5; t++) await tick();
				running--;
				return i * 2;
			});
			expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
			expect(peak).toBe(Math.min(concurrency, 20));
		},
	);

	it('starts no new task once stopped', async () => {
		let stop = false;
		const started: number[] = [];
		const results = await runPool(
			10,
			2,
			async (i) => {
				started.push(i);
				if (i === 3) stop = true;
				await tick();
				return i;
			},
			() => stop,
		);
		expect(started).toEqual([0, 1, 2, 3]);
		expect(results.slice(4)).toEqual(Array(6).fill(undefined));
	});

	it('handles zero items', async () => {
		expect(await runPool(0, 4, async () => 1)).toEqual([]);
	});
});
