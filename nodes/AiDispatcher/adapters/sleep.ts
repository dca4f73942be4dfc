/**
 * An abortable sleep on top of whatever n8n-workflow the running n8n provides. `sleepWithAbort` is
 * missing from some n8n releases (n8n 2.40.7 ships n8n-workflow 2.40.1 without it), and our peer
 * dependency resolves to n8n's own copy, so it is feature-detected; otherwise `sleep` is raced
 * against the cancel signal.
 */
import { sleep, sleepWithAbort } from 'n8n-workflow';

import { linkCancel, unlessCancelled } from '../engine/cancel';
import type { SleepPort } from '../engine/ports';

/** Resolves after `ms` milliseconds, or rejects as soon as `cancel` aborts. */
export const abortableSleep: SleepPort = async (ms, cancel) => {
	if (!cancel) return await sleep(ms);
	// A short-lived signal of the sleep's own: the listeners added to it die with it instead of piling
	// up on the execution's cancel (n8n's sleepWithAbort never removes its listener), and it lets go
	// of the execution's cancel when the sleep ends.
	const own = linkCancel([cancel]);
	try {
		if (typeof sleepWithAbort === 'function') return await sleepWithAbort(ms, own.signal);
		await unlessCancelled(sleep(ms), own.signal, () => {
			throw Object.assign(new Error('sleep aborted'), { name: 'AbortError' });
		});
	} finally {
		own.dispose();
	}
};
