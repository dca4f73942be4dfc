/** The plain sentence of an item: table-driven over plans and results, no I/O. */
import type { Plan } from '../../../nodes/AiDispatcher/engine/plan';
import { fallbackFrom, planStory, resultStory } from '../../../nodes/AiDispatcher/engine/story';
import type { Attempt, DispatchResult, Tier } from '../../../nodes/AiDispatcher/engine/types';

const TIERS: Record<string, Tier> = {
	'phi3:mini': 'low',
	'llama3.2:3b': 'medium',
	'qwen2.5:7b': 'high',
};

function plan(over: {
	tier?: Tier;
	task?: string;
	forced?: boolean;
	model?: string | null;
	reason?: string;
	skipped?: Attempt[];
	firstChoice?: string | null;
	rules?: Plan['rules'];
}): Plan {
	const model = over.model === undefined ? 'qwen2.5:7b' : over.model;
	return {
		complexity: {
			score: 0.7,
			tier: over.tier ?? 'high',
			task: over.task ?? 'analysis',
			tokens: 100,
			features: [],
			forced: over.forced ?? false,
		},
		decision: {
			model,
			tier: model ? TIERS[model] : null,
			reason: over.reason ?? 'complexity 0.7 → high',
			alternatives: [],
			candidates: [],
		},
		skipped: over.skipped ?? [],
		firstChoice: over.firstChoice === undefined ? model : over.firstChoice,
		rules: over.rules,
	} as unknown as Plan;
}

function result(model: string, attempts: Attempt[]): DispatchResult {
	return { model, tier: TIERS[model], attempts } as unknown as DispatchResult;
}

const fail = (model: string, kind: Attempt['kind'], error: string): Attempt => ({
	model,
	ok: false,
	kind,
	error,
	ms: 5,
});
const ok = (model: string): Attempt => ({ model, ok: true, error: null, ms: 5 });

describe('planStory', () => {
	it.each<[string, Plan, string]>([
		['measured', plan({}), 'Complex analysis prompt: chose qwen2.5:7b (high tier)'],
		[
			'general task, low tier',
			plan({ tier: 'low', task: 'general', model: 'phi3:mini' }),
			'Simple prompt: chose phi3:mini (low tier)',
		],
		['forced', plan({ forced: true }), 'Complexity set to high: chose qwen2.5:7b (high tier)'],
		[
			'live load moved it',
			plan({
				model: 'llama3.2:3b',
				reason:
					'memory available 3.1 GiB < 4.0 GiB: chose llama3.2:3b instead of qwen2.5:7b; complexity 0.7 → high, task analysis: chose llama3.2:3b (medium)',
			}),
			'Complex analysis prompt: chose llama3.2:3b (medium tier) instead of qwen2.5:7b: memory available 3.1 GiB < 4.0 GiB',
		],
		[
			'learned faster',
			plan({
				tier: 'low',
				model: 'phi3:mini',
				reason: 'load normal; chose phi3:mini instead of tiny (learned faster); complexity …',
			}),
			'Simple analysis prompt: chose phi3:mini (low tier) instead of tiny: learned faster',
		],
		[
			'its first choice skipped for an open circuit',
			plan({
				model: 'llama3.2:3b',
				firstChoice: 'qwen2.5:7b',
				skipped: [
					fail(
						'qwen2.5:7b',
						'circuit_open',
						'circuit open since 2026-12-06T16:03:42.798Z, retry after 2026-12-06T16:04:12.798Z',
					),
				],
			}),
			'Complex analysis prompt: chose llama3.2:3b (medium tier; high-tier models were not usable now); qwen2.5:7b skipped: it failed repeatedly (tried again after 16:04:12 UTC)',
		],
		[
			'its first choice skipped for a breaker another queue-mode worker opened',
			plan({
				model: 'llama3.2:3b',
				firstChoice: 'qwen2.5:7b',
				skipped: [
					fail(
						'qwen2.5:7b',
						'circuit_open',
						'circuit open on another n8n process (shared through Prometheus), retry after 2026-12-06T16:04:12.798Z',
					),
				],
			}),
			'Complex analysis prompt: chose llama3.2:3b (medium tier; high-tier models were not usable now); qwen2.5:7b skipped: it failed repeatedly on another n8n process (shared through Prometheus) (tried again after 16:04:12 UTC)',
		],
		[
			'a skipped model it never wanted: no note',
			plan({
				tier: 'low',
				model: 'phi3:mini',
				skipped: [fail('qwen2.5:7b', 'circuit_open', 'circuit open since …')],
			}),
			'Simple analysis prompt: chose phi3:mini (low tier)',
		],
		[
			'a rule picked the model',
			plan({
				tier: 'low',
				rules: {
					forcedModel: { model: 'qwen2.5:7b', rule: 'P1' },
					matched: [{ index: 0, name: 'P1', conditions: [] }],
					excluded: new Map(),
					evaluated: [],
				},
			}),
			'Simple analysis prompt, rule "P1" picked the model: chose qwen2.5:7b',
		],
	])('%s', (_what, p, sentence) => {
		expect(planStory(p)).toBe(sentence);
	});
});

describe('resultStory and fallbackFrom', () => {
	it('the first choice answered: the plan sentence, no fallback', () => {
		const p = plan({});
		expect(resultStory(p, result('qwen2.5:7b', [ok('qwen2.5:7b')]))).toBe(
			'Complex analysis prompt: chose qwen2.5:7b (high tier)',
		);
		expect(fallbackFrom(p, result('qwen2.5:7b', [ok('qwen2.5:7b')]))).toBeUndefined();
	});

	it('one model failed: names it, its cause and the model that answered', () => {
		const r = result('llama3.2:3b', [
			fail('qwen2.5:7b', 'http_5xx', 'HTTP 500: model requires more system memory'),
			ok('llama3.2:3b'),
		]);
		expect(resultStory(plan({}), r)).toBe(
			'Complex analysis prompt: chose qwen2.5:7b (high tier), but it failed (out of memory), so llama3.2:3b (medium tier) answered',
		);
		expect(fallbackFrom(plan({}), r)).toBe('qwen2.5:7b');
	});

	it('two models failed: both named with their causes', () => {
		const r = result('phi3:mini', [
			fail('qwen2.5:7b', 'timeout', 'timed out'),
			fail('llama3.2:3b', 'connection', 'ECONNREFUSED'),
			ok('phi3:mini'),
		]);
		expect(resultStory(plan({}), r)).toBe(
			'Complex analysis prompt: chose qwen2.5:7b (high tier), but qwen2.5:7b (timed out) and llama3.2:3b (connection refused) failed, so phi3:mini (low tier) answered',
		);
	});

	it('a reused answer: no fallback claimed, the model that gave it named', () => {
		const r = {
			...result('llama3.2:3b', []),
			reused: {
				kind: 'earlier execution',
				model: 'llama3.2:3b',
				tier: 'medium',
				ageMs: 5000,
				savedMs: 900,
			},
		} as DispatchResult;
		expect(fallbackFrom(plan({}), r)).toBeUndefined();
		expect(resultStory(plan({}), r)).toBe(
			'Complex analysis prompt: chose qwen2.5:7b (high tier); reused the answer llama3.2:3b (medium tier) gave an identical request (no model call)',
		);
		const shared = { ...r, reused: { ...r.reused, kind: 'in flight' } } as DispatchResult;
		expect(resultStory(plan({}), shared)).toMatch(
			/; shares the answer llama3\.2:3b \(medium tier\) gave an identical item at the same time$/,
		);
	});

	it('a skipped first choice counts as a fallback, and names it', () => {
		const p = plan({
			model: 'llama3.2:3b',
			firstChoice: 'qwen2.5:7b',
			skipped: [fail('qwen2.5:7b', 'circuit_open', 'circuit open since …')],
		});
		const r = result('llama3.2:3b', [ok('llama3.2:3b')]);
		expect(fallbackFrom(p, r)).toBe('qwen2.5:7b');
		expect(resultStory(p, r)).toContain('qwen2.5:7b skipped: it failed repeatedly');
	});
});
