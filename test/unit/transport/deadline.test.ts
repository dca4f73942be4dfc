/**
 * The deadline and progress watch (issue 9): timers that fire after a forced GC, are cancelled when
 * the exchange ends, a stall limit between lines, and a guarded body that releases its source.
 */
import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import type { GenerateCall, HttpPort } from '../../../nodes/AiDispatcher/engine/ports';
import {
	guardBody,
	startDeadline,
	startTimer,
	untilAborted,
} from '../../../nodes/AiDispatcher/transport/deadline';
import { startProgressWatch } from '../../../nodes/AiDispatcher/transport/firstToken';
import { createOllamaClient } from '../../../nodes/AiDispatcher/transport/ollama';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startTimer', () => {
	it('fires once after the delay, even with nothing else holding it', async () => {
		let fired = 0;
		startTimer(30, () => fired++);
		(globalThis as { gc?: () => void }).gc?.();
		await wait(120);
		expect(fired).toBe(1);
	});

	it('does not fire once cancelled', async () => {
		let fired = 0;
		const cancel = startTimer(30, () => fired++);
		cancel();
		await wait(100);
		expect(fired).toBe(0);
	});
});

describe('startDeadline / untilAborted / guardBody', () => {
	it('rejects a wait with ETIMEDOUT when the deadline passes', async () => {
		const deadline = startDeadline({ method: 'GET', url: 'http://x', timeoutMs: 40 });
		const error = (await untilAborted(deadline, new Promise(() => undefined)).catch(
			(e: unknown) => e,
		)) as { code?: string; message: string };
		expect(error.code).toBe('ETIMEDOUT');
		expect(error.message).toBe('no complete reply within 40 ms (timed out)');
	});

	it("rejects with ABORT_ERR when the caller's signal aborts, and stops listening to it once cleared", async () => {
		const caller = new AbortController();
		const deadline = startDeadline({
			method: 'GET',
			url: 'http://x',
			timeoutMs: 10_000,
			abort: caller.signal,
		});
		const pending = untilAborted(deadline, new Promise(() => undefined)).catch(
			(e: { code?: string }) => e.code,
		);
		caller.abort();
		expect(await pending).toBe('ABORT_ERR');
		deadline.clear();

		const later = startDeadline({
			method: 'GET',
			url: 'http://x',
			timeoutMs: 30,
			abort: new AbortController().signal,
		});
		later.clear();
		await wait(80);
		expect(later.signal.aborted).toBe(false); // the cleared clock never fired
	});

	it('a body read to its end, or left early, releases the source and clears the clock', async () => {
		for (const leaveEarly of [false, true]) {
			let released = 0;
			const deadline = startDeadline({ method: 'GET', url: 'http://x', timeoutMs: 50 });
			const guarded = guardBody(
				deadline,
				(async function* () {
					yield 'a';
					yield 'b';
				})(),
				() => released++,
			);
			const seen: unknown[] = [];
			for await (const chunk of guarded) {
				seen.push(chunk);
				if (leaveEarly) break;
			}
			expect(seen).toEqual(leaveEarly ? ['a'] : ['a', 'b']);
			expect(released).toBe(1);
			await wait(100);
			expect(deadline.signal.aborted).toBe(false);
		}
	});
});

describe('startProgressWatch: first token, then stall', () => {
	it('fires the first-token limit when no line comes', async () => {
		const watch = startProgressWatch({ firstTokenMs: 30, stallMs: 1_000 });
		await wait(100);
		expect(watch.fired()?.message).toBe('no first token within 30 ms (timed out)');
		expect(watch.signal.aborted).toBe(true);
	});

	it('does not fire while lines keep coming faster than the stall limit, then fires when they stop', async () => {
		const watch = startProgressWatch({ firstTokenMs: 1_000, stallMs: 60 });
		for (let i = 1; i <= 8; i++) {
			watch.progressed(i * 10);
			await wait(20);
		}
		expect(watch.fired()).toBeNull();
		await wait(150);
		const error = watch.fired();
		expect(error).toBeInstanceOf(TransportError);
		expect(error?.kind).toBe('timeout');
		expect(error?.message).toBe('no new token for 60 ms after 80 characters (stalled)');
	});

	it('stops cleanly: no timer fires after stop()', async () => {
		const watch = startProgressWatch({ firstTokenMs: 30, stallMs: 30 });
		watch.stop();
		await wait(90);
		expect(watch.fired()).toBeNull();
		expect(watch.signal.aborted).toBe(false);
	});
});

describe('generate with a stall limit', () => {
	it('cuts off a model that sends one token and then trickles slower than the stall limit', async () => {
		const http: HttpPort = async (request) => ({
			status: 200,
			body: (async function* () {
				yield '{"response":"one "}\n';
				await wait(40);
				yield '{"response":"two "}\n';
				await new Promise((resolve) => {
					const t = setTimeout(resolve, 2_000);
					request.abort?.addEventListener('abort', () => {
						clearTimeout(t);
						resolve(undefined);
					});
				});
				yield '{"response":"late","done":true}\n';
			})(),
		});
		const call: GenerateCall = {
			baseUrl: 'http://o',
			model: 'm',
			prompt: 'p',
			format: { type: 'text' },
			options: {},
			timeoutMs: 10_000,
			firstTokenTimeoutMs: 500,
			stallTimeoutMs: 100,
		};
		const error = (await createOllamaClient(http)
			.generate(call)
			.catch((e: unknown) => e)) as TransportError;
		expect(error).toBeInstanceOf(TransportError);
		expect(error.kind).toBe('timeout');
		expect(error.message).toBe('no new token for 100 ms after 8 characters (stalled)');
	});
});
