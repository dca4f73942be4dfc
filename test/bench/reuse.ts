/**
 * Answer reuse: what the lookup costs an item, and what stored answers hold in memory. Printed, never
 * asserted.
 *
 *  - per item, one item's whole engine path (plan + run on an instant in-process Ollama fake) without
 *    reuse and with it (key over the prompt, lookup, in-flight check, store), alternating so load and
 *    JIT drift hit both sides alike; every prompt distinct (the miss path: the item still calls);
 *  - a hit: the same path when the answer is stored (no call);
 *  - the key alone (sha256 over the request), per corpus prompt;
 *  - heap held by 10,000 stored answers (after GC; `--expose-gc`), next to the store's own estimate.
 */
import type { DispatchConfig } from '../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../nodes/AiDispatcher/engine/resilience/timeouts';
import { dispatch, planItem } from '../../nodes/AiDispatcher/engine/plan';
import { findReusable } from '../../nodes/AiDispatcher/engine/reuse/eligible';
import { requestKey } from '../../nodes/AiDispatcher/engine/reuse/key';
import { answerBytes } from '../../nodes/AiDispatcher/engine/reuse/store';
import type { ReuseConfig } from '../../nodes/AiDispatcher/engine/reuse/types';
import { createDispatcherState } from '../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest, ModelSpec } from '../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../support/fakes';

const HOST = 'http://bench:11434';
const REUSE: ReuseConfig = {
	scope: 'bench-credential',
	executionId: 'bench-execution',
	windowMs: 0,
};
/** A typical digest answer: about 600 characters. */
const ANSWER =
	'The sender asks you to confirm the revised delivery date for order 4471 by Friday noon. '.repeat(
		7,
	);

function median(samples: number[]): number {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

const distinct = (request: DispatchRequest, i: number): DispatchRequest => ({
	...request,
	prompt: `${request.prompt ?? ''}\n#${i}`,
});

async function perItem(
	n: number,
	config: DispatchConfig,
	requests: DispatchRequest[],
): Promise<{ without: number[]; with: number[]; hit: number[] }> {
	const { ollama } = scriptedOllama({
		'phi3:mini': [ANSWER],
		'llama3.2:3b': [ANSWER],
		'qwen2.5:7b': [ANSWER],
	});
	const ports = fakePorts(ollama);
	const plain = createDispatcherState({ metrics: {} });
	const reusing = createDispatcherState({ metrics: {} });
	const withReuse = { ...config, reuse: REUSE };
	const out = { without: [] as number[], with: [] as number[], hit: [] as number[] };
	for (let k = 0; k < n; k++) {
		const request = distinct(requests[k % requests.length], k);
		// Each prompt runs once per side; which side goes first alternates (the second run of a prompt is warmer).
		for (const reuse of k % 2 === 0 ? [false, true] : [true, false]) {
			const t0 = process.hrtime.bigint();
			await dispatch(request, reuse ? withReuse : config, reuse ? reusing : plain, ports);
			(reuse ? out.with : out.without).push(Number(process.hrtime.bigint() - t0) / 1000);
		}
		const t1 = process.hrtime.bigint();
		await dispatch(request, withReuse, reusing, ports); // the same request again: answered from the store
		out.hit.push(Number(process.hrtime.bigint() - t1) / 1000);
	}
	return out;
}

function heapAfterGc(): number {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) return NaN;
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

/** Heap held by `count` stored answers of ~600 characters (in a store bounded at `maxBytes`), and the store's estimate of it. */
function memoryPer(
	count: number,
	maxBytes?: number,
): { heapBytes: number; estimatedBytes: number; state: ReturnType<typeof createDispatcherState> } {
	const state = createDispatcherState({
		metrics: {},
		...(maxBytes ? { maxReuseBytes: maxBytes } : {}),
	});
	const before = heapAfterGc();
	for (let i = 0; i < count; i++) {
		const key = requestKey(
			{ prompt: `prompt ${i}`, task: 'auto', complexity: 'auto', format: { type: 'text' } },
			REUSE.scope,
		);
		// A distinct string per answer, as real answers are (not one shared constant).
		const text = `${ANSWER.slice(0, ANSWER.length - 8)}${String(i).padStart(8, '0')}`;
		const answer = {
			key,
			model: 'llama3.2:3b',
			tier: 'medium' as const,
			optionsKey: '{}',
			text,
			usage: {
				prompt_tokens: 180,
				completion_tokens: 140,
				total_ms: 4200,
				load_ms: 0,
				tokens_per_s: 33,
			},
			host: HOST,
			storedAtMs: 1_763_800_000_000 + i,
			executionId: 'bench-execution-0001',
			shared: true,
		};
		state.reuse.put({ ...answer, bytes: answerBytes(answer) });
	}
	const after = heapAfterGc();
	return { heapBytes: after - before, estimatedBytes: state.reuse.stats().bytes, state };
}

/** The reuse steps alone, as `answerOnce` makes them before deciding: key, stored-answer lookup (a miss), in-flight check. */
async function lookupAlone(
	config: DispatchConfig,
	requests: DispatchRequest[],
	state: ReturnType<typeof createDispatcherState>,
): Promise<number[]> {
	const { ollama } = scriptedOllama({});
	const ports = fakePorts(ollama);
	const plans = await Promise.all(
		requests
			.slice(0, 200)
			.map((r, i) =>
				planItem(distinct(r, 1_000_000 + i), { ...config, reuse: REUSE }, state, ports),
			),
	);
	const samples: number[] = [];
	for (let i = 0; i < 20_000; i++) {
		const plan = plans[i % plans.length];
		const t0 = process.hrtime.bigint();
		const key = requestKey(plan.request, REUSE.scope, REUSE.extras);
		if (!findReusable(state.reuse, plan, REUSE, key, 0)) state.reuse.inFlight(key);
		samples.push(Number(process.hrtime.bigint() - t0) / 1000);
	}
	return samples;
}

export async function reuseFigures(
	models: ModelSpec[],
	requests: DispatchRequest[],
): Promise<void> {
	const config: DispatchConfig = {
		baseUrls: [HOST],
		models,
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: { retry: { maxRetries: 0 } },
	};
	await perItem(2_000, config, requests); // warm up
	const timed = await perItem(10_000, config, requests);
	const without = median(timed.without);
	const withReuse = median(timed.with);

	const keyUs: number[] = [];
	for (let i = 0; i < 20_000; i++) {
		const request = requests[i % requests.length];
		const t0 = process.hrtime.bigint();
		requestKey(request, REUSE.scope);
		keyUs.push(Number(process.hrtime.bigint() - t0) / 1000);
	}
	const meanChars = Math.round(
		requests.reduce((s, r) => s + (r.prompt?.length ?? 0), 0) / requests.length,
	);
	const memory = memoryPer(10_000);
	const lookup = await lookupAlone(config, requests, memory.state);
	const kib = (b: number) => (b / 1024).toFixed(0);
	const sorted = [...lookup].sort((a, b) => a - b);

	console.log(
		'\n== Answer reuse (engine path on an instant in-process Ollama fake; corpus prompts made distinct) ==',
	);
	console.log(
		`median µs per item: without reuse ${without.toFixed(1)}, with reuse (lookup, miss, store) ${withReuse.toFixed(1)} (difference ${(withReuse - without).toFixed(1)} µs)`,
	);
	console.log(
		`the lookup alone (key over the request, stored-answer lookup in a store of 10,000, in-flight check; mean ${meanChars} characters): median ${median(lookup).toFixed(2)} µs, p99 ${sorted[Math.floor(0.99 * (sorted.length - 1))].toFixed(2)} µs`,
	);
	console.log(`the key alone (sha256): median ${median(keyUs).toFixed(2)} µs`);
	console.log(
		`a hit (answer stored, no model call): median ${median(timed.hit).toFixed(1)} µs per item, whole path (analysis and selection included)`,
	);
	const bounded = memoryPer(50_000, 8 * 1024 * 1024);
	if (!Number.isNaN(bounded.heapBytes)) {
		const st = bounded.state.reuse.stats();
		console.log(
			`50,000 answers put into a store bounded at 8 MiB: ${st.entries.toLocaleString('en-US')} kept, ${st.evictions.toLocaleString('en-US')} evicted, estimate ${kib(st.bytes)} KiB, heap held ${kib(bounded.heapBytes)} KiB (no growth past the bound)`,
		);
	}
	if (Number.isNaN(memory.heapBytes))
		console.log(
			'memory per 10,000 stored answers: run with --expose-gc (npm run bench does) to measure',
		);
	else {
		const perAnswerEstimate = memory.estimatedBytes / 10_000;
		console.log(
			`memory per 10,000 stored answers of ${ANSWER.length} characters: heap ${kib(memory.heapBytes)} KiB measured, ${kib(memory.estimatedBytes)} KiB estimated by the store (measured = ${(memory.heapBytes / memory.estimatedBytes).toFixed(2)}× the estimate); the 64 MiB default bound (on the estimate) keeps about ${Math.floor((64 * 1024 * 1024) / perAnswerEstimate).toLocaleString('en-US')} such answers`,
		);
	}
}
