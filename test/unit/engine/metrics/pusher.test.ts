import {
	cancelPush,
	newPushState,
	pushStatus,
	requestPush,
	type PushPorts,
} from '../../../../nodes/AiDispatcher/engine/metrics/pusher';

/** A manual clock and a sleep that resolves when the test advances time past it. */
function harness(send: () => Promise<void>) {
	let now = 1_000_000;
	const sleepers: Array<{ until: number; resolve: () => void }> = [];
	const ports: PushPorts = {
		clock: { nowMs: () => now },
		sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ until: now + ms, resolve })),
		send,
		describe: (e) => (e instanceof Error ? e.message : String(e)),
	};
	const advance = async (ms: number) => {
		now += ms;
		for (const s of sleepers.splice(0))
			if (s.until <= now) s.resolve();
			else sleepers.push(s);
		for (let i = 0; i < 5; i++) await Promise.resolve();
		await new Promise((r) => setImmediate(r));
	};
	return { ports, advance, sleepers };
}

describe('requestPush', () => {
	it('pushes at once, then at most once per interval, with one trailing push for what came in between', async () => {
		let sent = 0;
		const h = harness(async () => void sent++);
		const state = newPushState();
		await requestPush(state, h.ports, 5_000);
		expect(sent).toBe(1);
		await h.advance(1_000);
		await requestPush(state, h.ports, 5_000);
		await requestPush(state, h.ports, 5_000);
		expect(sent).toBe(1);
		expect(h.sleepers).toHaveLength(1); // one trailing push, not one per request
		await h.advance(4_000);
		expect(sent).toBe(2);
		expect(pushStatus(state)).toMatchObject({
			pushes: 2,
			failures: 0,
			deferred: 2,
			lastError: null,
			lastPushAtMs: 1_005_000,
		});
	});

	it('fails open: a failed push resolves, is counted and shown, and the next attempt waits for the interval', async () => {
		let sent = 0;
		const h = harness(async () => {
			sent++;
			throw new Error('connect ECONNREFUSED 127.0.0.1:9');
		});
		const state = newPushState();
		await expect(requestPush(state, h.ports, 5_000)).resolves.toBeUndefined();
		expect(pushStatus(state)).toMatchObject({
			failures: 1,
			pushes: 0,
			lastError: 'connect ECONNREFUSED 127.0.0.1:9',
			lastErrorAtMs: 1_000_000,
		});
		for (let i = 0; i < 10; i++) await requestPush(state, h.ports, 5_000);
		expect(sent).toBe(1);
		await h.advance(5_000);
		expect(sent).toBe(2);
	});

	it('skips the trailing push when another push went out after the request', async () => {
		let sent = 0;
		const h = harness(async () => void sent++);
		const state = newPushState();
		await requestPush(state, h.ports, 5_000);
		await h.advance(100);
		await requestPush(state, h.ports, 5_000); // schedules a trailing push at +5000
		await h.advance(5_000);
		expect(sent).toBe(2);
		await requestPush(state, h.ports, 5_000);
		await h.advance(5_000);
		expect(sent).toBe(3);
	});
});

describe('cancelPush', () => {
	it('drops a waiting trailing push', async () => {
		let sent = 0;
		const h = harness(async () => void sent++);
		h.ports.sleep = (ms, signal) =>
			new Promise<void>((resolve, reject) => {
				h.sleepers.push({ until: 1_000_000 + ms, resolve });
				signal?.addEventListener('abort', () => reject(new Error('aborted')));
			});
		const state = newPushState();
		await requestPush(state, h.ports, 5_000);
		await requestPush(state, h.ports, 5_000);
		cancelPush(state);
		await h.advance(10_000);
		expect(sent).toBe(1);
		expect(state.trailing).toBe(false);
	});
});
