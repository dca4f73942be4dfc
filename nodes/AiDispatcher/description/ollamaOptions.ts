/**
 * The Ollama options of n8n's own Ollama Chat Model that a model row (and the chat sub-node's
 * Options) adds on demand, in Ollama's option names, with n8n's labels and defaults. Temperature,
 * Num Ctx, Num Predict and Keep Alive are in `models.ts` already; Top K/P and Output Format are the
 * chat sub-node's own; Think decides per item unless set.
 */
import type { INodeProperties } from 'n8n-workflow';

import { booleanField, choiceField, numberField } from './fields';

/** The Think choices: Auto (decided per item from the prompt) or a fixed value for every call. */
export const THINK_OPTIONS = [
	{
		name: 'Auto (Per Item)',
		value: 'auto',
		description:
			'Off for simple prompts, lowest effort for medium ones, on (or high) for hard ones',
	},
	{
		name: 'High Effort',
		value: 'high',
		description: 'Models with effort levels (gpt-oss); other thinking models just think',
	},
	{
		name: 'Low Effort',
		value: 'low',
		description: 'Models with effort levels (gpt-oss); other thinking models just think',
	},
	{
		name: 'Medium Effort',
		value: 'medium',
		description: 'Models with effort levels (gpt-oss); other thinking models just think',
	},
	{
		name: 'Off',
		value: 'off',
		description: 'Never think (models with effort levels think at their lowest)',
	},
	{ name: 'On', value: 'on', description: "Always think (Ollama's default for thinking models)" },
];

export const ollamaModelOptions: INodeProperties[] = [
	choiceField('Think', 'think', 'auto', {
		options: THINK_OPTIONS,
		description:
			"Whether a thinking model (qwen3, deepseek-r1, gpt-oss, ...) thinks before it answers. The thinking text is kept apart from the answer, in the output's thinking field.",
	}),
	numberField('Frequency Penalty', 'frequency_penalty', 0, {
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description:
			'Penalises tokens by how often they already appeared. Higher values discourage repetition.',
	}),
	numberField('Presence Penalty', 'presence_penalty', 0, {
		typeOptions: { numberPrecision: 2 },
		description: 'Penalises tokens that already appeared at all, encouraging new topics',
	}),
	numberField('Repetition Penalty', 'repeat_penalty', 1, {
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description: 'How strongly repeated tokens are discouraged; 1 disables it',
	}),
	booleanField('Penalize Newlines', 'penalize_newline', true, {
		description: 'Whether the repetition penalty also applies to newline characters',
	}),
	booleanField('Low VRAM Mode', 'low_vram', false, {
		description: 'Whether to use less GPU memory at the cost of speed',
	}),
	numberField('Main GPU ID', 'main_gpu', 0, {
		typeOptions: { minValue: 0 },
		description: 'The GPU that does the main computation, when there are several',
	}),
	numberField('Context Batch Size', 'num_batch', 512, {
		typeOptions: { minValue: 1 },
		description: 'Prompt tokens processed per batch; larger is faster and uses more memory',
	}),
	numberField('Number of GPUs', 'num_gpu', -1, {
		typeOptions: { minValue: -1 },
		description: 'Layers (GPUs) to offload; -1 lets Ollama decide',
	}),
	numberField('Number of CPU Threads', 'num_thread', 0, {
		typeOptions: { minValue: 0 },
		description: 'CPU threads for generation; 0 lets Ollama decide',
	}),
	booleanField('Use Memory Locking', 'use_mlock', false, {
		description: 'Whether to lock the model in memory so that it is never swapped out',
	}),
	booleanField('Use Memory Mapping', 'use_mmap', true, {
		description: 'Whether to memory-map the model file when loading it',
	}),
	booleanField('Load Vocabulary Only', 'vocab_only', false, {
		description:
			'Whether to load only the vocabulary, not the weights (for tokenisation tests; the model then cannot answer)',
	}),
];

/** Top K and Top P for the Model List rows (the chat sub-node has its own with the same meaning). */
export const samplingModelOptions: INodeProperties[] = [
	numberField('Top K', 'top_k', 40, {
		typeOptions: { minValue: 1 },
		description: 'Sample from the K most likely next tokens only',
	}),
	numberField('Top P', 'top_p', 0.9, {
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		description: 'Sample from the smallest set of tokens whose probabilities add up to P',
	}),
];
