/**
 * The chat model and the AI Dispatcher node remember into the same DispatcherState (in n8n: the
 * process's `processState`): a model whose breaker opened under the main node is skipped by the
 * chat model without a call, and the chat model's calls are counted in the same metrics.
 */
jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), {
	virtual: true,
});

import { createDispatcherState } from '../../../index';
import { MetricsRecorder } from '../../../nodes/AiDispatcher/engine/metrics/recorder';
import { renderExposition } from '../../../nodes/AiDispatcher/engine/metrics/exposition';
import { processState } from '../../../nodes/AiDispatcher/adapters/state';
import { COMPLEX, supplyChatModel, useChatSimulator, user } from '../../support/chat-model';
import { runNode } from '../../support/node-run';
import type { OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
useChatSimulator((started) => (sim = started));

type Meta = {
	aiDispatcher: { model: string; reason: string; attempts: Array<{ model: string; ok: boolean }> };
};

/** Runs the main node on complex prompts while qwen2.5:7b fails, until its breaker opens in `state`. */
async function openQwenBreaker(state: ReturnType<typeof createDispatcherState>): Promise<void> {
	sim.setFault('qwen2.5:7b', { kind: 'http500' });
	// Three distinct complex prompts: identical ones would be answered once (answer reuse, engine/reuse).
	const prompts = [COMPLEX, `${COMPLEX}\n\nSecond request.`, `${COMPLEX}\n\nThird request.`];
	const { result } = runNode({
		baseUrl: sim.url,
		prompts,
		options: { maxRetries: 0, breakerFailures: 2 },
		state,
	});
	const [items] = await result;
	expect(items).toHaveLength(3);
	// The first two items fail on qwen2.5:7b; the third no longer calls it: its circuit opened.
	expect(items.map((i) => (i.json.attempts as Array<{ model: string }>)[0].model)).toEqual([
		'qwen2.5:7b',
		'qwen2.5:7b',
		'llama3.2:3b',
	]);
	expect((items[2].json.decision as { reason: string }).reason).toMatch(/skipped qwen2\.5:7b: /);
	sim.clearFaults();
	sim.resetStats();
}

describe('one DispatcherState for both nodes', () => {
	it('a model whose breaker opened under the main node is skipped by the chat model with the same state', async () => {
		const state = createDispatcherState();
		await openQwenBreaker(state);

		const { model } = await supplyChatModel(state, sim.url, { options: { breakerFailures: 2 } });
		const result = await model.generate([user(COMPLEX)]);
		const meta = (result.providerMetadata as Meta).aiDispatcher;
		expect(meta.model).toBe('llama3.2:3b');
		expect(meta.attempts).toEqual([expect.objectContaining({ model: 'llama3.2:3b', ok: true })]);
		expect(meta.reason).toMatch(/skipped qwen2\.5:7b: /);
		// Skipped without a call, although it is healthy again.
		expect(sim.stats().generations['qwen2.5:7b'] ?? 0).toBe(0);
		// The call is counted in the same metrics as the main node's three items.
		const text = renderExposition((state.metrics as MetricsRecorder).snapshot());
		expect(text).toMatch(/^ai_dispatcher_items_total\{model="llama3\.2:3b",tier="medium"\} 4$/m);
	});

	it('with another state the same call goes to qwen2.5:7b (the skip comes from the shared state)', async () => {
		await openQwenBreaker(createDispatcherState());

		const { model } = await supplyChatModel(createDispatcherState(), sim.url, {
			options: { breakerFailures: 2 },
		});
		const result = await model.generate([user(COMPLEX)]);
		expect((result.providerMetadata as Meta).aiDispatcher).toMatchObject({
			model: 'qwen2.5:7b',
			attempts: [{ model: 'qwen2.5:7b', ok: true }],
		});
		expect(sim.stats().generations['qwen2.5:7b']).toBe(1);
	});

	it('as n8n builds it (no state given), the chat model uses the process state the main node uses', async () => {
		await openQwenBreaker(processState);

		const { model } = await supplyChatModel(undefined, sim.url, {
			options: { breakerFailures: 2 },
		});
		const result = await model.generate([user(COMPLEX)]);
		const meta = (result.providerMetadata as Meta).aiDispatcher;
		expect(meta.model).toBe('llama3.2:3b');
		expect(meta.reason).toMatch(/skipped qwen2\.5:7b: /);
		expect(sim.stats().generations['qwen2.5:7b'] ?? 0).toBe(0);
	});
});
