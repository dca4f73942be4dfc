/**
 * Inference of the trained router: a multinomial logistic regression over the hashed features of
 * `featureVector.ts`, with the weights shipped in `weights.generated.ts` (written by
 * `npm run train-router`). Pure; no state beyond the decoded constant weights.
 */
import type { Tier } from '../../types';
import { TIERS } from '../../types';
import { BUCKETS, featureName, type RouterFeatures } from './featureVector';
import { ROUTER_WEIGHTS } from './weights.generated';

/**
 * Thresholds of one operating point: high when P(high) ≥ `high` and P(low) < `lowCap` (a prompt
 * the model finds most likely trivial stays off the strong model), else medium when
 * P(medium) + P(high) ≥ `mediumPlus`, else low.
 */
export interface OperatingPoint {
	high: number;
	lowCap: number;
	mediumPlus: number;
}

export const OPERATING_POINTS = ['quality', 'balanced', 'speed'] as const;
export type OperatingPointName = (typeof OPERATING_POINTS)[number];

/** The shipped model, decoded once: weights[bucket * 3 + tier]. */
export interface RouterModel {
	weights: Float32Array;
	bias: readonly number[];
	points: Readonly<Record<OperatingPointName, OperatingPoint>>;
}

function decode(): RouterModel {
	if (ROUTER_WEIGHTS.buckets !== BUCKETS) {
		throw new Error(
			`router weights were trained for ${ROUTER_WEIGHTS.buckets} buckets, features use ${BUCKETS}: run npm run train-router`,
		);
	}
	const bytes = Buffer.from(ROUTER_WEIGHTS.weightsBase64, 'base64');
	const weights = new Float32Array(BUCKETS * TIERS.length);
	for (let i = 0; i < bytes.length && i < weights.length; i++)
		weights[i] = ((bytes[i] << 24) >> 24) * ROUTER_WEIGHTS.scale;
	return { weights, bias: ROUTER_WEIGHTS.bias, points: ROUTER_WEIGHTS.operatingPoints };
}

export const SHIPPED_MODEL: RouterModel = decode();

/** P(low), P(medium), P(high) for a prompt's features. */
export function probabilitiesOf(
	features: Pick<RouterFeatures, 'indices' | 'values'>,
	model: Pick<RouterModel, 'weights' | 'bias'> = SHIPPED_MODEL,
): number[] {
	let z0 = model.bias[0];
	let z1 = model.bias[1];
	let z2 = model.bias[2];
	const { indices, values } = features;
	for (let i = 0; i < indices.length; i++) {
		const base = indices[i] * 3;
		const x = values[i];
		z0 += x * model.weights[base];
		z1 += x * model.weights[base + 1];
		z2 += x * model.weights[base + 2];
	}
	const max = Math.max(z0, z1, z2);
	const e0 = Math.exp(z0 - max);
	const e1 = Math.exp(z1 - max);
	const e2 = Math.exp(z2 - max);
	const sum = e0 + e1 + e2;
	return [e0 / sum, e1 / sum, e2 / sum];
}

/** The tier an operating point gives for P(low), P(medium), P(high). */
export function tierForProbabilities(p: readonly number[], point: OperatingPoint): Tier {
	if (p[2] >= point.high && p[0] < point.lowCap) return 'high';
	if (p[1] + p[2] >= point.mediumPlus) return 'medium';
	return 'low';
}

/** Margin between the two most probable tiers, 0 (a coin toss) .. 1 (certain). */
export function confidenceOf(p: readonly number[]): number {
	let first = -Infinity;
	let second = -Infinity;
	for (const x of p) {
		if (x > first) {
			second = first;
			first = x;
		} else if (x > second) second = x;
	}
	return first - second;
}

/** The `count` features that added most to `tier`'s logit over the mean of the other two (by size; negative ones pushed away). */
export function contributionsOf(
	features: Pick<RouterFeatures, 'sources' | 'indices' | 'values'>,
	tier: Tier,
	count: number,
	model: Pick<RouterModel, 'weights'> = SHIPPED_MODEL,
): Array<{ name: string; value: number; contribution: number }> {
	const k = TIERS.indexOf(tier);
	// The `count` largest by size in one pass, kept sorted; equal sizes keep the earlier feature first.
	const top: Array<{ index: number; contribution: number }> = [];
	if (count <= 0) return [];
	for (let i = 0; i < features.indices.length; i++) {
		const base = features.indices[i] * 3;
		const w0 = model.weights[base];
		const w1 = model.weights[base + 1];
		const w2 = model.weights[base + 2];
		const own = k === 0 ? w0 : k === 1 ? w1 : w2;
		const contribution = features.values[i] * (own - (w0 + w1 + w2 - own) / 2);
		const size = Math.abs(contribution);
		if (top.length === count && size <= Math.abs(top[count - 1].contribution)) continue;
		let at = top.length;
		while (at > 0 && Math.abs(top[at - 1].contribution) < size) at--;
		top.splice(at, 0, { index: i, contribution });
		if (top.length > count) top.pop();
	}
	return top.map(({ index, contribution }) => ({
		name: featureName(features, index),
		value: features.values[index],
		contribution,
	}));
}
