/** `runPlan`: the plan's models in order until one answers, every try recorded, through the fake ports. */
import { TransportError, DispatcherError } from '../../../nodes/AiDispatcher/engine/errors';
import { runPlan } from '../../../nodes/AiDispatcher/engine/plan';
import type {
	EnginePorts,
	GenerateCall,
	OllamaPort,
} from '../../../nodes/AiDispatcher/engine/ports';
import type { Settled } from '../../../nodes/AiDispatcher/engine/result';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../nodes/AiDispatcher/engine/state';
import type { DispatchResult } from '../../../nodes/AiDispatcher/engine/types';
import { HOST, openCircuit, planHighItem } from '../../support/engine-config';
import { fakePorts, scriptedOllama, type Script } from '../../support/fakes';

let state: DispatcherState;
beforeEach(() => {
	state = createDispatcherState();
});

/** Plans a high-tier item (qwen2.5:7b, then llama3.2:3b, then phi3:mini) and runs the plan. */
async function run(ports: EnginePorts): Promise<DispatchResult> {
	return await runPlan(await planHighItem(state, ports), ports, state);
}

const failure = (promise: Promise<unknown>) =>
	promise.then(
		() => {
			throw new Error('expected a failure');
		},
		(error: unknown) => {
			expect(error).toBeInstanceOf(DispatcherError);
			return error as DispatcherError;
		},
	);

describe('runPlan', () => {
	it('falls back to the next candidate on a server error and records both tries', async () => {
		const { ollama, calls } = scriptedOllama({
			'qwen2.5:7b': [{ fail: 'http_5xx', message: 'HTTP 500: runner stopped' }],
			'llama3.2:3b': ['Lunch is at 1pm.'],
		});
		const result = await run(fakePorts(ollama));
		expect(result).toMatchObject({
			model: 'llama3.2:3b',
			tier: 'medium',
			response: 'Lunch is at 1pm.',
		});
		expect(calls.map((c) => c.model)).toEqual(['qwen2.5:7b', 'llama3.2:3b']);
		expect(result.attempts).toEqual([
			{
				model: 'qwen2.5:7b',
				ok: false,
				error: 'HTTP 500: runner stopped',
				kind: 'http_5xx',
				ms: expect.any(Number),
				host: HOST,
			},
			{ model: 'llama3.2:3b', ok: true, error: null, ms: expect.any(Number), host: HOST },
		]);
		// The failure counts against the model's breaker and its learned success rate.
		expect(state.resilience.getBreaker(HOST, 'qwen2.5:7b')).toMatchObject({
			state: 'closed',
			failures: 1,
		});
		expect(state.learned.json(HOST)['qwen2.5:7b']).toMatchObject({ successRate: 0, samples: 1 });
		expect(state.learned.json(HOST)['llama3.2:3b']).toMatchObject({ successRate: 1, samples: 1 });
	});

	it('throws ABORTED without calling a model when the execution is already cancelled', async () => {
		const { ollama, calls } = scriptedOllama({ 'qwen2.5:7b': ['never'] });
		const cancel = new AbortController();
		const ports = fakePorts(ollama, { cancel: cancel.signal });
		const plan = await planHighItem(state, ports);
		cancel.abort();
		const error = await failure(runPlan(plan, ports, state));
		expect(error.code).toBe('ABORTED');
		expect(calls).toEqual([]);
	});

	it('throws ABORTED when the execution is cancelled during a call, and tries no other model', async () => {
		const cancel = new AbortController();
		const calls: GenerateCall[] = [];
		// A call that lasts until its cancel aborts, as a real stream does.
		const ollama: OllamaPort = {
			...scriptedOllama({}).ollama,
			generate: (call) => {
				calls.push(call);
				setImmediate(() => cancel.abort());
				return new Promise((_, reject) =>
					call.cancel?.addEventListener('abort', () =>
						reject(new TransportError('aborted', 'request aborted')),
					),
				);
			},
		};
		const error = await failure(run(fakePorts(ollama, { cancel: cancel.signal })));
		expect(error.code).toBe('ABORTED');
		expect(calls.map((c) => c.model)).toEqual(['qwen2.5:7b']);
		expect(calls[0].cancel?.aborted).toBe(true);
		// A cancelled call is not the model's failure.
		expect(state.resilience.getBreaker(HOST, 'qwen2.5:7b')).toMatchObject({ failures: 0 });
	});

	it('throws ALL_CANDIDATES_FAILED listing every attempt, the skipped open circuit first', async () => {
		openCircuit(state, 'qwen2.5:7b');
		const script: Script = {
			'qwen2.5:7b': ['never called'],
			'llama3.2:3b': [{ fail: 'http_5xx', message: 'HTTP 500: runner stopped' }],
			'phi3:mini': [{ fail: 'connection', message: 'ECONNREFUSED' }],
		};
		const { ollama, calls } = scriptedOllama(script);
		const error = await failure(run(fakePorts(ollama)));
		expect(error.code).toBe('ALL_CANDIDATES_FAILED');
		expect(error.attempts.map((a) => [a.model, a.kind])).toEqual([
			['qwen2.5:7b', 'circuit_open'],
			['llama3.2:3b', 'http_5xx'],
			['phi3:mini', 'connection'],
		]);
		expect(error.message).toMatch(/^All 3 models failed: /);
		expect(calls.map((c) => c.model)).toEqual(['llama3.2:3b', 'phi3:mini']);
	});

	it("reports each run's outcome to the state's observer", async () => {
		const finished: Array<Settled<DispatchResult>> = [];
		state = createDispatcherState({
			metrics: { finished: (_plan, outcome) => finished.push(outcome) },
		});
		const answering = scriptedOllama({ 'qwen2.5:7b': ['ok'] }).ollama;
		await run(fakePorts(answering));
		await run(fakePorts(scriptedOllama({}).ollama)).catch(() => undefined);
		expect(finished.map((o) => o.ok)).toEqual([true, false]);
		expect(finished[0].ok && finished[0].value.model).toBe('qwen2.5:7b');
		expect(!finished[1].ok && (finished[1].error as DispatcherError).code).toBe(
			'ALL_CANDIDATES_FAILED',
		);
	});
});
