/** Ollama's scheduler (reference §2.4): loads one model at a time, bounded queue, LRU eviction, keep-alive. */
import { HttpError } from './http';
import type { ModelRuntime } from './models';
import { ERR_BUSY } from './texts';
import type { Telemetry } from './telemetry';
import { AbortedError, WaitQueue, sleep } from './wait';

/** Longest delay setTimeout accepts; longer keep-alives behave as "forever". */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A request waiting in the scheduler queue for its model to load. */
export interface PendingLoad {
	runtime: ModelRuntime;
	signal: AbortSignal;
	loadFactor: number;
	resolve: () => void;
	reject: (error: Error) => void;
}

export interface SchedulerOptions {
	maxQueue: number;
	maxLoadedModels: number;
	timeScale: number;
}

/**
 * Ollama's scheduler: a request for a loaded model takes it at once; otherwise it joins one global
 * queue (bounded by maxQueue) that loads models one at a time, evicting the least recently used idle
 * model when maxLoadedModels are resident. Idle models unload after their keep-alive.
 */
export class Scheduler {
	private readonly pending: PendingLoad[] = [];
	private pumping = false;
	/** Woken whenever a model becomes idle or unloads (room may have appeared). */
	private readonly idle = new WaitQueue();

	constructor(
		private readonly runtimes: Map<string, ModelRuntime>,
		private readonly options: SchedulerOptions,
		private readonly telemetry: Telemetry,
		private readonly lifetime: AbortSignal,
	) {}

	/** Takes a reference on the model, loading it first if needed. Throws 503 when the queue is full. */
	async reserve(runtime: ModelRuntime, signal: AbortSignal, loadFactor: number): Promise<void> {
		if (runtime.loaded) {
			this.take(runtime);
			return;
		}
		if (this.pending.length >= this.options.maxQueue) throw new HttpError(503, ERR_BUSY);
		await new Promise<void>((resolve, reject) => {
			const job: PendingLoad = { runtime, signal, loadFactor, resolve, reject };
			const onAbort = (): void => {
				const index = this.pending.indexOf(job);
				if (index >= 0) this.pending.splice(index, 1);
				reject(new AbortedError());
			};
			job.resolve = () => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			};
			signal.addEventListener('abort', onAbort, { once: true });
			this.pending.push(job);
			void this.pump();
		});
	}

	/** Drops a reference; the last one arms the keep-alive (`keepAliveMs` of that request). */
	release(runtime: ModelRuntime, keepAliveMs: number): void {
		runtime.refs--;
		runtime.sessionMs = keepAliveMs;
		if (runtime.refs === 0) {
			this.armExpiry(runtime);
			this.idle.wakeAll();
		}
	}

	/** Marks a model loaded without waiting (for `preloaded`). */
	preload(runtime: ModelRuntime): void {
		runtime.loaded = true;
		runtime.lastUsed = Date.now();
		this.armExpiry(runtime);
	}

	/** `keep_alive: 0` with an empty prompt: unload now, or as soon as the model is idle. */
	unloadWhenIdle(runtime: ModelRuntime): void {
		runtime.sessionMs = 0;
		if (runtime.refs === 0 && runtime.loaded) this.unload(runtime);
	}

	/** Stops every expiry timer (on close). */
	stopTimers(): void {
		for (const runtime of this.runtimes.values()) clearTimeout(runtime.expiryTimer);
		for (const job of this.pending.splice(0)) job.reject(new AbortedError());
	}

	private take(runtime: ModelRuntime): void {
		runtime.refs++;
		runtime.lastUsed = Date.now();
		clearTimeout(runtime.expiryTimer);
		runtime.expiryTimer = undefined;
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			for (let job = this.pending.shift(); job; job = this.pending.shift()) await this.serve(job);
		} finally {
			this.pumping = false;
		}
	}

	private async serve(job: PendingLoad): Promise<void> {
		try {
			if (!job.runtime.loaded) await this.load(job.runtime, job.loadFactor);
		} catch (error) {
			job.reject(error as Error);
			return;
		}
		if (job.signal.aborted) {
			job.reject(new AbortedError());
			if (job.runtime.refs === 0) this.armExpiry(job.runtime);
			return;
		}
		this.take(job.runtime);
		job.resolve();
	}

	private async load(runtime: ModelRuntime, loadFactor: number): Promise<void> {
		await this.makeRoom();
		await sleep(runtime.model.loadMs * this.options.timeScale * loadFactor, this.lifetime);
		runtime.loaded = true;
		runtime.lastUsed = Date.now();
		this.telemetry.countLoad(runtime.name);
	}

	/** Unloads the least recently used idle model until there is room; waits while all are busy. */
	private async makeRoom(): Promise<void> {
		for (;;) {
			const loaded = [...this.runtimes.values()].filter((r) => r.loaded);
			if (loaded.length < this.options.maxLoadedModels) return;
			const victim = loaded.filter((r) => r.refs === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
			if (victim) this.unload(victim);
			else await this.idle.wait(this.lifetime);
		}
	}

	private armExpiry(runtime: ModelRuntime): void {
		clearTimeout(runtime.expiryTimer);
		runtime.expiryTimer = undefined;
		if (!runtime.loaded) return;
		if (runtime.sessionMs === 0) {
			this.unload(runtime);
			return;
		}
		runtime.expiresAt = Date.now() + runtime.sessionMs;
		if (runtime.sessionMs <= MAX_TIMER_MS) {
			runtime.expiryTimer = setTimeout(() => this.unload(runtime), runtime.sessionMs);
			runtime.expiryTimer.unref();
		}
	}

	private unload(runtime: ModelRuntime): void {
		clearTimeout(runtime.expiryTimer);
		runtime.expiryTimer = undefined;
		runtime.loaded = false;
		runtime.expiresAt = null;
		this.idle.wakeAll();
	}
}
