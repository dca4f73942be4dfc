/** actions/signalsStatus.ts: Status's `signals` (the live signals items see) and `learned` fields. */
import { learnedStatus, signalsStatus } from '../../../nodes/AiDispatcher/actions/signalsStatus';
import type { OllamaLoaded } from '../../../nodes/AiDispatcher/engine/ports';
import { actionSession } from '../../support/action-session';
import { fakePorts, scriptedOllama } from '../../support/fakes';

const HOSTS = 'http://ollama-a:11434,http://ollama-b:11434';

async function setup(params: Record<string, unknown>) {
	const { ollama } = scriptedOllama({});
	const psAsked: string[] = [];
	const loaded: OllamaLoaded[] = [
		{ name: 'llama3.2:3b', sizeBytes: 1, sizeVramBytes: 0, expiresAt: '2030-01-01T00:00:00Z' },
	];
	ollama.ps = async (baseUrl) => {
		psAsked.push(baseUrl);
		return loaded;
	};
	const { session } = await actionSession({
		credentials: { baseUrl: HOSTS },
		params: { operation: 'status', ...params },
		ports: fakePorts(ollama),
	});
	return { session, psAsked };
}

describe('signalsStatus', () => {
	it('says signals are off, and asks nothing, when Use Live Signals is off', async () => {
		const { session, psAsked } = await setup({ useSignals: false });
		expect(await signalsStatus(session)).toEqual({ enabled: false });
		expect(psAsked).toEqual([]);
	});

	it('reports an invalid signal setting as an error instead of throwing', async () => {
		const { session } = await setup({
			useSignals: true,
			signalOptions: { queuedMetric: 'not a metric name!' },
		});
		const json = await signalsStatus(session);
		expect(json.enabled).toBe(true);
		expect(String(json.error)).toMatch(/metric name/);
	});

	it("reads the first live host's loaded models, with the cache TTL set and no Prometheus", async () => {
		const { session, psAsked } = await setup({
			useSignals: true,
			signalOptions: { cacheTtlSeconds: 30 },
		});
		const json = await signalsStatus(session);
		expect(psAsked).toEqual(['http://ollama-a:11434']);
		expect(json).toMatchObject({
			enabled: true,
			cacheTtlMs: 30_000,
			prometheusUrl: null,
			prometheusBreaker: null,
			loaded: ['llama3.2:3b'],
		});
	});

	it('skips a host whose liveness check just failed, as items do', async () => {
		const { session, psAsked } = await setup({ useSignals: true });
		session.state.resilience.setLiveness('http://ollama-a:11434', {
			answeredAtMs: null,
			suspect: true,
			failed: { atMs: session.ports.clock.nowMs(), kind: 'connection', error: 'refused' },
		});
		await signalsStatus(session);
		expect(psAsked).toEqual(['http://ollama-b:11434']);
	});

	it('reuses the cached round within the TTL (the same reading items get)', async () => {
		const { session, psAsked } = await setup({ useSignals: true });
		await signalsStatus(session);
		const again = await signalsStatus(session);
		expect(psAsked).toHaveLength(1);
		expect(again.cacheAgeMs).toBeGreaterThanOrEqual(0);
	});
});

describe('learnedStatus', () => {
	it('has one entry per Ollama host of the credential', async () => {
		const { session } = await setup({});
		expect(Object.keys(learnedStatus(session))).toEqual([
			'http://ollama-a:11434',
			'http://ollama-b:11434',
		]);
	});
});
