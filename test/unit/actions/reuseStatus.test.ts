/** actions/reuseStatus.ts: Status's `reuse` field, and its "Clear Reused Answers" switch. */
import { reuseStatus } from '../../../nodes/AiDispatcher/actions/reuseStatus';
import type { StoredAnswer } from '../../../nodes/AiDispatcher/engine/reuse/types';
import { actionSession } from '../../support/action-session';
import { fakePorts, scriptedOllama } from '../../support/fakes';

function answer(key: string, bytes: number): StoredAnswer {
	return {
		key,
		model: 'llama3.2:3b',
		tier: 'medium',
		optionsKey: '{}',
		text: 'an answer',
		usage: { prompt_tokens: 1, completion_tokens: 1, total_ms: 1, load_ms: 0, tokens_per_s: 1 },
		storedAtMs: 0,
		executionId: 'earlier',
		shared: true,
		bytes,
	};
}

async function statusSession(clearReusedAnswers?: boolean) {
	const { session, state } = await actionSession({
		params: {
			operation: 'status',
			...(clearReusedAnswers === undefined ? {} : { clearReusedAnswers }),
		},
		ports: fakePorts(scriptedOllama({}).ollama),
	});
	return { session, store: state.reuse };
}

describe('reuseStatus', () => {
	it('reports no hit ratio before any lookup, and no `cleared` field when not asked to clear', async () => {
		const { session } = await statusSession();
		const json = reuseStatus(session);
		expect(json).toMatchObject({ entries: 0, bytes: 0, hits: 0, misses: 0, hitRatio: null });
		expect(json).not.toHaveProperty('cleared');
	});

	it("reports the store's entries, bytes, hits, misses, ratio (3 decimals) and saved model seconds", async () => {
		const { session, store } = await statusSession(false);
		store.put(answer('a', 1000));
		store.put(answer('b', 500));
		store.hit(1234);
		store.miss();
		store.miss();
		const json = reuseStatus(session);
		expect(json).toMatchObject({
			entries: 2,
			bytes: 1500,
			maxBytes: store.maxBytes,
			inFlight: 0,
			hits: 1,
			misses: 2,
			hitRatio: 0.333,
			evictions: 0,
			savedModelSeconds: 1.2,
		});
		expect(store.stats().entries).toBe(2); // reporting does not clear
	});

	it('with Clear Reused Answers on, drops every stored answer first and says how many', async () => {
		const { session, store } = await statusSession(true);
		store.put(answer('a', 1000));
		store.put(answer('b', 500));
		store.hit(100);
		const json = reuseStatus(session);
		expect(json).toMatchObject({ cleared: 2, entries: 0, bytes: 0 });
		// The counters are the process's: a clear keeps them.
		expect(json.hits).toBe(1);
		expect(store.stats().entries).toBe(0);
	});
});
