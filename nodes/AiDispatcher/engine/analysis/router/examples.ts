/**
 * Routing examples: prompts a workflow labels with the tier it wants. A prompt whose features are
 * close enough to an example's (cosine similarity on the router's own features) takes the nearest
 * example's tier, so a user can teach the router their own mail and ticket types.
 */
import type { Tier } from '../../types';
import { routerFeatures, type RouterFeatures } from './featureVector';

export interface RoutingExample {
	prompt: string;
	tier: Tier;
}

/** An example with its feature vector computed once per configuration. */
export interface PreparedExample extends RoutingExample {
	vector: ReadonlyMap<number, number>;
	norm: number;
}

/** Similarity from which an example decides the tier (1 = the same features). */
export const EXAMPLE_MIN_SIMILARITY = 0.6;

function vectorOf(features: Pick<RouterFeatures, 'indices' | 'values'>): Map<number, number> {
	const vector = new Map<number, number>();
	features.indices.forEach((bucket, i) =>
		vector.set(bucket, (vector.get(bucket) ?? 0) + features.values[i]),
	);
	return vector;
}

function normOf(vector: ReadonlyMap<number, number>): number {
	let sum = 0;
	for (const value of vector.values()) sum += value * value;
	return Math.sqrt(sum);
}

export function prepareExamples(examples: readonly RoutingExample[]): PreparedExample[] {
	return examples.map((example) => {
		const vector = vectorOf(routerFeatures(example.prompt));
		return { ...example, vector, norm: normOf(vector) };
	});
}

/** The most similar example at or above `minSimilarity`, or undefined. Ties go to the first listed. */
export function nearestExample(
	features: Pick<RouterFeatures, 'indices' | 'values'>,
	examples: readonly PreparedExample[],
	minSimilarity = EXAMPLE_MIN_SIMILARITY,
): { index: number; similarity: number } | undefined {
	if (examples.length === 0) return undefined;
	const vector = vectorOf(features);
	const norm = normOf(vector);
	let best: { index: number; similarity: number } | undefined;
	examples.forEach((example, index) => {
		if (norm === 0 || example.norm === 0) return;
		let dot = 0;
		for (const [bucket, value] of vector) dot += value * (example.vector.get(bucket) ?? 0);
		const similarity = dot / (norm * example.norm);
		if (similarity >= minSimilarity && (!best || similarity > best.similarity))
			best = { index, similarity };
	});
	return best;
}
