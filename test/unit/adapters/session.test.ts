/**
 * The session both nodes open per execution (`openSession`): the credential's URLs, the engine's
 * ports on the node's own context, the reuse identity, and the candidate models (Model List, or
 * Auto-Discover fetched once). Opened here on contexts as each node has them.
 */
import type { ISupplyDataFunctions } from 'n8n-workflow';

import type { NodeContext } from '../../../nodes/AiDispatcher/adapters/context';
import { openSession } from '../../../nodes/AiDispatcher/adapters/session';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { createContext } from '../../support/n8n-context';
import { MODEL_LIST } from '../../support/node-run';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002 });
});
afterAll(async () => await sim.close());

function context(params: Record<string, unknown>, extra: Partial<NodeContext> = {}) {
	const cancel = new AbortController();
	const made = createContext({
		credentials: { baseUrl: `${sim.url}, http://127.0.0.1:9`, prometheusUrl: '' },
		params,
		cancelSignal: cancel.signal,
	});
	const ctx: NodeContext = { ...made.execute, getExecutionId: () => 'exec-42', ...extra };
	return { ctx, cancel, requests: made.requests };
}

describe('openSession', () => {
	it('reads the credential’s hosts, builds the ports on the context (its cancel) and the reuse identity', async () => {
		const { ctx, cancel } = context({ modelSource: 'list', models: MODEL_LIST });
		const session = await openSession(ctx, createDispatcherState());
		expect(session.connection.baseUrls).toEqual([sim.url, 'http://127.0.0.1:9']);
		expect(session.ports.cancel).toBe(cancel.signal);
		expect(session.reuse.executionId).toBe('exec-42');
		expect(session.reuse.scope).toMatch(/^[0-9a-f]{16,}$/);
		expect(session.endpoint).toBeUndefined();
		expect(session.ctx).toBe(ctx);
	});

	it('Model List: the listed models with their tiers', async () => {
		const { ctx, requests } = context({ modelSource: 'list', models: MODEL_LIST });
		const session = await openSession(ctx, createDispatcherState());
		const models = await session.models(0);
		expect(models.map((m) => [m.name, m.tier])).toEqual([
			['phi3:mini', 'low'],
			['llama3.2:3b', 'medium'],
			['qwen2.5:7b', 'high'],
		]);
		expect(requests).toEqual([]);
	});

	it('an unknown Models value: CONFIG_INVALID naming the field as the panel shows it and the value', async () => {
		const { ctx, requests } = context({ modelSource: 'bogus' });
		const session = await openSession(ctx, createDispatcherState());
		await expect(session.models(0)).rejects.toMatchObject({
			code: 'CONFIG_INVALID',
			message: 'Models should be Auto-Discover or Model List, got "bogus"',
		});
		expect(requests).toEqual([]);
	});

	it('Auto-Discover: the installed models, tiered, asked of Ollama once for all items', async () => {
		const { ctx, requests } = context({ modelSource: 'auto' });
		const session = await openSession(ctx, createDispatcherState());
		const [first, second] = await Promise.all([session.models(0), session.models(1)]);
		expect(second).toBe(first);
		expect(first.map((m) => m.name)).toEqual(expect.arrayContaining(['phi3:mini', 'qwen2.5:7b']));
		expect(new Set(first.map((m) => m.tier))).toEqual(new Set(['low', 'medium', 'high']));
		expect(requests.filter((r) => r.url.endsWith('/api/tags'))).toHaveLength(1);
	});

	it('refuses an unknown model source', async () => {
		const { ctx } = context({ modelSource: 'magic' });
		const session = await openSession(ctx, createDispatcherState());
		await expect(session.models(0)).rejects.toMatchObject({
			code: 'CONFIG_INVALID',
			message: expect.stringContaining('"magic"'),
		});
	});

	it('opens on a chat model’s context as it is (ISupplyDataFunctions, no cast)', async () => {
		const { ctx } = context({ modelSource: 'list', models: MODEL_LIST });
		// The fake stands in for n8n's sub-node context; openSession takes that type without a cast.
		const supply = ctx as unknown as ISupplyDataFunctions;
		const session = await openSession(supply, createDispatcherState());
		expect((await session.models(0)).map((m) => m.name)).toContain('phi3:mini');
	});
});
