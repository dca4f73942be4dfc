/** The live-signals round with shared model health: one more query, never changing Prometheus' state. */
import { TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import type {
	OllamaPort,
	PrometheusPort,
	PromQueryResult,
} from '../../../../nodes/AiDispatcher/engine/ports';
import {
	PEER_BREAKERS_PROMQL,
	PEER_SPEEDS_PROMQL,
} from '../../../../nodes/AiDispatcher/engine/signals/peers';
import {
	DEFAULT_QUERY_SETTINGS,
	DEFAULT_SIGNALS_CONFIG,
} from '../../../../nodes/AiDispatcher/engine/signals/queries';
import { runRound } from '../../../../nodes/AiDispatcher/engine/signals/round';
import type { SignalsConfig } from '../../../../nodes/AiDispatcher/engine/signals/types';

const source = { ollamaUrl: 'http://ollama', prometheusUrl: 'http://prom' };
const ollama = { ps: async () => [], tags: async () => [] } as unknown as OllamaPort;
const clock = { nowMs: () => 1_000 };
const shared: SignalsConfig = {
	...DEFAULT_SIGNALS_CONFIG,
	queries: { ...DEFAULT_QUERY_SETTINGS, sharedHealth: true },
};

function prometheus(peer: (promql: string) => Promise<PromQueryResult>): {
	port: PrometheusPort;
	sent: string[];
} {
	const sent: string[] = [];
	return {
		sent,
		port: {
			query: async (_url, promql) => {
				sent.push(promql);
				if (promql === PEER_BREAKERS_PROMQL || promql === PEER_SPEEDS_PROMQL)
					return await peer(promql);
				return { resultType: 'vector', samples: [{ labels: {}, value: 1 }] };
			},
		},
	};
}

describe('runRound with sharedHealth', () => {
	it('sends the peers query in the same round and carries the breakers it read', async () => {
		const p = prometheus(async (promql) => ({
			resultType: 'vector',
			samples: [
				{
					labels: { model: 'm', host: 'http://ollama' },
					value: promql === PEER_SPEEDS_PROMQL ? 40 : 2_000,
				},
			],
		}));
		const { snapshot } = await runRound(
			source,
			shared,
			{ ollama, prometheus: p.port, clock },
			undefined,
		);
		expect(
			p.sent.filter((q) => q === PEER_BREAKERS_PROMQL || q === PEER_SPEEDS_PROMQL),
		).toHaveLength(2);
		expect(snapshot.queries).toBe(p.sent.length);
		expect(snapshot.peerBreakers).toEqual([
			{ model: 'm', host: 'http://ollama', untilMs: 2_000_000 },
		]);
		expect(snapshot.peerTokensPerS).toEqual({ 'http://ollama': { m: 40 } });
		expect(snapshot.prometheus).toBe('ok');
	});

	it('a failed peers query leaves the other signals and the round state alone', async () => {
		const p = prometheus(async () => {
			throw new TransportError('bad_request', 'Prometheus bad_data error (HTTP 400)');
		});
		const { snapshot, prometheusFailed } = await runRound(
			source,
			shared,
			{ ollama, prometheus: p.port, clock },
			undefined,
		);
		expect(snapshot.peerBreakers).toBeNull();
		expect(snapshot.unknown.peerBreakers).toBe(
			'query failed: Prometheus bad_data error (HTTP 400)',
		);
		expect(snapshot.peerTokensPerS).toBeNull();
		expect(snapshot.prometheus).toBe('ok');
		expect(prometheusFailed).toBe(false);
		expect(snapshot.host.memAvailableBytes).toBe(1);
	});

	it('without sharedHealth, or without Prometheus, the round is as before: no peers query, no field', async () => {
		const p = prometheus(async () => ({ resultType: 'vector', samples: [] }));
		const off = await runRound(
			source,
			DEFAULT_SIGNALS_CONFIG,
			{ ollama, prometheus: p.port, clock },
			undefined,
		);
		expect(p.sent).not.toContain(PEER_BREAKERS_PROMQL);
		expect(off.snapshot).not.toHaveProperty('peerBreakers');
		expect(off.snapshot).not.toHaveProperty('peerTokensPerS');
		const noProm = await runRound(
			{ ...source, prometheusUrl: null },
			shared,
			{ ollama, prometheus: p.port, clock },
			undefined,
		);
		expect(noProm.snapshot).not.toHaveProperty('peerBreakers');
		const skipped = await runRound(
			source,
			shared,
			{ ollama, prometheus: p.port, clock },
			'breaker open',
		);
		expect(skipped.snapshot).not.toHaveProperty('peerBreakers');
		expect(
			p.sent.filter((q) => q === PEER_BREAKERS_PROMQL || q === PEER_SPEEDS_PROMQL),
		).toHaveLength(0);
	});
});
