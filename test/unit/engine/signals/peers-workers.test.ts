/**
 * Two n8n processes (queue-mode workers A and B), each with its own DispatcherState, sharing model
 * health only through what A pushes and a Prometheus returns: qwen2.5:7b fails on every call; after
 * A's breaker opens and A's figures are "pushed and scraped", B sends it no call and says why; when
 * A's reported time has passed B's breaker lets one probe through, as for its own openings; without
 * Prometheus (down, or sharing off) B decides alone, as before.
 */
import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import { METRICS } from '../../../../nodes/AiDispatcher/engine/metrics/catalog';
import { MetricsRecorder } from '../../../../nodes/AiDispatcher/engine/metrics/recorder';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import type {
	EnginePorts,
	PrometheusPort,
	PromQueryResult,
	PromSample,
} from '../../../../nodes/AiDispatcher/engine/ports';
import {
	DEFAULT_SIGNALS_CONFIG,
	DEFAULT_QUERY_SETTINGS,
} from '../../../../nodes/AiDispatcher/engine/signals/queries';
import {
	PEER_BREAKERS_PROMQL,
	PEER_SPEEDS_PROMQL,
} from '../../../../nodes/AiDispatcher/engine/signals/peers';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../../nodes/AiDispatcher/engine/state';
import { DEFAULT_POLICY } from '../../../../nodes/AiDispatcher/engine/selection/policy';
import type { DispatchRequest, ModelSpec, Tier } from '../../../../nodes/AiDispatcher/engine/types';
import { scriptedOllama, type Script } from '../../../support/fakes';

const HOST = 'http://ollama:11434';
const PROM = 'http://prometheus:9090';
const FAILING = 'qwen2.5:7b';
const COOLDOWN_MS = 30_000;
const model = (name: string, tier: Tier): ModelSpec => ({ name, tier, tasks: [], options: {} });

function config(sharedHealth: boolean): DispatchConfig {
	return {
		baseUrls: [HOST],
		models: [model('phi3:mini', 'low'), model('llama3.2:3b', 'medium'), model(FAILING, 'high')],
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: {
			retry: { maxRetries: 0 },
			breaker: { failureThreshold: 2, cooldownMs: COOLDOWN_MS },
		},
		// TTL 0: every item reads a fresh round, as a short Cache TTL would.
		signals: {
			config: {
				...DEFAULT_SIGNALS_CONFIG,
				ttlMs: 0,
				queries: { ...DEFAULT_QUERY_SETTINGS, sharedHealth },
			},
			policy: DEFAULT_POLICY,
			prometheusUrl: PROM,
		},
	};
}
// Forced high: qwen2.5:7b is every item's first choice.
const request: DispatchRequest = {
	prompt: 'Review this design',
	task: 'auto',
	complexity: 'high',
	format: { type: 'text' },
};

/** What the Pushgateway holds after each process's last push, and a Prometheus answering from it. */
class FakeMonitoring {
	private readonly groups = new Map<string, PromSample[]>();
	private readonly speeds = new Map<string, PromSample[]>();
	queries: string[] = [];
	down = false;

	/** A push of `recorder`'s figures under `instance`, scraped at once. */
	push(instance: string, recorder: MetricsRecorder): void {
		const series = recorder.snapshot().read(METRICS.breakerOpenUntil);
		this.groups.set(
			instance,
			series.map((s) => ({
				labels: { model: s.labels[0], host: s.labels[1], instance, job: 'ai_dispatcher' },
				value: s.value,
			})),
		);
		const speeds = recorder.snapshot().read(METRICS.learnedTokensPerSecond);
		this.speeds.set(
			instance,
			speeds.map((s) => ({ labels: { model: s.labels[0], host: s.labels[1] }, value: s.value })),
		);
	}

	readonly port: PrometheusPort = {
		query: async (_url, promql): Promise<PromQueryResult> => {
			this.queries.push(promql);
			if (this.down) throw new TransportError('connection', 'connect ECONNREFUSED 127.0.0.1:9090');
			// avg by (model, host): one pushing process here, so its own values.
			if (promql === PEER_SPEEDS_PROMQL)
				return { resultType: 'vector', samples: [...this.speeds.values()].flat() };
			if (promql !== PEER_BREAKERS_PROMQL) return { resultType: 'vector', samples: [] };
			// max by (model, host)
			const max = new Map<string, PromSample>();
			for (const sample of [...this.groups.values()].flat()) {
				const key = `${sample.labels.model}|${sample.labels.host}`;
				const seen = max.get(key);
				if (!seen || (sample.value ?? 0) > (seen.value ?? 0))
					max.set(key, {
						labels: { model: sample.labels.model, host: sample.labels.host },
						value: sample.value,
					});
			}
			return { resultType: 'vector', samples: [...max.values()] };
		},
	};
}

interface Worker {
	state: DispatcherState;
	recorder: MetricsRecorder;
	calls: () => Record<string, number>;
	ports: EnginePorts;
}

function worker(
	script: Script,
	clock: { nowMs: () => number },
	prometheus: PrometheusPort,
): Worker {
	const state = createDispatcherState();
	const { ollama, calls } = scriptedOllama(script);
	const ports: EnginePorts = {
		ollama,
		prometheus,
		clock,
		sleep: async () => undefined,
		log: { debug: () => undefined, warn: () => undefined },
		random: () => 0.5,
	};
	return {
		state,
		recorder: state.metrics as MetricsRecorder,
		ports,
		calls: () =>
			calls.reduce<Record<string, number>>(
				(acc, c) => ({ ...acc, [c.model]: (acc[c.model] ?? 0) + 1 }),
				{},
			),
	};
}

const failingScript: Script = {
	[FAILING]: [{ fail: 'http_5xx', message: 'HTTP 500: internal error' }],
	'llama3.2:3b': ['ok from llama'],
	'phi3:mini': ['ok from phi'],
};

describe('two workers sharing model health through Prometheus', () => {
	let now: number;
	let clock: { nowMs: () => number };
	let monitoring: FakeMonitoring;

	beforeEach(() => {
		now = 1_800_000_000_000;
		clock = { nowMs: () => now };
		monitoring = new FakeMonitoring();
	});

	/** A opens its breaker on the failing model and pushes; returns the time it reported, in ms. */
	async function openOnA(): Promise<number> {
		const a = worker(failingScript, clock, monitoring.port);
		for (let i = 0; i < 2; i++) {
			const r = await dispatch(request, config(true), a.state, a.ports);
			expect(r.model).toBe('llama3.2:3b'); // fell back
			now += 100;
		}
		expect(a.calls()[FAILING]).toBe(2);
		expect(a.state.resilience.getBreaker(HOST, FAILING).state).toBe('open');
		// A's figures carry the time its breaker reopens.
		const untilMs = now - 100 + COOLDOWN_MS; // opened at the second failure
		const pushed = a.recorder.snapshot().read(METRICS.breakerOpenUntil);
		expect(pushed.map((s) => [s.labels, s.value])).toEqual([[[FAILING, HOST], untilMs / 1000]]);
		monitoring.push('worker-a', a.recorder);
		return untilMs;
	}

	it('B sends the failing model no call once A pushed its open breaker, and says why', async () => {
		const untilMs = await openOnA();
		const b = worker(failingScript, clock, monitoring.port);
		for (let i = 0; i < 10; i++) {
			const r = await dispatch(request, config(true), b.state, b.ports);
			expect(r.model).toBe('llama3.2:3b');
			expect(r.decision.reason).toContain(
				`${FAILING}: circuit open on another n8n process (shared through Prometheus), retry after`,
			);
			now += 1_000;
		}
		expect(b.calls()[FAILING]).toBeUndefined();
		expect(b.state.resilience.counters()).toMatchObject({ breakerOpens: 0, sharedOpens: 1 });
		expect(
			monitoring.queries.filter((q) => q === PEER_BREAKERS_PROMQL).length,
		).toBeGreaterThanOrEqual(10);
		// B's own push says it skipped the model until the same time: no report extends another.
		const bSeries = b.recorder.snapshot().read(METRICS.breakerOpenUntil);
		expect(bSeries.map((s) => s.value)).toEqual([untilMs / 1000]);
		expect(
			b.recorder
				.snapshot()
				.read(METRICS.breakerSharedOpenings)
				.map((s) => s.value),
		).toEqual([1]);
	});

	it('reopens by the breaker probe: after the reported time B lets one call through, and it closes on success', async () => {
		await openOnA();
		const b = worker({ ...failingScript, [FAILING]: ['ok from qwen'] }, clock, monitoring.port);
		const skipped = await dispatch(request, config(true), b.state, b.ports);
		expect(skipped.model).toBe('llama3.2:3b');
		now += COOLDOWN_MS + 1_000; // past A's reported time; A's stale report no longer counts
		const probed = await dispatch(request, config(true), b.state, b.ports);
		expect(probed.model).toBe(FAILING);
		expect(b.calls()[FAILING]).toBe(1);
		expect(b.state.resilience.getBreaker(HOST, FAILING).state).toBe('closed');
		expect(b.state.resilience.counters().probes).toBe(1);
		const next = await dispatch(request, config(true), b.state, b.ports);
		expect(next.model).toBe(FAILING);
	});

	it('a failed probe opens B for its own cooldown, which B then pushes', async () => {
		await openOnA();
		const b = worker(failingScript, clock, monitoring.port);
		await dispatch(request, config(true), b.state, b.ports);
		now += COOLDOWN_MS + 1_000;
		const r = await dispatch(request, config(true), b.state, b.ports);
		expect(r.model).toBe('llama3.2:3b');
		expect(b.calls()[FAILING]).toBe(1); // the probe
		const breaker = b.state.resilience.getBreaker(HOST, FAILING);
		expect(breaker).toMatchObject({ state: 'open', untilMs: now + COOLDOWN_MS });
		expect(breaker).not.toHaveProperty('sharedFrom');
	});

	it('fails open: with Prometheus down B decides alone, as before (tries the model, every item answered)', async () => {
		await openOnA();
		monitoring.down = true;
		const b = worker(failingScript, clock, monitoring.port);
		for (let i = 0; i < 3; i++) {
			const r = await dispatch(request, config(true), b.state, b.ports);
			expect(r.model).toBe('llama3.2:3b');
			now += 100;
		}
		expect(b.calls()[FAILING]).toBe(2); // its own breaker opened after 2 failures
		expect(b.state.resilience.counters()).toMatchObject({ breakerOpens: 1, sharedOpens: 0 });
	});

	it('with sharing off B does not ask Prometheus for the breakers and learns alone', async () => {
		await openOnA();
		monitoring.queries = [];
		const b = worker(failingScript, clock, monitoring.port);
		await dispatch(request, config(false), b.state, b.ports);
		expect(monitoring.queries).not.toContain(PEER_BREAKERS_PROMQL);
		expect(monitoring.queries.length).toBeGreaterThan(0); // the other signals were still read
		expect(b.calls()[FAILING]).toBe(1);
	});

	it("B's time-saved estimate uses the strongest model's speed A learned, which B never called", async () => {
		// A answers with qwen2.5:7b (400 tok/s in the scripted usage) and pushes.
		const a = worker({ [FAILING]: ['ok from qwen'] }, clock, monitoring.port);
		await dispatch(request, config(true), a.state, a.ports);
		monitoring.push('worker-a', a.recorder);
		const low: DispatchRequest = { ...request, complexity: 'low' };
		for (const [sharing, expected] of [
			[true, 1],
			[false, 0],
		] as const) {
			const b = worker(failingScript, clock, monitoring.port);
			const r = await dispatch(low, config(sharing), b.state, b.ports);
			expect(r.model).toBe('phi3:mini');
			expect(b.calls()[FAILING]).toBeUndefined();
			expect({ sharing, estimated: b.recorder.registry.valueOf(METRICS.estimatedItems) }).toEqual({
				sharing,
				estimated: expected,
			});
		}
	});
});
