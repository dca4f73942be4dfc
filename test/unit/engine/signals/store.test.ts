/** Signals cache, single flight, Prometheus breaker and learned stats, with scripted ports. */
import { TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import type {
	OllamaPort,
	PrometheusPort,
	PromQueryResult,
} from '../../../../nodes/AiDispatcher/engine/ports';
import { LearnedStats } from '../../../../nodes/AiDispatcher/engine/signals/learned';
import {
	buildQueries,
	DEFAULT_SIGNALS_CONFIG,
	defaultQueries,
	DEFAULT_QUERY_SETTINGS,
} from '../../../../nodes/AiDispatcher/engine/signals/queries';
import { SignalsStore } from '../../../../nodes/AiDispatcher/engine/signals/store';
import type { SignalsConfig } from '../../../../nodes/AiDispatcher/engine/signals/types';

const source = { ollamaUrl: 'http://ollama', prometheusUrl: 'http://prom' };

function ports(answer: (promql: string) => Promise<PromQueryResult>) {
	let now = 1_000_000;
	const calls: string[] = [];
	const prometheus: PrometheusPort = {
		query: async (_url, promql) => {
			calls.push(promql);
			return await answer(promql);
		},
	};
	const ollama = {
		ps: async () => [{ name: 'phi3:mini', sizeBytes: 2.5e9, sizeVramBytes: 0, expiresAt: '' }],
		tags: async () => [
			{
				name: 'phi3:mini',
				sizeBytes: 2.2e9,
				parameterSize: '3.8B',
				parameterBillions: 3.8,
				family: 'phi3',
				quantization: 'Q4_0',
			},
		],
	} as unknown as OllamaPort;
	return {
		ports: { ollama, prometheus, clock: { nowMs: () => now } },
		calls,
		advance: (ms: number) => (now += ms),
	};
}

const vector = (value: string, labels: Record<string, string> = {}): PromQueryResult => ({
	resultType: 'vector',
	samples: [
		{
			labels,
			value: value === 'NaN' ? null : Number(value),
			...(value === 'NaN' ? { raw: 'NaN' } : {}),
		},
	],
});

describe('query set', () => {
	it('has the documented defaults and applies names, label mapping, selectors, overrides and custom queries', () => {
		const q = defaultQueries(DEFAULT_QUERY_SETTINGS);
		expect(q.cpuBusyPercent).toBe(
			'clamp(100 * max(1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[1m]))), 0, 100)',
		);
		expect(q.queueDepth).toBe('sum by (model) (ollama_requests_queued)');
		const custom = buildQueries({
			...DEFAULT_QUERY_SETTINGS,
			names: {
				...DEFAULT_QUERY_SETTINGS.names,
				queued: 'ollama_queue_len',
				modelLabel: 'model_name',
			},
			nodeSelector: 'instance="gpu1:9100"',
			overrides: { gpuFreeBytes: 'sum(nvidia_free_bytes)' },
			custom: { diskFree: 'min(node_filesystem_avail_bytes)' },
		});
		const byKey = Object.fromEntries(custom.map((c) => [c.key, c.promql]));
		expect(byKey.queueDepth).toBe('sum by (model_name) (ollama_queue_len)');
		expect(byKey.memAvailableBytes).toBe(
			'min(node_memory_MemAvailable_bytes{instance="gpu1:9100"})',
		);
		expect(byKey.cpuBusyPercent).toContain(
			'node_cpu_seconds_total{mode="idle",instance="gpu1:9100"}',
		);
		expect(byKey.gpuFreeBytes).toBe('sum(nvidia_free_bytes)');
		expect(byKey['custom.diskFree']).toBe('min(node_filesystem_avail_bytes)');
		expect(custom).toHaveLength(11);
	});
});

describe('SignalsStore', () => {
	const config: SignalsConfig = {
		...DEFAULT_SIGNALS_CONFIG,
		queries: { ...DEFAULT_QUERY_SETTINGS, custom: { answer: 'vector(42)' } },
	};

	it('200 concurrent readers share ONE round; the result is reused for the TTL, then refreshed', async () => {
		const store = new SignalsStore();
		const p = ports(async (promql) => {
			await new Promise((r) => setTimeout(r, 20));
			if (promql.startsWith('sum by (model) (ollama_requests_queued'))
				return { resultType: 'vector', samples: [{ labels: { model: 'phi3:mini' }, value: 5 }] };
			if (promql === 'vector(42)') return vector('42');
			return vector(promql.includes('histogram') ? 'NaN' : '1');
		});
		const reads = await Promise.all(
			Array.from({ length: 200 }, () => store.read(source, config, p.ports)),
		);
		expect(p.calls).toHaveLength(11);
		expect(store.rounds).toBe(1);
		const s = reads[0].snapshot;
		expect(reads.every((r) => r.snapshot === s)).toBe(true);
		expect(s).toMatchObject({ prometheus: 'ok', queries: 11, custom: { answer: 42 } });
		expect(s.models.queueDepth).toEqual({ total: 5, byModel: { 'phi3:mini': 5 } });
		expect(s.models.p95DurationSeconds.total).toBeNull();
		expect(s.unknown.p95DurationSeconds).toMatch(/NaN/);
		expect(s.loaded?.map((l) => l.name)).toEqual(['phi3:mini']);
		expect(s.installedBytes).toEqual({ 'phi3:mini': 2.2e9 });

		p.advance(14_000);
		expect((await store.read(source, config, p.ports)).ageMs).toBe(14_000);
		expect(p.calls).toHaveLength(11);
		p.advance(1_001);
		await store.read(source, config, p.ports);
		expect(p.calls).toHaveLength(22);
	});

	it('a different query set is a different cache entry', async () => {
		const store = new SignalsStore();
		const p = ports(async () => vector('1'));
		await store.read(source, config, p.ports);
		await store.read(
			source,
			{ ...config, queries: { ...config.queries, rateWindow: '5m' } },
			p.ports,
		);
		expect(store.rounds).toBe(2);
	});

	it('a dead Prometheus: one failing round per TTL (breaker), signals unavailable with the reason, /api/ps still read', async () => {
		const store = new SignalsStore();
		const p = ports(async () => {
			throw new TransportError('connection', 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9');
		});
		const first = await store.read(source, config, p.ports);
		expect(first.snapshot).toMatchObject({
			prometheus: 'unavailable',
			unavailableReason: 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9',
		});
		expect(first.snapshot.loaded).toHaveLength(1);
		expect(p.calls).toHaveLength(11);
		expect(store.breaker('http://prom', 1_000_000)).toMatchObject({ state: 'open', failures: 1 });

		// Another query set on the same Prometheus inside the cooldown: Prometheus is skipped entirely.
		const other = await store.read(
			source,
			{ ...config, queries: { ...config.queries, rateWindow: '2m' } },
			p.ports,
		);
		expect(p.calls).toHaveLength(11);
		expect(other.snapshot.prometheus).toBe('unavailable');
		expect(other.snapshot.unavailableReason).toMatch(
			/^breaker open after "ECONNREFUSED.*" \(retry in 15 s\)$/,
		);

		p.advance(15_001); // cooldown over: one probe round
		await store.read(source, config, p.ports);
		expect(p.calls).toHaveLength(22);
	});

	it('a failing query is an unknown with its reason; the others still count (partial)', async () => {
		const store = new SignalsStore();
		const p = ports(async (promql) => {
			if (promql.includes('DCGM'))
				throw new TransportError(
					'bad_request',
					'Prometheus bad_data error (HTTP 400): parse error',
				);
			return promql.includes('container') ? { resultType: 'vector', samples: [] } : vector('3');
		});
		const { snapshot } = await store.read(source, config, p.ports);
		expect(snapshot.prometheus).toBe('partial');
		expect(snapshot.host.gpuFreeBytes).toBeNull();
		expect(snapshot.unknown.gpuFreeBytes).toBe(
			'query failed: Prometheus bad_data error (HTTP 400): parse error',
		);
		expect(snapshot.unknown.containerWorkingSetBytes).toMatch(/^no data/);
		expect(snapshot.host.cpuBusyPercent).toBe(3);
		expect(store.breaker('http://prom', 0)).toEqual({ state: 'closed' });
	});
});

describe('LearnedStats', () => {
	it('moving averages of latency, tokens/s and success per (URL, model); in-flight counts', () => {
		const stats = new LearnedStats();
		const usage = {
			prompt_tokens: 1,
			completion_tokens: 1,
			total_ms: 1,
			load_ms: 0,
			tokens_per_s: 50,
		};
		stats.record('u', [{ model: 'a', ok: true, error: null, ms: 1000 }], usage, 1);
		stats.record(
			'u',
			[
				{ model: 'b', ok: false, error: 'x', kind: 'http_5xx', ms: 10 },
				{ model: 'a', ok: true, error: null, ms: 500 },
			],
			usage,
			2,
		);
		stats.record(
			'u',
			[{ model: 'a', ok: false, error: 'c', kind: 'aborted', ms: 10 }],
			undefined,
			3,
		);
		stats.started('u', 'a');
		const a = stats.forHost('u').get('a')!;
		expect(a).toMatchObject({
			latencyMs: 900,
			tokensPerS: 50,
			successRate: 1,
			samples: 2,
			inFlight: 1,
		});
		expect(stats.forHost('u').get('b')).toMatchObject({
			successRate: 0,
			latencyMs: null,
			samples: 1,
		});
		expect(stats.forHost('other').size).toBe(0);
		stats.finished('u', 'a');
		expect(stats.json('u').a).toEqual({
			latencyMs: 900,
			tokensPerS: 50,
			successRate: 1,
			samples: 2,
			inFlight: 0,
		});
	});
});
