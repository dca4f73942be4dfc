/** The load policy through selectModel: pure, table-driven, no mocks. */
import { analyseComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import {
	DEFAULT_POLICY,
	GIB,
	markedHigh,
	taskFloor,
} from '../../../../nodes/AiDispatcher/engine/selection/policy';
import {
	selectModel,
	type SelectionFacts,
} from '../../../../nodes/AiDispatcher/engine/selection/select';
import type { LearnedModelStats } from '../../../../nodes/AiDispatcher/engine/signals/learned';
import { emptySnapshot } from '../../../../nodes/AiDispatcher/engine/signals/round';
import type { SignalSnapshot } from '../../../../nodes/AiDispatcher/engine/signals/types';
import type { ModelSpec, TaskType, Tier } from '../../../../nodes/AiDispatcher/engine/types';

const model = (name: string, tier: Tier, sizeBytes?: number): ModelSpec => ({
	name,
	tier,
	tasks: [],
	options: {},
	sizeBytes,
});
const MODELS = [
	model('phi3:mini', 'low', 2.2e9),
	model('llama3.2:3b', 'medium', 2.0e9),
	model('qwen2.5:7b', 'high', 4.7e9),
];

function snapshot(
	patch: Partial<SignalSnapshot['host']> = {},
	queue?: Record<string, number>,
): SignalSnapshot {
	const s = emptySnapshot(0);
	s.prometheus = 'ok';
	s.host = {
		...s.host,
		memAvailableBytes: 20 * GIB,
		memAvailablePercent: 80,
		cpuBusyPercent: 20,
		load1PerCore: 0.3,
		...patch,
	};
	if (queue)
		s.models.queueDepth = {
			total: Object.values(queue).reduce((a, b) => a + b, 0),
			byModel: queue,
		};
	return s;
}

function facts(
	tier: Tier,
	signals: SignalSnapshot | undefined,
	extra: Partial<SelectionFacts> = {},
	task: TaskType = 'general',
): SelectionFacts {
	const complexity = analyseComplexity('x', { complexity: tier, task });
	return {
		complexity: { ...complexity, forced: extra.complexity?.forced ?? false },
		task,
		nowMs: 0,
		signals,
		policy: DEFAULT_POLICY,
		...extra,
	};
}

const order = (d: ReturnType<typeof selectModel>) => [d.model, ...d.alternatives];

describe('load policy in selectModel', () => {
	it('without pressure keeps the complexity tier and states the figures it checked', () => {
		const d = selectModel(MODELS, facts('high', snapshot()));
		expect(d.model).toBe('qwen2.5:7b');
		expect(d.reason).toMatch(
			/^load normal \(CPU 20 %, memory available 20\.0 GiB, load per core 0\.3\); complexity forced|^load normal/,
		);
	});

	it.each([
		[{ cpuBusyPercent: 91 }, 'CPU 91 % > 85 %'],
		[{ memAvailableBytes: 1.5 * GIB }, 'memory available 1.5 GiB < 2.0 GiB'],
		[{ memAvailablePercent: 7 }, 'memory available 7 % < 10 %'],
		[{ load1PerCore: 1.7 }, 'load per core 1.7 > 1'],
	])('pressure %j → the smallest model meeting the floor, with the figures', (patch, note) => {
		const d = selectModel(MODELS, facts('high', snapshot(patch)));
		expect(d.model).toBe('llama3.2:3b'); // 2.0e9 bytes: the smallest (general task: floor low)
		expect(d.reason).toContain(`${note}: chose llama3.2:3b instead of qwen2.5:7b`);
	});

	it('pressure respects the task floor: code needs at least medium', () => {
		const models = [
			model('tiny', 'low', 1e9),
			model('mid', 'medium', 3e9),
			model('big', 'high', 5e9),
		];
		const d = selectModel(models, facts('high', snapshot({ cpuBusyPercent: 95 }), {}, 'code'));
		expect(order(d)).toEqual(['mid', 'big', 'tiny']);
		expect(d.reason).toContain('CPU 95 % > 85 %: chose mid instead of big');
	});

	it('excludes a model that does not fit in GPU free memory, with the figures', () => {
		const d = selectModel(MODELS, facts('high', snapshot({ gpuFreeBytes: 3 * GIB })));
		expect(d.model).not.toBe('qwen2.5:7b');
		const big = d.candidates.find((c) => c.model === 'qwen2.5:7b');
		expect(big).toMatchObject({
			rank: -1,
			excluded: 'does not fit: needs ~5.0 GiB, GPU free 3.0 GiB',
		});
		expect(d.reason).toMatch(
			/GPU free 3\.0 GiB < qwen2\.5:7b ~5\.0 GiB: chose llama3\.2:3b instead of qwen2\.5:7b/,
		);
	});

	it('a loaded model needs no new memory and is not excluded', () => {
		const d = selectModel(
			MODELS,
			facts('high', snapshot({ gpuFreeBytes: 1 * GIB }), { loaded: new Set(['qwen2.5:7b']) }),
		);
		expect(d.model).toBe('qwen2.5:7b');
	});

	it('when nothing fits, excludes nothing and tries the smallest first', () => {
		const d = selectModel(MODELS, facts('high', snapshot({ gpuFreeBytes: 0.5 * GIB })));
		expect(d.model).toBe('llama3.2:3b');
		expect(d.candidates.every((c) => c.rank >= 0)).toBe(true);
		expect(d.reason).toContain('no model fits in GPU free 512 MiB; trying the smallest first');
	});

	it('backlog > 3 on the usual model → one tier down for items not marked high', () => {
		const d = selectModel(MODELS, facts('high', snapshot({}, { 'qwen2.5:7b': 6 })));
		expect(d.model).toBe('llama3.2:3b');
		expect(d.reason).toContain(
			'queue 6 on qwen2.5:7b > 3: one tier down (high → medium): chose llama3.2:3b instead of qwen2.5:7b',
		);
	});

	it('backlog does not move items marked high (task code, or complexity forced high)', () => {
		const code = selectModel(MODELS, facts('high', snapshot({}, { 'qwen2.5:7b': 6 }), {}, 'code'));
		expect(code.model).toBe('qwen2.5:7b');
		expect(code.reason).toContain('marked high (task code): tier kept');
		const forcedFacts = facts('high', snapshot({}, { 'qwen2.5:7b': 6 }));
		const forced = selectModel(MODELS, {
			...forcedFacts,
			complexity: { ...forcedFacts.complexity, forced: true },
		});
		expect(forced.model).toBe('qwen2.5:7b');
		expect(forced.reason).toContain('complexity forced high');
	});

	it('a backlog without a model label counts in total', () => {
		const s = snapshot();
		s.models.queueDepth = { total: 9, byModel: {} };
		expect(selectModel(MODELS, facts('medium', s)).reason).toContain(
			'queue 9 in total > 3: one tier down (medium → low)',
		);
	});

	it('within a tier prefers a loaded model, then the learned fastest; unhealthy models go last', () => {
		const peers = [model('a', 'medium'), model('b', 'medium'), model('c', 'medium')];
		const stat = (latencyMs: number, successRate = 1, samples = 5): LearnedModelStats => ({
			latencyMs,
			tokensPerS: 30,
			successRate,
			samples,
			inFlight: 0,
			updatedAtMs: 0,
		});
		const stats = new Map([
			['a', stat(900)],
			['b', stat(300, 0.2)],
			['c', stat(400)],
		]);
		expect(order(selectModel(peers, facts('medium', snapshot(), { stats })))).toEqual([
			'c',
			'a',
			'b',
		]);
		expect(
			order(selectModel(peers, facts('medium', snapshot(), { stats, loaded: new Set(['a']) }))),
		).toEqual(['a', 'c', 'b']);
		const d = selectModel(peers, facts('medium', snapshot(), { stats }));
		expect(d.reason).toContain('chose c instead of a (learned faster)');
		expect(d.candidates[0].reasons).toContain('learned 400 ms, 30 tok/s, 100 % ok over 5 calls');
	});

	it('fails open: unavailable signals still give a decision that says why', () => {
		const s = emptySnapshot(0);
		s.prometheus = 'unavailable';
		s.unavailableReason = 'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9';
		const d = selectModel(MODELS, facts('high', s, { loaded: new Set(['qwen2.5:7b']) }));
		expect(d.model).toBe('qwen2.5:7b');
		expect(d.reason).toMatch(/^signals unavailable: ECONNREFUSED/);
	});

	it('marked high and floor are documented rules', () => {
		expect(markedHigh({ tier: 'high', task: 'general', forced: true })).toBe(true);
		expect(markedHigh({ tier: 'high', task: 'general', forced: false })).toBe(false);
		expect(markedHigh({ tier: 'low', task: 'reasoning', forced: false })).toBe(true);
		expect(taskFloor({ tier: 'medium', task: 'general', forced: true })).toBe('medium');
		expect(taskFloor({ tier: 'high', task: 'code', forced: false })).toBe('medium');
		expect(taskFloor({ tier: 'high', task: 'summarization', forced: false })).toBe('low');
	});

	it('is pure: same facts, same decision', () => {
		const f = facts('high', snapshot({ cpuBusyPercent: 99 }));
		expect(selectModel(MODELS, f)).toEqual(selectModel(MODELS, f));
	});
});
