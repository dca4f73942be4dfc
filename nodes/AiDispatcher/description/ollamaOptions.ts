/**
 * The Ollama options of n8n's own Ollama Chat Model that a model row (and the chat sub-node's
 * Options) adds on demand, in Ollama's option names, with n8n's labels and defaults. Temperature,
 * Num Ctx, Num Predict and Keep Alive are in `models.ts` already; Top K/P and Output Format are the
 * chat sub-node's own; Think decides per item unless set.
 */
import type { INodeProperties } from 'n8n-workflow';

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
	{
		displayName: 'Think',
		name: 'think',
		type: 'options',
		options: THINK_OPTIONS,
		default: 'auto',
		description:
			"Whether a thinking model (qwen3, deepseek-r1, gpt-oss, ...) thinks before it answers. The thinking text is kept apart from the answer, in the output's thinking field.",
	},
	{
		displayName: 'Frequency Penalty',
		name: 'frequency_penalty',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description:
			'Penalises tokens by how often they already appeared. Higher values discourage repetition.',
	},
	{
		displayName: 'Presence Penalty',
		name: 'presence_penalty',
		type: 'number',
		default: 0,
		typeOptions: { numberPrecision: 2 },
		description: 'Penalises tokens that already appeared at all, encouraging new topics',
	},
	{
		displayName: 'Repetition Penalty',
		name: 'repeat_penalty',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description: 'How strongly repeated tokens are discouraged; 1 disables it',
	},
	{
		displayName: 'Penalize Newlines',
		name: 'penalize_newline',
		type: 'boolean',
		default: true,
		description: 'Whether the repetition penalty also applies to newline characters',
	},
	{
		displayName: 'Low VRAM Mode',
		name: 'low_vram',
		type: 'boolean',
		default: false,
		description: 'Whether to use less GPU memory at the cost of speed',
	},
	{
		displayName: 'Main GPU ID',
		name: 'main_gpu',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'The GPU that does the main computation, when there are several',
	},
	{
		displayName: 'Context Batch Size',
		name: 'num_batch',
		type: 'number',
		default: 512,
		typeOptions: { minValue: 1 },
		description: 'Prompt tokens processed per batch; larger is faster and uses more memory',
	},
	{
		displayName: 'Number of GPUs',
		name: 'num_gpu',
		type: 'number',
		default: -1,
		typeOptions: { minValue: -1 },
		description: 'Layers (GPUs) to offload; -1 lets Ollama decide',
	},
	{
		displayName: 'Number of CPU Threads',
		name: 'num_thread',
		type: 'number',
		default: 0,
		typeOptions: { minValue: 0 },
		description: 'CPU threads for generation; 0 lets Ollama decide',
	},
	{
		displayName: 'Use Memory Locking',
		name: 'use_mlock',
		type: 'boolean',
		default: false,
		description: 'Whether to lock the model in memory so that it is never swapped out',
	},
	{
		displayName: 'Use Memory Mapping',
		name: 'use_mmap',
		type: 'boolean',
		default: true,
		description: 'Whether to memory-map the model file when loading it',
	},
	{
		displayName: 'Load Vocabulary Only',
		name: 'vocab_only',
		type: 'boolean',
		default: false,
		description:
			'Whether to load only the vocabulary, not the weights (for tokenisation tests; the model then cannot answer)',
	},
];

/** Top K and Top P for the Model List rows (the chat sub-node has its own with the same meaning). */
export const samplingModelOptions: INodeProperties[] = [
	{
		displayName: 'Top K',
		name: 'top_k',
		type: 'number',
		default: 40,
		typeOptions: { minValue: 1 },
		description: 'Sample from the K most likely next tokens only',
	},
	{
		displayName: 'Top P',
		name: 'top_p',
		type: 'number',
		default: 0.9,
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		description: 'Sample from the smallest set of tokens whose probabilities add up to P',
	},
];
