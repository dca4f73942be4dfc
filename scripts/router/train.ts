/**
 * Multinomial logistic regression on sparse hashed features, L2-regularised, trained full-batch
 * with Adam from zero weights: no randomness, fixed order, so the same corpus gives the same bytes.
 */
import {
	BUCKETS,
	routerFeatures,
} from '../../nodes/AiDispatcher/engine/analysis/router/featureVector';
import type { Tier } from '../../nodes/AiDispatcher/engine/types';
import { TIERS } from '../../nodes/AiDispatcher/engine/types';

export const CLASSES = TIERS.length;

export interface Sample {
	indices: Int32Array;
	values: Float64Array;
	label: number;
}

export interface TrainOptions {
	/** L2 penalty per weight (bias excluded). */
	lambda: number;
	iterations: number;
	learningRate: number;
	/** Weight of each tier's prompts in the loss (low, medium, high); 1 each when absent. */
	classWeights?: readonly number[];
}

/** λ and iterations chosen by 5-fold cross-validation on the training part (log-loss), never the held-out split. */
export const DEFAULT_TRAIN: TrainOptions = { lambda: 5e-6, iterations: 200, learningRate: 0.05 };

/** Bucket-major weights: `weights[bucket * 3 + tier]`, and one bias per tier. */
export interface LinearModel {
	weights: Float64Array;
	bias: number[];
}

export function sampleOf(text: string, tier: Tier): Sample {
	const f = routerFeatures(text);
	return {
		indices: Int32Array.from(f.indices),
		values: Float64Array.from(f.values),
		label: TIERS.indexOf(tier),
	};
}

export function softmaxOf(model: LinearModel, s: Pick<Sample, 'indices' | 'values'>): number[] {
	const z = [...model.bias];
	for (let i = 0; i < s.indices.length; i++) {
		const base = s.indices[i] * CLASSES;
		for (let k = 0; k < CLASSES; k++) z[k] += s.values[i] * model.weights[base + k];
	}
	const max = Math.max(...z);
	const e = z.map((v) => Math.exp(v - max));
	const sum = e.reduce((a, b) => a + b, 0);
	return e.map((v) => v / sum);
}

export function train(samples: Sample[], options: TrainOptions = DEFAULT_TRAIN): LinearModel {
	const size = BUCKETS * 3;
	const weights = new Float64Array(size);
	const bias = new Float64Array(3);
	const seen = new Uint8Array(BUCKETS);
	for (const s of samples) for (let i = 0; i < s.indices.length; i++) seen[s.indices[i]] = 1;
	const touched: number[] = [];
	for (let b = 0; b < BUCKETS; b++) if (seen[b]) touched.push(b * 3, b * 3 + 1, b * 3 + 2);
	const grad = new Float64Array(size);
	const m = new Float64Array(size);
	const v = new Float64Array(size);
	const gb = new Float64Array(3);
	const mb = new Float64Array(3);
	const vb = new Float64Array(3);
	const b1 = 0.9;
	const b2 = 0.999;
	const { lambda } = options;
	const n = samples.length;
	const cw = options.classWeights ?? [1, 1, 1];
	for (let t = 1; t <= options.iterations; t++) {
		for (let i = 0; i < touched.length; i++) grad[touched[i]] = lambda * weights[touched[i]];
		gb[0] = gb[1] = gb[2] = 0;
		for (const s of samples) {
			const { indices, values } = s;
			let z0 = bias[0];
			let z1 = bias[1];
			let z2 = bias[2];
			for (let i = 0; i < indices.length; i++) {
				const base = indices[i] * 3;
				const x = values[i];
				z0 += x * weights[base];
				z1 += x * weights[base + 1];
				z2 += x * weights[base + 2];
			}
			const max = Math.max(z0, z1, z2);
			const e0 = Math.exp(z0 - max);
			const e1 = Math.exp(z1 - max);
			const e2 = Math.exp(z2 - max);
			const sum = e0 + e1 + e2;
			const weight = cw[s.label] / n;
			const g0 = (e0 / sum - (s.label === 0 ? 1 : 0)) * weight;
			const g1 = (e1 / sum - (s.label === 1 ? 1 : 0)) * weight;
			const g2 = (e2 / sum - (s.label === 2 ? 1 : 0)) * weight;
			gb[0] += g0;
			gb[1] += g1;
			gb[2] += g2;
			for (let i = 0; i < indices.length; i++) {
				const base = indices[i] * 3;
				const x = values[i];
				grad[base] += g0 * x;
				grad[base + 1] += g1 * x;
				grad[base + 2] += g2 * x;
			}
		}
		const lr = (options.learningRate * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
		for (let i = 0; i < touched.length; i++) {
			const j = touched[i];
			const g = grad[j];
			m[j] = b1 * m[j] + (1 - b1) * g;
			v[j] = b2 * v[j] + (1 - b2) * g * g;
			weights[j] -= (lr * m[j]) / (Math.sqrt(v[j]) + 1e-8);
		}
		for (let k = 0; k < 3; k++) {
			mb[k] = b1 * mb[k] + (1 - b1) * gb[k];
			vb[k] = b2 * vb[k] + (1 - b2) * gb[k] * gb[k];
			bias[k] -= (lr * mb[k]) / (Math.sqrt(vb[k]) + 1e-8);
		}
	}
	return { weights, bias: Array.from(bias) };
}
