/** Query results → signal values, on arrival. Empty vectors and special floats are unknown, never 0. */
import type { PromQueryResult } from '../ports';
import type { PerModelValue } from './types';

export type Normalised<T> = { value: T; unknown?: string };

/** One number from a result: the single sample, or unknown with the reason. */
export function singleValue(result: PromQueryResult): Normalised<number | null> {
	const { samples } = result;
	if (samples.length === 0)
		return { value: null, unknown: 'no data (empty result: metric not exported or not scraped)' };
	if (samples.length > 1) {
		return {
			value: null,
			unknown: `${samples.length} series returned; aggregate the query to one number, e.g. max(…)`,
		};
	}
	const [sample] = samples;
	if (sample.value === null)
		return { value: null, unknown: `value is ${sample.raw ?? 'not finite'}` };
	return { value: sample.value };
}

/** Per-model numbers, split by `modelLabel`; series without the label count towards the total only. */
export function perModelValue(
	result: PromQueryResult,
	modelLabel: string,
): Normalised<PerModelValue> {
	const byModel: Record<string, number> = {};
	let total: number | null = null;
	let special = 0;
	for (const sample of result.samples) {
		if (sample.value === null) {
			special++;
			continue;
		}
		total = (total ?? 0) + sample.value;
		const model = sample.labels[modelLabel];
		if (model !== undefined) byModel[model] = (byModel[model] ?? 0) + sample.value;
	}
	const value = { total, byModel };
	if (result.samples.length === 0)
		return { value, unknown: 'no data (empty result: exporter not scraped or names differ)' };
	if (total === null)
		return { value, unknown: `every series is NaN/±Inf (${special}): no requests in the window` };
	return { value };
}

/** Looks a model up in per-model values: exact name, then with/without the ":latest" tag. */
export function valueForModel(value: PerModelValue | undefined, model: string): number | undefined {
	if (!value) return undefined;
	if (model in value.byModel) return value.byModel[model];
	const bare = model.replace(/:latest$/, '');
	if (bare in value.byModel) return value.byModel[bare];
	if (`${bare}:latest` in value.byModel) return value.byModel[`${bare}:latest`];
	return undefined;
}
