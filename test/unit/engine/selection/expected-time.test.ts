import { analyseComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import {
	DEFAULT_EXPECTED_TIME,
	expectedTimeOf,
	expectedTimes,
} from '../../../../nodes/AiDispatcher/engine/selection/expectedTime';
import { selectModel } from '../../../../nodes/AiDispatcher/engine/selection/select';
import type { LearnedModelStats } from '../../../../nodes/AiDispatcher/engine/signals/learned';
import type { ModelSpec, Tier } from '../../../../nodes/AiDispatcher/engine/types';

const THINKS = ['completion', 'thinking'];
const PLAIN = ['completion'];
const spec = (
	name: string,
	tier: Tier,
	parameterBillions?: number,
	extra: Partial<ModelSpec> = {},
): ModelSpec => ({ name, tier, tasks: [], options: {}, parameterBillions, ...extra });
const learned = (tokensPerS: number): LearnedModelStats =>
	({ latencyMs: 1000, tokensPerS, successRate: 1, samples: 5 }) as LearnedModelStats;

// A gpt-oss-like model (20.9B, but fast: learned 14 tok/s), a slow 14B non-thinker, a small 3B non-thinker.
const GPT_OSS = spec('gpt-oss:20b', 'high', 20.9);
const QWEN14 = spec('qwen2.5:14b', 'medium', 14.8);
const LLAMA3B = spec('llama3.2:3b', 'medium', 3.2);
const PHI = spec('phi3:mini', 'low', 3.8);
const CAPS = new Map<string, string[] | null>([
	['gpt-oss:20b', THINKS],
	['qwen3:8b', THINKS],
	['qwen2.5:14b', PLAIN],
	['llama3.2:3b', PLAIN],
	['phi3:mini', PLAIN],
]);

describe('expectedTimeOf (pure)', () => {
	it.each<
		[
			string,
			ModelSpec,
			Tier,
			Map<string, LearnedModelStats> | undefined,
			{ effort: string; thinkTokens: number; tokensPerS: number; speedFrom: string },
		]
	>([
		[
			'gpt-oss at medium: lowest effort, learned speed',
			GPT_OSS,
			'medium',
			new Map([['gpt-oss:20b', learned(14)]]),
			{ effort: 'low', thinkTokens: 100, tokensPerS: 14, speedFrom: 'learned' },
		],
		[
			'gpt-oss at low: still "low" (cannot stop)',
			GPT_OSS,
			'low',
			new Map([['gpt-oss:20b', learned(14)]]),
			{ effort: 'low', thinkTokens: 100, tokensPerS: 14, speedFrom: 'learned' },
		],
		[
			'qwen3 at medium: off',
			spec('qwen3:8b', 'high', 8.2),
			'medium',
			undefined,
			{ effort: 'off', thinkTokens: 0, tokensPerS: 90 / 8.2, speedFrom: 'parameter size' },
		],
		[
			'14B non-thinker: speed from parameter size',
			QWEN14,
			'medium',
			undefined,
			{ effort: 'off', thinkTokens: 0, tokensPerS: 90 / 14.8, speedFrom: 'parameter size' },
		],
		[
			'a model row forcing think high',
			spec('gpt-oss:20b', 'high', 20.9, { options: { think: 'high' } }),
			'medium',
			undefined,
			{ effort: 'high', thinkTokens: 400, tokensPerS: 90 / 20.9, speedFrom: 'parameter size' },
		],
	])('%s', (_, model, tier, stats, expected) => {
		const t = expectedTimeOf(model, { tier, promptTokens: 200, capabilities: CAPS, stats });
		expect(t).toMatchObject({ ...expected, tokensPerS: expect.closeTo(expected.tokensPerS, 6) });
		const { replyTokens } = DEFAULT_EXPECTED_TIME;
		expect(t?.seconds).toBeCloseTo(
			200 / (expected.tokensPerS * 10) +
				(replyTokens[tier] + expected.thinkTokens) / expected.tokensPerS,
			6,
		);
	});

	it('unknown when the capabilities or the speed are unknown', () => {
		expect(
			expectedTimeOf(spec('mystery', 'medium', 7), {
				tier: 'medium',
				promptTokens: 10,
				capabilities: CAPS,
			}),
		).toBeUndefined();
		expect(
			expectedTimeOf(spec('qwen2.5:14b', 'medium'), {
				tier: 'medium',
				promptTokens: 10,
				capabilities: CAPS,
			}),
		).toBeUndefined();
		// the disk size stands in for the parameter count (~0.6 GB per billion)
		expect(
			expectedTimeOf(spec('qwen2.5:14b', 'medium', undefined, { sizeBytes: 6e9 }), {
				tier: 'medium',
				promptTokens: 10,
				capabilities: CAPS,
			})?.tokensPerS,
		).toBeCloseTo(9, 6);
	});
});

describe('expectedTimes: when the ranking applies', () => {
	const facts = (tier: Tier) => ({ tier, promptTokens: 100, capabilities: CAPS });
	it.each<[string, ModelSpec[], Tier, 'times' | RegExp | undefined]>([
		['a thinking model among them, medium item', [GPT_OSS, QWEN14], 'medium', 'times'],
		['no thinking model: nothing to say', [QWEN14, LLAMA3B], 'medium', undefined],
		['one candidate: nothing to rank', [GPT_OSS], 'medium', undefined],
		[
			'a high item keeps the tier ranking',
			[GPT_OSS, QWEN14],
			'high',
			/^high-tier item: ranked by tier/,
		],
		[
			'a candidate of unknown speed',
			[GPT_OSS, spec('qwen2.5:14b', 'medium')],
			'medium',
			/qwen2\.5:14b's speed unknown/,
		],
		[
			'a candidate of unknown capabilities',
			[GPT_OSS, spec('mystery', 'medium', 7)],
			'medium',
			/mystery's capabilities unknown/,
		],
	])('%s', (_, models, tier, expected) => {
		const r = expectedTimes(models, facts(tier));
		if (expected === 'times')
			expect([...(r.times?.keys() ?? [])]).toEqual(models.map((m) => m.name));
		else if (expected === undefined) expect(r).toEqual({});
		else {
			expect(r.times).toBeUndefined();
			expect(r.why).toMatch(expected);
		}
	});
});

describe('selectModel with thinking models among the candidates', () => {
	const facts = (tier: Tier, stats?: Map<string, LearnedModelStats>) => {
		const complexity = {
			...analyseComplexity('x', { complexity: tier, task: 'general' }),
			tokens: 200,
		};
		return { complexity, task: complexity.task, nowMs: 0, thinking: { capabilities: CAPS, stats } };
	};
	const fastGptOss = new Map([['gpt-oss:20b', learned(14)]]);

	it('a medium item goes to a gpt-oss-like model at low effort rather than a slow 14B non-thinker, with the times and why', () => {
		const d = selectModel([PHI, QWEN14, GPT_OSS], facts('medium', fastGptOss));
		// gpt-oss: 200/140 + (120+100)/14 = 17.1 s; qwen2.5:14b: 200/60.8 + 120/6.08 = 23.0 s
		expect([d.model, ...d.alternatives]).toEqual(['gpt-oss:20b', 'qwen2.5:14b', 'phi3:mini']);
		expect(d.expectedTimes?.map((t) => [t.model, Number(t.seconds.toFixed(1)), t.effort])).toEqual([
			['gpt-oss:20b', 17.1, 'low'],
			['qwen2.5:14b', 23.0, 'off'],
		]);
		expect(d.reason).toMatch(
			/ranked by expected time at the effort each would get: gpt-oss:20b ~17\.1 s \(think low\), qwen2\.5:14b ~23\.0 s$/,
		);
		expect(d.candidates[0].reasons).toContain(
			'expected ~17.1 s (think low ~100 tokens, 14 tok/s learned)',
		);
	});

	it('stays on a small non-thinker when that is faster', () => {
		const d = selectModel([PHI, LLAMA3B, QWEN14, GPT_OSS], facts('medium', fastGptOss));
		expect(d.model).toBe('llama3.2:3b');
		expect(d.alternatives.slice(0, 2)).toEqual(['gpt-oss:20b', 'qwen2.5:14b']);
	});

	it("never below the item's tier: a faster low-tier model stays after the medium-or-above ones", () => {
		const d = selectModel([PHI, QWEN14, GPT_OSS], facts('medium', fastGptOss));
		expect(d.alternatives[d.alternatives.length - 1]).toBe('phi3:mini');
		expect(d.expectedTimes?.map((t) => t.model)).not.toContain('phi3:mini');
	});

	it('without a learned speed, the parameter size decides: a 20.9B model is slower than the 14B', () => {
		const d = selectModel([QWEN14, GPT_OSS], facts('medium'));
		expect(d.model).toBe('qwen2.5:14b');
		expect(d.expectedTimes?.find((t) => t.model === 'gpt-oss:20b')?.speedFrom).toBe(
			'parameter size',
		);
	});

	it("a listed model without a size: the signals round's /api/tags size stands in (as the load policy reads it)", () => {
		const bare = [spec('qwen2.5:14b', 'medium'), spec('gpt-oss:20b', 'high')];
		const base = facts('medium', fastGptOss);
		expect(selectModel(bare, base).reason).toMatch(/qwen2\.5:14b's speed unknown/);
		const signals = { installedBytes: { 'qwen2.5:14b': 9e9 } } as unknown as NonNullable<
			Parameters<typeof selectModel>[1]['signals']
		>;
		const d = selectModel(bare, { ...base, signals });
		expect(d.expectedTimes?.find((t) => t.model === 'qwen2.5:14b')).toMatchObject({
			speedFrom: 'parameter size',
			tokensPerS: 6,
		});
		expect(d.model).toBe('gpt-oss:20b');
	});

	it('a high item keeps the tier ranking and says so', () => {
		// by expected time the 14B (30 tok/s learned, no thinking) would come first; by tier, list order
		const d = selectModel(
			[GPT_OSS, spec('qwen2.5:14b', 'high', 14.8)],
			facts('high', new Map([...fastGptOss, ['qwen2.5:14b', learned(30)]])),
		);
		expect(d.model).toBe('gpt-oss:20b');
		expect(d.alternatives).toEqual(['qwen2.5:14b']);
		expect(d.expectedTimes).toBeUndefined();
		expect(d.reason).toMatch(/high-tier item: ranked by tier/);
	});

	it("without thinking facts, the ranking is today's", () => {
		const { thinking: _, ...plain } = facts('medium', fastGptOss);
		const d = selectModel([PHI, QWEN14, GPT_OSS], plain);
		expect([d.model, ...d.alternatives]).toEqual(['qwen2.5:14b', 'gpt-oss:20b', 'phi3:mini']);
		expect(d.expectedTimes).toBeUndefined();
	});
});
