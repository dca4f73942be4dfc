/** One item's engine configuration read from the node parameters (`readDispatchConfig`), per item. */
import type { NodeContext } from '../../../nodes/AiDispatcher/adapters/context';
import { readDispatchConfig } from '../../../nodes/AiDispatcher/adapters/itemConfig';
import { openSession } from '../../../nodes/AiDispatcher/adapters/session';
import { DEFAULT_REUSE_WINDOW_MINUTES } from '../../../nodes/AiDispatcher/description/reuse';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { createContext } from '../../support/n8n-context';
import { MODEL_LIST } from '../../support/node-run';

const OLLAMA = 'http://127.0.0.1:9';

async function configOf(
	params: Record<string, unknown>,
	itemIndex = 0,
	credentials: Record<string, unknown> = {},
) {
	const made = createContext({
		credentials: { baseUrl: OLLAMA, ...credentials },
		params: { modelSource: 'list', models: MODEL_LIST, useSignals: false, ...params },
	});
	const ctx: NodeContext = {
		...made.execute,
		getTimezone: () => 'Europe/Berlin',
		getExecutionId: () => 'exec-7',
	};
	const session = await openSession(ctx, createDispatcherState());
	return await readDispatchConfig(session, itemIndex);
}

describe('readDispatchConfig', () => {
	it('gathers hosts, models, rules, time zone, analyser and reuse; no signals or cost when off', async () => {
		const config = await configOf({
			rulesJson:
				'[{"name": "P1", "condition": {"fact": "text", "operator": "matches", "value": "P1"}, "action": {"useTier": "high"}}]',
		});
		expect(config.baseUrls).toEqual([OLLAMA]);
		expect(config.models.map((m) => m.name)).toEqual(['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b']);
		expect(config.rules?.map((r) => r.name)).toEqual(['P1']);
		expect(config.timeZone).toBe('Europe/Berlin');
		expect(config.analyser).toBe('router');
		expect(config.reuse).toMatchObject({ executionId: 'exec-7', windowMs: 0 });
		expect(config).not.toHaveProperty('signals');
		expect(config).not.toHaveProperty('cost');
	});

	it('reads each item’s own values (a parameter that differs per item)', async () => {
		const options = (itemIndex: number) => ({ timeoutLowMs: 1000 * (itemIndex + 1) });
		const [first, second] = [await configOf({ options }, 0), await configOf({ options }, 1)];
		expect(first.timeoutsMs.low).toBe(1000);
		expect(second.timeoutsMs.low).toBe(2000);
	});

	it('Reuse Answers on: answers are reused across executions within the window', async () => {
		const config = await configOf({ options: { reuseAnswers: true } });
		expect(config.reuse?.windowMs).toBe(DEFAULT_REUSE_WINDOW_MINUTES * 60_000);
	});

	it('signals on: the credential’s Prometheus with the signal settings', async () => {
		const config = await configOf({ useSignals: true }, 0, {
			prometheusUrl: 'http://127.0.0.1:9090',
		});
		expect(config.signals).toMatchObject({ prometheusUrl: 'http://127.0.0.1:9090' });
		expect(config.signals?.config.ttlMs).toBeGreaterThan(0);
	});
});
