/** Options and format validation as Ollama does it (reference §1.4, §1.2). */
import { goQuote } from './go';
import { isRecord, type JsonObject } from './json';

export type OptionType = 'integer' | 'float32' | 'boolean' | 'string-array';

export const KNOWN_OPTIONS: Record<string, OptionType> = {
	num_keep: 'integer',
	seed: 'integer',
	num_predict: 'integer',
	top_k: 'integer',
	repeat_last_n: 'integer',
	num_ctx: 'integer',
	num_batch: 'integer',
	num_gpu: 'integer',
	main_gpu: 'integer',
	num_thread: 'integer',
	mirostat: 'integer',
	top_p: 'float32',
	min_p: 'float32',
	typical_p: 'float32',
	temperature: 'float32',
	repeat_penalty: 'float32',
	presence_penalty: 'float32',
	frequency_penalty: 'float32',
	tfs_z: 'float32',
	mirostat_tau: 'float32',
	mirostat_eta: 'float32',
	use_mmap: 'boolean',
	numa: 'boolean',
	penalize_newline: 'boolean',
	stop: 'string-array',
};

/** Ollama's `Options.FromMap` type check; unknown keys are ignored. Returns the error text or null. */
export function validateOptions(options: JsonObject): string | null {
	for (const [key, value] of Object.entries(options)) {
		const type = KNOWN_OPTIONS[key];
		if (type === undefined || value === null) continue;
		if (type === 'integer' && typeof value !== 'number')
			return `option "${key}" must be of type integer`;
		if (type === 'float32' && typeof value !== 'number')
			return `option "${key}" must be of type float32`;
		if (type === 'boolean' && typeof value !== 'boolean')
			return `option "${key}" must be of type boolean`;
		if (type === 'string-array') {
			if (!Array.isArray(value)) return `option "${key}" must be of type array`;
			if (value.some((item) => typeof item !== 'string'))
				return `option "${key}" must be of an array of strings`;
		}
	}
	return null;
}

/** `format` must be absent, `"json"` or a JSON-schema object. Returns the error text or null. */
export function validateFormat(format: unknown): string | null {
	if (
		format === undefined ||
		format === null ||
		format === '' ||
		format === 'json' ||
		isRecord(format)
	)
		return null;
	return `invalid format: ${goQuote(JSON.stringify(format))}; expected "json" or a valid JSON Schema object`;
}

export function wantsJson(format: unknown): boolean {
	return format === 'json' || isRecord(format);
}
