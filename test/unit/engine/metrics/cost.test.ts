import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { COST_METRICS } from '../../../../nodes/AiDispatcher/engine/metrics/cost';
import { METRIC_DEFS } from '../../../../nodes/AiDispatcher/engine/metrics/catalog';
import { MetricsRecorder } from '../../../../nodes/AiDispatcher/engine/metrics/recorder';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import { TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import type { OllamaPort } from '../../../../nodes/AiDispatcher/engine/ports';
import { fakePorts } from '../../../support/fakes';

const CLOUD = 'https://cloud.example/v1';
const price = { inputMicrosPerMTok: 1_000_000, outputMicrosPerMTok: 2_000_000, currency: 'USD' }; // 1 / 2 per MTok

function setup(localDown: boolean) {
	const recorders: MetricsRecorder[] = [];
	const state = createDispatcherState({
		metrics: {
			planned: (plan) => recorders[0].planned(plan),
			finished: (plan, outcome, ms) => recorders[0].finished(plan, outcome),
		},
	});
	recorders.push(
		new MetricsRecorder({
			resilience: state.resilience,
			learned: state.learned,
			signals: state.signals,
		}),
	);
	const port: OllamaPort = {
		async generate(call) {
			if (call.baseUrl !== CLOUD && localDown) throw new TransportError('http_5xx', 'HTTP 500');
			return {
				text: 'ok',
				usage: {
					prompt_tokens: 1000,
					completion_tokens: 500,
					total_ms: 1,
					load_ms: 0,
					tokens_per_s: 0,
				},
			};
		},
		tags: async () => [],
		ps: async () => [],
		version: async () => '0.9.0',
		ping: async () => undefined,
	};
	const config: DispatchConfig = {
		baseUrls: ['http://ollama:11434'],
		models: [
			{ name: 'phi3:mini', tier: 'low', tasks: [], options: {} },
			{
				name: 'gpt-cloud',
				tier: 'low',
				tasks: [],
				options: {},
				backend: { kind: 'openai', baseUrl: CLOUD, price },
			},
		],
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: { retry: { maxRetries: 0 } },
		cost: { scope: { credential: 'c', executionId: 'e' }, budgets: {}, currency: 'USD' },
	};
	return { state, recorder: recorders[0], port, config };
}

const request = {
	prompt: 'Summarize: lunch moved',
	task: 'auto' as const,
	complexity: 'auto' as const,
	format: { type: 'text' as const },
};

describe('cost metrics', () => {
	it('are exported', () => {
		expect(METRIC_DEFS).toEqual(expect.arrayContaining([COST_METRICS.cost, COST_METRICS.saving]));
	});

	it('a local answer counts the saving against the priced fallback (1000 in × 1 + 500 out × 2 per MTok = 0.002)', async () => {
		const { state, recorder, port, config } = setup(false);
		for (let i = 0; i < 3; i++) await dispatch(request, config, state, fakePorts(port));
		expect(recorder.registry.valueOf(COST_METRICS.saving, ['gpt-cloud', 'USD'])).toBeCloseTo(
			0.006,
			12,
		);
		expect(recorder.registry.valueOf(COST_METRICS.cost, ['gpt-cloud', 'USD'])).toBe(0);
	});

	it('a cloud answer counts its cost by model, and no saving', async () => {
		const { state, recorder, port, config } = setup(true);
		await dispatch(request, config, state, fakePorts(port));
		expect(recorder.registry.valueOf(COST_METRICS.cost, ['gpt-cloud', 'USD'])).toBeCloseTo(
			0.002,
			12,
		);
		expect(recorder.registry.valueOf(COST_METRICS.saving, ['gpt-cloud', 'USD'])).toBe(0);
	});
});
