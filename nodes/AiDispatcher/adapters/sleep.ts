/**
 * An abortable sleep on top of whatever n8n-workflow the running n8n provides. `sleepWithAbort` is
 * missing from some n8n releases (n8n 2.40.7 ships n8n-workflow 2.40.1 without it), and our peer
 * dependency resolves to n8n's own copy, so it is feature-detected; otherwise `sleep` is raced
 * against the cancel signal.
 */
import { sleep, sleepWithAbort } from 'n8n-workflow';

import type { SleepPort } from '../engine/ports';

function aborted(cancel: AbortSignal): Promise<never> {
	return new Promise<never>((_, reject) => {
		const fail = () => reject(Object.assign(new Error('sleep aborted'), { name: 'AbortError' }));
		if (cancel.aborted) fail();
		else cancel.addEventListener('abort', fail, { once: true });
	});
}

/** Resolves after `ms` milliseconds, or rejects as soon as `cancel` aborts. */
export const abortableSleep: SleepPort = async (ms, cancel) => {
	// A short-lived derived AbortSignal: the listeners added below die with it instead of piling up on
	// the execution's cancel (n8n's sleepWithAbort never removes its listener).
	const own = cancel ? AbortSignal.any([cancel]) : undefined;
	if (typeof sleepWithAbort === 'function') return await sleepWithAbort(ms, own);
	if (!own) return await sleep(ms);
	await Promise.race([sleep(ms), aborted(own)]);
};
