/** Real engine ports for scenario tests: fetch HTTP, the wall clock, real sleeps, a seeded PRNG. */
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import { createOllamaClient } from '../../nodes/AiDispatcher/transport/ollama';
import { fetchHttpPort } from './http-port';

/** Mulberry32: a small deterministic PRNG, 0 ≤ x < 1. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

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

export function realPorts(options: { seed?: number; signal?: AbortSignal } = {}): EnginePorts {
	return {
		ollama: createOllamaClient(fetchHttpPort()),
		clock: { nowMs: () => Date.now() },
		sleep: sleepWithAbort,
		log: { debug: () => undefined, warn: () => undefined },
		random: seededRandom(options.seed ?? 7),
		signal: options.signal,
	};
}
