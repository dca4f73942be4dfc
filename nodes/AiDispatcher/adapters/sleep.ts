/**
 * An abortable sleep on top of whatever n8n-workflow the running n8n provides. `sleepWithAbort` is
 * missing from some n8n releases (n8n 2.40.7 ships n8n-workflow 2.40.1 without it), and our peer
 * dependency resolves to n8n's own copy, so it is feature-detected; otherwise `sleep` is raced
 * against the signal.
 */
import { sleep, sleepWithAbort } from 'n8n-workflow';

import type { SleepPort } from '../engine/ports';

function aborted(signal: AbortSignal): Promise<never> {
	return new Promise<never>((_, reject) => {
		const fail = () => reject(Object.assign(new Error('sleep aborted'), { name: 'AbortError' }));
		if (signal.aborted) fail();
		else signal.addEventListener('abort', fail, { once: true });
	});
}

/** Resolves after `ms` milliseconds, or rejects as soon as `signal` aborts. */
export const abortableSleep: SleepPort = async (ms, signal) => {
	// A short-lived derived signal: the listeners added below die with it instead of piling up on
	// the execution's signal (n8n's sleepWithAbort never removes its listener).
	const own = signal ? AbortSignal.any([signal]) : undefined;
	if (typeof sleepWithAbort === 'function') return await sleepWithAbort(ms, own);
	if (!own) return await sleep(ms);
	await Promise.race([sleep(ms), aborted(own)]);
};
