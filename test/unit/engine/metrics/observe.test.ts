import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { METRIC_DEFS, METRICS } from '../../../../nodes/AiDispatcher/engine/metrics/catalog';
import {
	countFallbacks,
	decisionDriver,
	observeDecision,
	observeItem,
	selectionConfidence,
	strongestModel,
} from '../../../../nodes/AiDispatcher/engine/metrics/observe';
import { MetricsRecorder } from '../../../../nodes/AiDispatcher/engine/metrics/recorder';
import { MetricsRegistry } from '../../../../nodes/AiDispatcher/engine/metrics/registry';
import { snapshotProcess } from '../../../../nodes/AiDispatcher/engine/metrics/snapshot';
import { dispatch } from '../../../../nodes/AiDispatcher/engine/plan';
import { settle } from '../../../../nodes/AiDispatcher/engine/result';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import type {
	ComplexityResult,
	DispatchRequest,
	ModelSpec,
	Tier,
} from '../../../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../../../support/fakes';

const HOST = 'http://ollama:11434';
const model = (name: string, tier: Tier, extra: Partial<ModelSpec> = {}): ModelSpec => ({
	name,
	tier,
	tasks: [],
	options: {},
	...extra,
});
const models = [
	model('phi3:mini', 'low'),
	model('llama3.2:3b', 'medium'),
	model('qwen2.5:7b', 'high'),
];
const config: DispatchConfig = {
	baseUrls: [HOST],
	models,
	timeoutsMs: DEFAULT_TIMEOUTS_MS,
	resilience: { retry: { maxRetries: 0 } },
};
const request = (extra: Partial<DispatchRequest> = {}): DispatchRequest => ({
	prompt: 'Summarize: lunch moved to 1pm',
	task: 'auto',
	complexity: 'auto',
	format: { type: 'text' },
	...extra,
});
const complexity = (score: number, tier: Tier, forced = false): ComplexityResult => ({
	score,
	tier,
	task: 'general',
	tokens: 10,
	features: [],
	forced,
});

async function observed(
	script: Parameters<typeof scriptedOllama>[0],
	req = request(),
	rates: Record<string, number> = {},
) {
	const metrics = new MetricsRegistry(METRIC_DEFS);
	const { ollama } = scriptedOllama(script);
	const outcome = await settle(
		dispatch(
			req,
			config,
			createDispatcherState({
				metrics: { planned: (plan) => observeDecision(metrics, plan.decision, plan.complexity) },
			}),
			fakePorts(ollama),
			{},
		),
	);
	observeItem(metrics, {
		outcome,
		models,
		tokensPerS: (m) => rates[m] ?? null,
		signals: { state: 'unavailable', ageMs: 2500 },
	});
	return { metrics, outcome };
}

describe('observeItem', () => {
	it('counts an answered item by model and tier, its decision, call, tokens and latency', async () => {
		const { metrics } = await observed({ 'phi3:mini': ['Lunch is at 1pm.'] });
		expect(metrics.valueOf(METRICS.items, ['phi3:mini', 'low'])).toBe(1);
		expect(metrics.valueOf(METRICS.decisions, ['phi3:mini', 'low', 'complexity'])).toBe(1);
		expect(metrics.valueOf(METRICS.calls, ['phi3:mini', HOST, 'ok'])).toBe(1);
		expect(metrics.valueOf(METRICS.inputTokens, ['phi3:mini'])).toBe(10);
		expect(metrics.valueOf(METRICS.outputTokens, ['phi3:mini'])).toBe(5);
		expect(metrics.valueOf(METRICS.callDuration, ['phi3:mini'])).toBe(1);
		expect(metrics.valueOf(METRICS.firstToken, ['phi3:mini'])).toBe(1);
		expect(metrics.valueOf(METRICS.confidence, ['low'])).toBe(1);
		expect(metrics.valueOf(METRICS.signalsItems, ['unavailable'])).toBe(1);
		expect(metrics.valueOf(METRICS.signalsAge)).toBe(2.5);
		expect(metrics.valueOf(METRICS.itemsFailed, ['ALL_CANDIDATES_FAILED'])).toBe(0);
	});

	it('counts failed calls by kind and each move to the next model as a fallback (from → to)', async () => {
		const { metrics, outcome } = await observed({
			'phi3:mini': [{ fail: 'http_5xx' }],
			'llama3.2:3b': ['ok'],
		});
		expect(outcome.ok).toBe(true);
		expect(metrics.valueOf(METRICS.calls, ['phi3:mini', HOST, 'http_5xx'])).toBe(1);
		expect(metrics.valueOf(METRICS.calls, ['llama3.2:3b', HOST, 'ok'])).toBe(1);
		expect(metrics.valueOf(METRICS.fallbacks, ['phi3:mini', 'llama3.2:3b'])).toBe(1);
		expect(metrics.valueOf(METRICS.items, ['llama3.2:3b', 'medium'])).toBe(1);
		// The decision chose phi3:mini; the item was answered by llama3.2:3b.
		expect(metrics.valueOf(METRICS.decisions, ['phi3:mini', 'low', 'complexity'])).toBe(1);
	});

	it('counts an item that failed on every candidate, with its calls and fallbacks', async () => {
		const { metrics, outcome } = await observed({
			'phi3:mini': [{ fail: 'connection' }],
			'llama3.2:3b': [{ fail: 'timeout' }],
			'qwen2.5:7b': [{ fail: 'http_5xx' }],
		});
		expect(outcome.ok).toBe(false);
		expect(metrics.valueOf(METRICS.itemsFailed, ['ALL_CANDIDATES_FAILED'])).toBe(1);
		expect(metrics.read(METRICS.items)).toEqual([]);
		expect(metrics.valueOf(METRICS.decisions, ['phi3:mini', 'low', 'complexity'])).toBe(1);
		expect(metrics.read(METRICS.fallbacks).map((s) => [...s.labels, s.value])).toEqual([
			['phi3:mini', 'llama3.2:3b', 1],
			['llama3.2:3b', 'qwen2.5:7b', 1],
		]);
	});

	it('counts retries of the same model apart from fallbacks', async () => {
		const metrics = new MetricsRegistry(METRIC_DEFS);
		const { ollama } = scriptedOllama({ 'phi3:mini': [{ fail: 'busy' }, 'ok'] });
		const outcome = await settle(
			dispatch(
				request(),
				{ ...config, resilience: { retry: { maxRetries: 1 } } },
				createDispatcherState(),
				fakePorts(ollama),
			),
		);
		observeItem(metrics, { outcome, models, tokensPerS: () => null });
		expect(metrics.valueOf(METRICS.retries, ['phi3:mini', HOST])).toBe(1);
		expect(metrics.read(METRICS.fallbacks)).toEqual([]);
	});

	it('estimates time saved against the strongest model from its learned tokens/s, and skips while unknown', async () => {
		// Scripted replies: 5 completion tokens at 400 tok/s (0.0125 s); the strongest (qwen2.5:7b) learned 50 tok/s (0.1 s).
		const known = await observed({ 'phi3:mini': ['ok'] }, request(), { 'qwen2.5:7b': 50 });
		expect(known.metrics.valueOf(METRICS.estimatedChosen)).toBeCloseTo(0.0125);
		expect(known.metrics.valueOf(METRICS.estimatedStrongest)).toBeCloseTo(0.1);
		expect(known.metrics.valueOf(METRICS.estimatedItems)).toBe(1);
		const unknown = await observed({ 'phi3:mini': ['ok'] });
		expect(unknown.metrics.valueOf(METRICS.estimatedItems)).toBe(0);
		const same = await observed({ 'qwen2.5:7b': ['ok'] }, request({ complexity: 'high' }));
		expect(same.metrics.valueOf(METRICS.estimatedStrongest)).toBe(
			same.metrics.valueOf(METRICS.estimatedChosen),
		);
	});

	it('names what moved the decision', async () => {
		expect(
			(await observed({ 'qwen2.5:7b': ['ok'] }, request({ complexity: 'high' }))).metrics.valueOf(
				METRICS.decisions,
				['qwen2.5:7b', 'high', 'forced'],
			),
		).toBe(1);
		const base = {
			model: 'a',
			tier: 'low' as const,
			reason: 'complexity 0.1 → low',
			alternatives: [],
			candidates: [{ model: 'a', tier: 'low' as const, rank: 0, reasons: [] }],
		};
		expect(decisionDriver(base, complexity(0.1, 'low'))).toBe('complexity');
		expect(
			decisionDriver(
				{ ...base, rules: [{ index: 0, name: 'r', conditions: [] }] },
				complexity(0.1, 'low'),
			),
		).toBe('rule');
		expect(
			decisionDriver(
				{
					...base,
					candidates: [
						base.candidates[0],
						{ model: 'b', tier: 'high', rank: -1, reasons: [], excluded: 'circuit open since …' },
					],
				},
				complexity(0.1, 'low'),
			),
		).toBe('open_circuit');
		expect(
			decisionDriver(
				{ ...base, reason: 'CPU 91 % > 85 %: chose a instead of b; complexity …' },
				complexity(0.1, 'low'),
			),
		).toBe('load_policy');
		expect(
			decisionDriver(
				{ ...base, candidates: [{ ...base.candidates[0], reasons: ['forced by rule "x"'] }] },
				complexity(0.1, 'low'),
			),
		).toBe('forced');
	});
});

describe("MetricsRecorder (the DispatcherState's metrics)", () => {
	it('records every item runPlan finishes, and snapshots breakers and learned speeds from its state', async () => {
		const state = createDispatcherState();
		const recorder = state.metrics as MetricsRecorder;
		expect(recorder).toBeInstanceOf(MetricsRecorder);
		const { ollama } = scriptedOllama({
			'phi3:mini': [{ fail: 'http_5xx' }],
			'llama3.2:3b': ['ok'],
		});
		const ports = fakePorts(ollama);
		for (let i = 0; i < 4; i++) await settle(dispatch(request(), config, state, ports));
		const registry = recorder.snapshot();
		// The recorder's registry declares the whole catalogue, so every series can be pushed.
		expect(registry.definitions().map((d) => d.name)).toEqual(METRIC_DEFS.map((d) => d.name));
		expect(registry.valueOf(METRICS.itemsFailed, ['ALL_CANDIDATES_FAILED'])).toBe(0);
		expect(registry.valueOf(METRICS.items, ['llama3.2:3b', 'medium'])).toBe(4);
		// phi3:mini failed until its breaker opened; then it was skipped (no call, no fallback from it).
		const phiCalls = registry.valueOf(METRICS.calls, ['phi3:mini', HOST, 'http_5xx']);
		expect(phiCalls).toBeGreaterThan(0);
		expect(registry.valueOf(METRICS.fallbacks, ['phi3:mini', 'llama3.2:3b'])).toBe(phiCalls);
		expect(registry.valueOf(METRICS.breakerState, ['phi3:mini', HOST])).toBe(2);
		expect(registry.valueOf(METRICS.breakerOpenings)).toBe(1);
		expect(registry.valueOf(METRICS.learnedTokensPerSecond, ['llama3.2:3b', HOST])).toBe(400);
		expect(registry.valueOf(METRICS.decisions, ['llama3.2:3b', 'medium', 'open_circuit'])).toBe(
			4 - phiCalls,
		);
	});
});

describe('selectionConfidence', () => {
	it.each([
		[0, 'low', 1],
		[0.075, 'low', 0.5],
		[0.15, 'medium', 0],
		[0.275, 'medium', 1],
		[0.4, 'high', 0],
		[0.7, 'high', 0.5],
		[1, 'high', 1],
	] as const)('score %p (%s) → %p', (score, tier, expected) => {
		expect(selectionConfidence(complexity(score, tier))).toBeCloseTo(expected);
	});

	it('is 1 for a forced tier', () => {
		expect(selectionConfidence(complexity(0.15, 'high', true))).toBe(1);
	});
});

describe('helpers', () => {
	it('finds the strongest model by tier, then parameters, then size', () => {
		expect(strongestModel(models)?.name).toBe('qwen2.5:7b');
		expect(
			strongestModel([
				model('a', 'high', { parameterBillions: 7 }),
				model('b', 'high', { parameterBillions: 14 }),
			])?.name,
		).toBe('b');
		expect(strongestModel([])).toBeUndefined();
	});

	it('counts fallbacks as moves between models, not retries or circuit skips', () => {
		expect(
			countFallbacks([
				{ model: 'a' },
				{ model: 'a' },
				{ model: 'x', kind: 'circuit_open' },
				{ model: 'b' },
				{ model: 'c' },
			]),
		).toBe(2);
	});
});

describe('snapshotProcess', () => {
	it('sets breaker states (closed for hosts called), learned tokens/s and process counters', () => {
		const metrics = new MetricsRegistry(METRIC_DEFS);
		metrics.inc(METRICS.calls, ['a', HOST, 'ok']);
		metrics.inc(METRICS.calls, ['b', HOST, 'timeout']);
		const facts = {
			breakers: [{ model: 'b', host: HOST, state: 'open' as const }],
			breakerOpenings: 3,
			learnedTokensPerS: new Map([
				[
					HOST,
					new Map([
						['a', 42],
						['b', null],
					]),
				],
			]),
			signals: { refreshes: 4, failedRefreshes: 1 },
		};
		snapshotProcess(metrics, facts);
		expect(metrics.valueOf(METRICS.breakerState, ['a', HOST])).toBe(0);
		expect(metrics.valueOf(METRICS.breakerState, ['b', HOST])).toBe(2);
		expect(metrics.valueOf(METRICS.breakerOpenings)).toBe(3);
		expect(metrics.read(METRICS.learnedTokensPerSecond).map((s) => [...s.labels, s.value])).toEqual(
			[['a', HOST, 42]],
		);
		expect(metrics.valueOf(METRICS.signalsRefreshes)).toBe(4);
		expect(metrics.valueOf(METRICS.signalsFailures)).toBe(1);
		snapshotProcess(metrics, {
			...facts,
			breakers: [{ model: 'b', host: HOST, state: 'halfOpen' }],
			breakerOpenings: 0,
		});
		expect(metrics.valueOf(METRICS.breakerState, ['b', HOST])).toBe(1);
		expect(metrics.valueOf(METRICS.breakerOpenings)).toBe(3);
	});
});
