import {
	answerBytes,
	ENTRY_OVERHEAD_BYTES,
	ReuseStore,
} from '../../../../nodes/AiDispatcher/engine/reuse/store';
import type { StoredAnswer } from '../../../../nodes/AiDispatcher/engine/reuse/types';

const usage = {
	prompt_tokens: 1,
	completion_tokens: 1,
	total_ms: 1000,
	load_ms: 0,
	tokens_per_s: 10,
};
function answer(
	key: string,
	model = 'm',
	text = 'x'.repeat(100),
	scope: { executionId?: string; shared?: boolean } = {},
): StoredAnswer {
	const a = {
		key,
		model,
		tier: 'low' as const,
		optionsKey: '{}',
		text,
		usage,
		storedAtMs: 0,
		executionId: scope.executionId ?? 'e1',
		shared: scope.shared ?? true,
	};
	return { ...a, bytes: answerBytes(a) };
}

describe('ReuseStore', () => {
	it('estimates an entry as its strings in UTF-16 plus a fixed overhead', () => {
		const a = answer('k', 'm', 'abc');
		expect(a.bytes).toBe(
			2 * ('k'.length + 'm'.length + '{}'.length + 'abc'.length + 'e1'.length) +
				ENTRY_OVERHEAD_BYTES,
		);
	});

	it('keeps answers per (key, model) and replaces the same model’s earlier one', () => {
		const store = new ReuseStore();
		store.put(answer('k1', 'a', 'first'));
		store.put(answer('k1', 'b', 'other'));
		store.put(answer('k1', 'a', 'second'));
		expect(store.get('k1', 'a')?.text).toBe('second');
		expect(store.get('k1', 'b')?.text).toBe('other');
		expect(store.get('k2', 'a')).toBeUndefined();
		expect(store.stats()).toMatchObject({
			entries: 2,
			bytes: answer('k1', 'a', 'second').bytes + answer('k1', 'b', 'other').bytes,
		});
	});

	it('never holds more bytes than its bound: the least recently used go first, and are counted', () => {
		const k = (i: number) => `k${String(i).padStart(3, '0')}`; // equal sizes
		const one = answer(k(0)).bytes;
		const store = new ReuseStore(one * 3);
		for (let i = 0; i < 3; i++) store.put(answer(k(i)));
		store.get(k(0), 'm'); // k0 becomes the most recently used: k1 is now the oldest
		store.put(answer(k(3)));
		expect(store.get(k(1), 'm')).toBeUndefined();
		expect([0, 2, 3].map((i) => store.get(k(i), 'm')?.key)).toEqual([k(0), k(2), k(3)]);
		for (let i = 4; i < 100; i++) {
			store.put(answer(k(i)));
			expect(store.stats().bytes).toBeLessThanOrEqual(one * 3);
		}
		expect(store.stats()).toMatchObject({ entries: 3, evictions: 97 });
	});

	it('refuses an answer larger than the whole bound', () => {
		const store = new ReuseStore(1000);
		expect(store.put(answer('big', 'm', 'x'.repeat(1000)))).toBe(false);
		expect(store.stats()).toMatchObject({ entries: 0, bytes: 0 });
	});

	it('clears every answer, keeping the counters', () => {
		const store = new ReuseStore();
		store.put(answer('a'));
		store.put(answer('b'));
		store.hit(1500);
		store.miss();
		expect(store.clear()).toBe(2);
		expect(store.stats()).toEqual({
			entries: 0,
			bytes: 0,
			maxBytes: store.maxBytes,
			inFlight: 0,
			hits: 1,
			misses: 1,
			evictions: 0,
			savedMs: 1500,
		});
	});

	it('forgets a call in flight once it settles, resolved or rejected', async () => {
		const store = new ReuseStore();
		let resolve: (a: StoredAnswer | undefined) => void = () => undefined;
		const flight = new Promise<StoredAnswer | undefined>((r) => (resolve = r));
		store.fly('k', flight);
		expect(store.inFlight('k')).toBe(flight);
		resolve(undefined);
		await flight;
		await Promise.resolve();
		expect(store.inFlight('k')).toBeUndefined();
		const failing = Promise.reject(new Error('x'));
		failing.catch(() => undefined);
		store.fly('f', failing);
		await failing.catch(() => undefined);
		await Promise.resolve();
		expect(store.inFlight('f')).toBeUndefined();
	});

	it('forgets the answers an execution kept for itself only when it ends, and nothing else', () => {
		const store = new ReuseStore();
		store.put(answer('own', 'm', 'a', { executionId: 'e1', shared: false }));
		store.put(answer('kept', 'm', 'b', { executionId: 'e1', shared: true }));
		store.put(answer('other', 'm', 'c', { executionId: 'e2', shared: false }));
		const before = store.stats().bytes;
		expect(store.forgetExecution('e1')).toBe(1);
		expect(store.get('own', 'm')).toBeUndefined();
		expect(store.get('kept', 'm')?.text).toBe('b');
		expect(store.get('other', 'm')?.text).toBe('c');
		expect(store.stats()).toMatchObject({
			entries: 2,
			bytes: before - answer('own', 'm', 'a').bytes,
		});
		expect(store.forgetExecution('e1')).toBe(0);
	});
});
