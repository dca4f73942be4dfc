/** The residency store: what each host holds, learned from /api/ps, calls, preloads and releases. */
import {
	MAX_MODELS_PER_HOST,
	ResidencyStore,
} from '../../../../nodes/AiDispatcher/engine/residency/store';

const H = 'http://ollama:11434';
const call = (startedAtMs: number, loadMs: number, callMs = 1_000) => ({
	startedAtMs,
	endedAtMs: startedAtMs + callMs,
	loadMs,
	callMs,
});

describe('ResidencyStore', () => {
	it('knows nothing about a host it never saw: nothing loaded, capacity unknown', () => {
		const store = new ResidencyStore();
		expect(store.view(H)).toBeUndefined();
		expect(store.holds(H)).toBeNull();
		expect(store.isLoaded(H, 'a')).toBe(false);
	});

	it('is seeded from /api/ps; a call of a listed model is "already loaded" and is not a load', () => {
		const store = new ResidencyStore();
		store.observeLoaded(H, ['a'], 1_000);
		expect(store.isLoaded(H, 'a')).toBe(true);
		expect(store.observeCall(H, 'a', call(2_000, 3))).toEqual({
			alreadyLoaded: true,
			loadMs: null,
			counted: false,
			evicted: [],
		});
		expect(store.view(H)).toMatchObject({ loads: 0, warmCallMs: { a: 1_000 } });
	});

	it('a call of a model not believed loaded is a load: counted once, its load_duration learned', () => {
		const store = new ResidencyStore();
		const first = store.observeCall(H, 'b', call(0, 8_000, 9_000));
		expect(first).toEqual({ alreadyLoaded: false, loadMs: 8_000, counted: true, evicted: [] });
		expect(store.view(H)).toMatchObject({ loaded: ['b'], loads: 1, loadMs: { b: 8_000 } });
		// A call that started after the load finished finds it loaded.
		expect(store.observeCall(H, 'b', call(10_000, 2)).alreadyLoaded).toBe(true);
	});

	it('a call that ran alongside the loading call waited for the same load: not loaded, not counted again', () => {
		const store = new ResidencyStore();
		store.observeCall(H, 'b', call(0, 8_000, 9_000));
		const alongside = store.observeCall(H, 'b', call(100, 7_900, 9_500));
		expect(alongside).toEqual({ alreadyLoaded: false, loadMs: 7_900, counted: false, evicted: [] });
		expect(store.view(H)?.loads).toBe(1);
	});

	it('learns load time as a moving average (newest weighs 0.3)', () => {
		const store = new ResidencyStore();
		store.observeCall(H, 'b', call(0, 10_000));
		store.observeUnload(H, 'b', 20_000);
		store.observeCall(H, 'b', call(30_000, 5_000));
		expect(store.loadMsOf(H, 'b')).toBeCloseTo(10_000 + 0.3 * (5_000 - 10_000));
		expect(store.view(H)?.loads).toBe(2);
	});

	it('learns capacity from an eviction seen in /api/ps after a load, then predicts evictions itself', () => {
		const store = new ResidencyStore();
		store.observeLoaded(H, ['a'], 0);
		store.observeCall(H, 'b', call(1_000, 5_000));
		expect(store.holds(H)).toBeNull(); // no eviction seen yet: unknown
		store.observeLoaded(H, ['b'], 10_000); // a gone after b loaded: the box holds 1
		expect(store.view(H)).toMatchObject({ capacity: 1, evictions: 1, loaded: ['b'] });
		expect(store.holds(H)).toBe(1);
		const next = store.observeCall(H, 'c', call(11_000, 6_000));
		expect(next.evicted).toEqual(['b']);
		expect(store.view(H)?.loaded).toEqual(['c']);
	});

	it('a model gone from /api/ps without a load in between expired: no eviction, capacity unknown', () => {
		const store = new ResidencyStore();
		store.observeLoaded(H, ['a', 'b'], 0);
		store.observeLoaded(H, ['b'], 1_000);
		expect(store.view(H)).toMatchObject({ capacity: null, evictions: 0, mostSeenLoaded: 2 });
		expect(store.holds(H)).toBe(2); // two seen loaded together
	});

	it('ignores an /api/ps reading older than what a call told since', () => {
		const store = new ResidencyStore();
		store.observeCall(H, 'b', call(5_000, 1_000));
		store.observeLoaded(H, [], 2_000); // stale cached round
		expect(store.isLoaded(H, 'b')).toBe(true);
	});

	it('a preload is a load, learned from its duration; the calls after it find the model loaded', () => {
		const store = new ResidencyStore();
		expect(store.observePreload(H, 'q', 0, 7_000)).toEqual({ counted: true, evicted: [] });
		expect(store.observePreload(H, 'q', 8_000, 8_010).counted).toBe(false);
		expect(store.observeCall(H, 'q', call(9_000, 1)).alreadyLoaded).toBe(true);
		expect(store.view(H)).toMatchObject({ loads: 1, loadMs: { q: 7_000 } });
	});

	it('a release removes the model from what is loaded', () => {
		const store = new ResidencyStore();
		store.observeLoaded(H, ['a', 'b'], 0);
		store.observeUnload(H, 'a', 1);
		expect(store.view(H)?.loaded).toEqual(['b']);
		expect(store.observeCall(H, 'a', call(2, 4_000)).counted).toBe(true);
	});

	it('is bounded: hosts least recently updated first, load times per host', () => {
		const store = new ResidencyStore(2);
		store.observeLoaded('h1', ['a'], 0);
		store.observeLoaded('h2', ['a'], 0);
		store.observeLoaded('h3', ['a'], 0);
		expect(Object.keys(store.toJSON())).toEqual(['h2', 'h3']);
		for (let i = 0; i < MAX_MODELS_PER_HOST + 5; i++)
			store.observeCall(H, `m${i}`, call(i * 10, 1));
		expect(Object.keys(store.view(H)?.loadMs ?? {})).toHaveLength(MAX_MODELS_PER_HOST);
	});

	it('never learns a non-finite or negative load time', () => {
		const store = new ResidencyStore();
		store.observeCall(H, 'b', call(0, Number.NaN));
		expect(store.loadMsOf(H, 'b')).toBe(0);
		store.observeCall(H, 'c', call(0, -5));
		expect(store.loadMsOf(H, 'c')).toBe(0);
	});
});
