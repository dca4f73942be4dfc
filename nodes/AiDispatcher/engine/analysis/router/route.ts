/**
 * The trained router's entry point: a prompt → the same `ComplexityResult` the heuristic analyser
 * gives (tier, score, task, features), plus the router's verdict: tier probabilities, confidence,
 * the operating point, and the routing example that decided, if any.
 */
import type { ComplexityFeature, ComplexityResult, TaskType, Tier } from '../../types';
import { nearestExample, type PreparedExample } from './examples';
import { routerFeatures } from './featureVector';
import {
	confidenceOf,
	contributionsOf,
	probabilitiesOf,
	SHIPPED_MODEL,
	tierForProbabilities,
	type OperatingPointName,
	type RouterModel,
} from './model';

export interface RouteOptions {
	task?: TaskType | 'auto';
	complexity?: Tier | 'auto';
	/** Quality ↔ Speed: which thresholds turn probabilities into a tier; default balanced. */
	operatingPoint?: OperatingPointName;
	/** The workflow's routing examples, prepared once (see `prepareExamples`). */
	examples?: readonly PreparedExample[];
	model?: RouterModel;
}

/** Features named in a decision: the ones that moved the chosen tier most. */
const EXPLAINED_FEATURES = 5;

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function routeComplexity(text: string, options: RouteOptions = {}): ComplexityResult {
	const model = options.model ?? SHIPPED_MODEL;
	const operatingPoint = options.operatingPoint ?? 'balanced';
	const features = routerFeatures(text);
	const p = probabilitiesOf(features, model);
	const modelTier = tierForProbabilities(p, model.points[operatingPoint]);
	const near = options.examples ? nearestExample(features, options.examples) : undefined;
	const example =
		near && options.examples
			? {
					index: near.index,
					tier: options.examples[near.index].tier,
					similarity: round3(near.similarity),
					prompt: excerpt(options.examples[near.index].prompt),
				}
			: undefined;
	const forced = options.complexity !== undefined && options.complexity !== 'auto';
	const tier = forced ? (options.complexity as Tier) : (example?.tier ?? modelTier);
	const explained = contributionsOf(features, tier, EXPLAINED_FEATURES, model).map(
		(c): ComplexityFeature => ({
			name: readable(c.name),
			value: round3(c.value),
			contribution: round3(c.contribution),
		}),
	);
	const router: NonNullable<ComplexityResult['router']> = {
		probabilities: { low: round3(p[0]), medium: round3(p[1]), high: round3(p[2]) },
		confidence: round3(confidenceOf(p)),
		operatingPoint,
		modelTier,
	};
	if (example) router.example = example;
	return {
		score: round3((p[1] + 2 * p[2]) / 2),
		tier,
		task: options.task && options.task !== 'auto' ? options.task : features.task,
		tokens: features.tokens,
		// The router's reasons first, then the measured counts (rules read code_blocks, stack_trace_lines; made for this call).
		features: [...explained, ...features.counts],
		forced,
		router,
	};
}

const NAMESPACES: Record<string, string> = {
	w: 'instruction word',
	b: 'instruction words',
	g: 'instruction letters',
	c: 'content word',
	t: 'task',
	q: 'instruction cues',
	s: 'structure',
};

/** "b:root cause" → `instruction words "root cause"`; "t:root_cause" → "task root_cause". */
function readable(name: string): string {
	const colon = name.indexOf(':');
	const space = colon < 0 ? name : name.slice(0, colon);
	const body = colon < 0 ? '' : name.slice(colon + 1);
	const label = NAMESPACES[space] ?? space;
	return space === 't' || space === 's' || space === 'q'
		? `${label} ${body}`
		: `${label} "${body}"`;
}

function excerpt(prompt: string): string {
	const line = prompt.replace(/\s+/g, ' ').trim();
	return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
