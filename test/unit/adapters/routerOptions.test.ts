import {
	MAX_ROUTING_EXAMPLES,
	parseRouterOptions,
	readAnalyser,
} from '../../../nodes/AiDispatcher/adapters/routerOptions';
import { decide, type DispatchConfig } from '../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { evaluateRules } from '../../../nodes/AiDispatcher/engine/rules/evaluate';
import { parseRules } from '../../../nodes/AiDispatcher/engine/rules/validate';
import type { ModelSpec } from '../../../nodes/AiDispatcher/engine/types';

const MODELS: ModelSpec[] = [
	{ name: 'phi3:mini', tier: 'low', tasks: [], options: {} },
	{ name: 'llama3.2:3b', tier: 'medium', tasks: [], options: {} },
	{ name: 'qwen2.5:7b', tier: 'high', tasks: [], options: {} },
];
const SPAM =
	'Is this email spam? Answer yes or no.\n\nFrom: promo@win-big.example\nSubject: YOU WON\n\nClaim your FREE iPhone now!!! Click the link.';

describe('parseRouterOptions', () => {
	it('defaults to the balanced point and no examples', () => {
		expect(parseRouterOptions({})).toEqual({ operatingPoint: 'balanced' });
	});

	it('prepares the examples', () => {
		const settings = parseRouterOptions({
			qualitySpeed: 'quality',
			routingExamples: { example: [{ prompt: SPAM, tier: 'high' }] },
		});
		expect(settings.operatingPoint).toBe('quality');
		expect(settings.examples).toHaveLength(1);
		expect(settings.examples![0]).toMatchObject({ tier: 'high', prompt: SPAM });
	});

	it.each([
		[
			{ qualitySpeed: 'fast' },
			'Quality ↔ Speed should be one of quality, balanced, speed, got "fast"',
		],
		[
			{ routingExamples: { example: [{ prompt: ' ', tier: 'low' }] } },
			'Routing Examples[0].Prompt should be a non-empty text, got " "',
		],
		[
			{ routingExamples: { example: [{ prompt: 'x', tier: 'huge' }] } },
			'Routing Examples[0].Tier should be one of low, medium, high, got "huge"',
		],
		[
			{
				routingExamples: {
					example: Array.from({ length: MAX_ROUTING_EXAMPLES + 1 }, () => ({
						prompt: 'x',
						tier: 'low',
					})),
				},
			},
			`Routing Examples has ${MAX_ROUTING_EXAMPLES + 1} entries; the limit is ${MAX_ROUTING_EXAMPLES}`,
		],
	])('rejects %j naming the field and the value', (options, message) => {
		expect(() => parseRouterOptions(options)).toThrow(message);
	});
});

describe('the router in decide()', () => {
	const base: DispatchConfig = {
		baseUrls: ['http://o'],
		models: MODELS,
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
	};
	const request = {
		prompt: SPAM,
		task: 'auto' as const,
		complexity: 'auto' as const,
		format: { type: 'text' as const },
	};

	it('chooses by the trained router by default, and by the heuristic when asked', () => {
		const routed = decide(request, base, 0);
		expect(routed.complexity.router).toBeDefined();
		expect(routed.decision.model).toBe('phi3:mini');
		expect(
			decide(request, { ...base, analyser: 'heuristic' }, 0).complexity.router,
		).toBeUndefined();
	});

	it('lets a routing example decide, and records it', () => {
		const choice = decide(
			request,
			{
				...base,
				router: parseRouterOptions({
					routingExamples: { example: [{ prompt: SPAM, tier: 'high' }] },
				}),
			},
			0,
		);
		expect(choice.decision.model).toBe('qwen2.5:7b');
		expect(choice.complexity.router!.example).toMatchObject({
			index: 0,
			tier: 'high',
			similarity: 1,
		});
	});

	it('offers the confidence to rules: "when unsure, use at least medium"', () => {
		const parsed = parseRules([
			{
				name: 'unsure',
				condition: { fact: 'complexityConfidence', operator: 'lessThan', value: 1.01 },
				action: { minTier: 'medium' },
			},
		]);
		if (!parsed.ok) throw new Error(parsed.issues.join('; '));
		const choice = decide(request, { ...base, rules: parsed.value }, 0);
		expect(choice.rules!.matched[0].conditions[0]).toMatchObject({
			fact: 'complexityConfidence',
			actual: choice.complexity.router!.confidence,
			result: true,
		});
		expect(choice.decision.model).toBe('llama3.2:3b');
	});

	it('says why confidence is unknown under the heuristic analyser', () => {
		const parsed = parseRules([
			{
				name: 'unsure',
				condition: { fact: 'complexityConfidence', operator: 'lessThan', value: 0.3 },
				action: { minTier: 'medium' },
			},
		]);
		if (!parsed.ok) throw new Error(parsed.issues.join('; '));
		const outcome = evaluateRules(parsed.value, {
			text: 'x',
			tokens: 1,
			score: 0,
			tier: 'low',
			task: 'general',
			codeBlocks: 0,
			stackFrames: 0,
			nowMs: 0,
			timeZone: 'UTC',
		});
		expect(outcome.evaluated[0]).toMatchObject({
			result: false,
			conditions: [{ actual: null, note: 'confidence is measured by the trained router only' }],
		});
	});
});

describe('readAnalyser (Options › Complexity Analyser)', () => {
	const ctxWith = (options: Record<string, unknown>) =>
		({
			getNodeParameter: (name: string) => (name === 'options' ? options : undefined),
		}) as unknown as Parameters<typeof readAnalyser>[0];

	it('defaults to the trained router and accepts the heuristic', () => {
		expect(readAnalyser(ctxWith({}), 0)).toBe('router');
		expect(readAnalyser(ctxWith({ analyser: 'heuristic' }), 0)).toBe('heuristic');
	});

	it('names the field as the panel shows it and the bad value', () => {
		expect(() => readAnalyser(ctxWith({ analyser: 'magic' }), 0)).toThrow(
			'Options › Complexity Analyser should be one of router, heuristic, got "magic"',
		);
	});
});
