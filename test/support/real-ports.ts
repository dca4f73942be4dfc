/** Real engine ports for scenario tests: fetch HTTP, the wall clock, real sleeps, a seeded PRNG. */
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import { createOllamaClient } from '../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from './http-port';
import { seededRandom } from './random';

/** Resolves after `ms`, or rejects when `signal` aborts (like n8n's sleepWithAbort). */
export function sleepWithAbort(ms: number, signal?: AbortSignal): Promise<void> {
	return new Promise((resolve, reject) => {
		if (signal?.aborted) return reject(new Error('aborted'));
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(new Error('aborted'));
		};
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/**
 * A clock the test moves: the wall clock plus an offset (`advance` adds to it), or, with `frozen`,
 * a fixed instant that moves only by `advance`. Tests advance it instead of sleeping through a
 * breaker cooldown or a liveness window, so what they check does not depend on how busy the machine is.
 */
export interface TestClock {
	nowMs(): number;
	advance(ms: number): void;
}

export function testClock(options: { frozen?: boolean } = {}): TestClock {
	let offsetMs = 0;
	const frozenAt = Date.now();
	return {
		nowMs: () => (options.frozen ? frozenAt : Date.now()) + offsetMs,
		advance: (ms) => {
			offsetMs += ms;
		},
	};
}

/** Counts and sums the backoff sleeps an item asked for (a sleep port that really sleeps). */
export interface CountingSleep {
	sleep: EnginePorts['sleep'];
	/** Sleeps asked for, in milliseconds, in order. */
	requested: number[];
}

export function countingSleep(): CountingSleep {
	const requested: number[] = [];
	return {
		requested,
		sleep: (ms, signal) => {
			requested.push(ms);
			return sleepWithAbort(ms, signal);
		},
	};
}

export function realPorts(
	options: {
		seed?: number;
		signal?: AbortSignal;
		clock?: TestClock;
		sleep?: EnginePorts['sleep'];
	} = {},
): EnginePorts {
	return {
		ollama: createOllamaClient(fetchHttpPort()),
		clock: options.clock ?? { nowMs: () => Date.now() },
		sleep: options.sleep ?? sleepWithAbort,
		log: { debug: () => undefined, warn: () => undefined },
		random: seededRandom(options.seed ?? 7),
		cancel: options.signal,
	};
}
