/**
 * Cancel signals, one way for the whole package (engine, transport, adapters, the chat model).
 *
 * `linkCancel` joins signals: one `AbortSignal` that aborts when any source aborts (with that
 * source's reason) or when its owner aborts it. `AbortSignal.any` does the same, but its link to a
 * long-lived source (an execution's cancel, alive for every item and call of the execution) is let
 * go only by garbage collection; here `dispose()` removes the listeners from the sources at once,
 * and aborting removes them too. While linked, each source holds the joined signal strongly, so it
 * cannot be collected before it fires.
 *
 * `unlessCancelled` waits for a promise, or stops waiting as soon as a signal aborts; its listener
 * lives only as long as the wait.
 */

export interface LinkedCancel {
	/** Aborts when a source aborts (with the source's reason, or `reasonOf(source)`) or on `abort`. */
	readonly signal: AbortSignal;
	/** Aborts `signal` with `reason` (the sources are left alone); the first reason wins. */
	abort(reason?: unknown): void;
	/** Stops listening to the sources; `signal` stays as it is. Idempotent; call when done. */
	dispose(): void;
}

/**
 * A signal that aborts when any of `sources` aborts (undefined ones are ignored), or when `abort`
 * is called. Already aborted when a source is. `reasonOf` maps the aborting source to the reason
 * (default: the source's own reason).
 */
export function linkCancel(
	sources: ReadonlyArray<AbortSignal | undefined>,
	reasonOf: (source: AbortSignal) => unknown = (source) => source.reason,
): LinkedCancel {
	const controller = new AbortController();
	const listening: Array<[AbortSignal, () => void]> = [];
	const dispose = () => {
		for (const [source, listener] of listening.splice(0))
			source.removeEventListener('abort', listener);
	};
	const abort = (reason?: unknown) => {
		if (controller.signal.aborted) return;
		dispose();
		controller.abort(reason);
	};
	const present = sources.filter((s): s is AbortSignal => s !== undefined);
	const first = present.find((s) => s.aborted);
	if (first) abort(reasonOf(first));
	else
		for (const source of present) {
			const listener = () => abort(reasonOf(source));
			source.addEventListener('abort', listener, { once: true });
			listening.push([source, listener]);
		}
	return { signal: controller.signal, abort, dispose };
}

/**
 * Settles like `work`, or like `cancelled()` as soon as `cancel` aborts (at once when it already
 * has). The abort listener is removed when either happens. `work` goes on; a later failure of it is
 * not reported.
 */
export function unlessCancelled<T, C = T>(
	work: Promise<T>,
	cancel: AbortSignal | undefined,
	cancelled: () => C | Promise<C>,
): Promise<T | C> {
	if (!cancel) return work;
	if (cancel.aborted) {
		work.catch(() => undefined);
		return Promise.resolve().then(cancelled);
	}
	return new Promise<T | C>((resolve, reject) => {
		const onAbort = () => {
			try {
				resolve(cancelled());
			} catch (error) {
				reject(error);
			}
		};
		cancel.addEventListener('abort', onAbort, { once: true });
		work.then(
			(value) => {
				cancel.removeEventListener('abort', onAbort);
				resolve(value);
			},
			(error: unknown) => {
				cancel.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}
