/** The one helper for joined cancel signals (`linkCancel`) and for waits a cancel stops (`unlessCancelled`). */
import { getEventListeners } from 'node:events';

import { linkCancel, unlessCancelled } from '../../../nodes/AiDispatcher/engine/cancel';

const listeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('linkCancel', () => {
	it.each([0, 1])('aborts when source #%i aborts, with that source’s reason', (which) => {
		const sources = [new AbortController(), new AbortController()];
		const linked = linkCancel(sources.map((s) => s.signal));
		expect(linked.signal.aborted).toBe(false);
		const reason = new Error(`source ${which} stopped`);
		sources[which].abort(reason);
		expect(linked.signal.aborted).toBe(true);
		expect(linked.signal.reason).toBe(reason);
	});

	it('is already aborted, with the reason, when a source is', () => {
		const done = new AbortController();
		done.abort('stopped before');
		const live = new AbortController();
		const linked = linkCancel([live.signal, done.signal]);
		expect(linked.signal.aborted).toBe(true);
		expect(linked.signal.reason).toBe('stopped before');
		expect(listeners(live.signal)).toBe(0); // nothing left listening on the live source
	});

	it('aborts on its own without aborting the sources; the first reason wins', () => {
		const source = new AbortController();
		const linked = linkCancel([source.signal]);
		linked.abort('first');
		linked.abort('second');
		source.abort('late');
		expect(linked.signal.reason).toBe('first');
		expect(source.signal.reason).toBe('late');
	});

	it('ignores undefined sources and maps the reason when asked', () => {
		const source = new AbortController();
		const linked = linkCancel([undefined, source.signal], () => 'mapped');
		source.abort('raw');
		expect(linked.signal.reason).toBe('mapped');
		expect(linkCancel([undefined]).signal.aborted).toBe(false);
	});

	it('leaves no listener on a long-lived source once disposed, or once it aborted', () => {
		const execution = new AbortController();
		for (let i = 0; i < 100; i++) {
			const linked = linkCancel([execution.signal]);
			expect(listeners(execution.signal)).toBe(1);
			if (i % 2 === 0) linked.dispose();
			else linked.abort('item done');
		}
		expect(listeners(execution.signal)).toBe(0);
		// A disposed link no longer follows its source.
		const disposed = linkCancel([execution.signal]);
		disposed.dispose();
		disposed.dispose();
		execution.abort();
		expect(disposed.signal.aborted).toBe(false);
	});

	it('removes the listeners of every source when one aborts', () => {
		const a = new AbortController();
		const b = new AbortController();
		linkCancel([a.signal, b.signal]);
		a.abort();
		expect(listeners(a.signal)).toBe(0);
		expect(listeners(b.signal)).toBe(0);
	});
});

describe('unlessCancelled', () => {
	it('settles like the work when nothing aborts, and stops listening', async () => {
		const cancel = new AbortController();
		await expect(unlessCancelled(Promise.resolve(7), cancel.signal, () => -1)).resolves.toBe(7);
		await expect(
			unlessCancelled(Promise.reject(new Error('failed')), cancel.signal, () => -1),
		).rejects.toThrow('failed');
		expect(listeners(cancel.signal)).toBe(0);
	});

	it('settles like `cancelled` as soon as the signal aborts, and stops listening', async () => {
		const cancel = new AbortController();
		const waiting = unlessCancelled(new Promise<number>(() => undefined), cancel.signal, () => -1);
		expect(listeners(cancel.signal)).toBe(1);
		cancel.abort();
		await expect(waiting).resolves.toBe(-1);
		expect(listeners(cancel.signal)).toBe(0);
	});

	it('rejects when `cancelled` throws, at once for an already aborted signal', async () => {
		const cancel = new AbortController();
		cancel.abort();
		let workFailed = false;
		const work = new Promise<number>((_, reject) =>
			setImmediate(() => {
				workFailed = true;
				reject(new Error('later'));
			}),
		);
		await expect(
			unlessCancelled(work, cancel.signal, () => {
				throw new Error('cancelled');
			}),
		).rejects.toThrow('cancelled');
		expect(workFailed).toBe(false); // did not wait for the work
		expect(listeners(cancel.signal)).toBe(0);
	});
});
