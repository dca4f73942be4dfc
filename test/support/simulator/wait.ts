/** Waiting that ends when a request or the simulator goes away: abortable sleeps, a FIFO queue, a semaphore, a ns clock. */
/** Thrown by waits when the request or the simulator went away. */
export class AbortedError extends Error {
	constructor() {
		super('aborted');
	}
}

/** Resolves after `ms`, rejects with {@link AbortedError} as soon as `signal` aborts (timer cleared). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
	if (signal.aborted) return Promise.reject(new AbortedError());
	return new Promise((resolve, reject) => {
		const onAbort = (): void => {
			clearTimeout(timer);
			reject(new AbortedError());
		};
		const timer = setTimeout(
			() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			},
			Math.max(0, ms),
		);
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/** Resolves only when `signal` aborts (then rejects); used by the `hang` fault. */
export function waitForAbort(signal: AbortSignal): Promise<never> {
	return new Promise((_resolve, reject) => {
		if (signal.aborted) reject(new AbortedError());
		else signal.addEventListener('abort', () => reject(new AbortedError()), { once: true });
	});
}

/** Monotonic clock in nanoseconds. */
export function nowNs(): bigint {
	return process.hrtime.bigint();
}

export function nsBetween(from: bigint, to: bigint): number {
	return Number(to - from);
}

/** FIFO of waiters that can be woken one at a time or all at once; aborted waiters leave the queue. */
export class WaitQueue {
	private waiters: Array<() => void> = [];

	get length(): number {
		return this.waiters.length;
	}

	wait(signal: AbortSignal): Promise<void> {
		if (signal.aborted) return Promise.reject(new AbortedError());
		return new Promise((resolve, reject) => {
			const wake = (): void => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = (): void => {
				this.waiters = this.waiters.filter((w) => w !== wake);
				reject(new AbortedError());
			};
			this.waiters.push(wake);
			signal.addEventListener('abort', onAbort, { once: true });
		});
	}

	wakeOne(): boolean {
		const wake = this.waiters.shift();
		wake?.();
		return wake !== undefined;
	}

	wakeAll(): void {
		while (this.wakeOne());
	}
}

/** Counting semaphore whose permits are handed over in FIFO order. */
export class Semaphore {
	active = 0;
	private readonly queue = new WaitQueue();

	constructor(private readonly capacity: number) {}

	async acquire(signal: AbortSignal): Promise<void> {
		if (this.active < this.capacity && this.queue.length === 0) {
			this.active++;
			return;
		}
		await this.queue.wait(signal); // the releasing holder hands its permit over
	}

	release(): void {
		if (!this.queue.wakeOne()) this.active--;
	}
}
