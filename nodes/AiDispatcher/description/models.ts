import type { INodeProperties } from 'n8n-workflow';

import { TASK_OPTIONS, TIER_OPTIONS } from './choices';
import { modelBackendFields } from './cloud';
import { ollamaModelOptions, samplingModelOptions } from './ollamaOptions';

/** Collection options in the order the panel lists them: alphabetical by label. */
function byLabel(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}

export const modelProperties: INodeProperties[] = [
	{
		displayName: 'Models',
		name: 'modelSource',
		type: 'options',
		options: [
			{
				name: 'Auto-Discover',
				value: 'auto',
				description:
					"Use every model in Ollama's /api/tags, tiered by size and model family (run the Status operation to see the tiers)",
			},
			{
				name: 'Model List',
				value: 'list',
				description: 'Use the models listed below, with their tiers',
			},
		],
		default: 'auto',
		displayOptions: { show: { operation: ['generate', 'selectModel'] } },
	},
	{
		displayName: 'Model List',
		name: 'models',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Model',
		default: {
			model: [
				{ name: 'phi3:mini', tier: 'low' },
				{ name: 'llama3.2:3b', tier: 'medium' },
				{ name: 'qwen2.5:7b', tier: 'high' },
			],
		},
		description: 'Within a tier, models are tried in this order',
		displayOptions: { show: { operation: ['generate', 'selectModel'], modelSource: ['list'] } },
		options: [
			{
				name: 'model',
				displayName: 'Model',
				values: [
					{
						displayName: 'Model Name or ID',
						name: 'name',
						type: 'options',
						typeOptions: { loadOptionsMethod: 'getModels' },
						default: '',
						description:
							'Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>',
					},
					{
						displayName: 'Tier',
						name: 'tier',
						type: 'options',
						options: TIER_OPTIONS,
						default: 'medium',
					},
					{
						displayName: 'Suited Tasks',
						name: 'tasks',
						type: 'multiOptions',
						options: TASK_OPTIONS,
						default: [],
						description: 'Leave empty for any task. Within a tier, suited models are tried first.',
					},
					...modelBackendFields,
					{
						displayName: 'Model Options',
						name: 'modelOptions',
						type: 'collection',
						placeholder: 'Add Option',
						default: {},
						options: byLabel([
							{
								displayName: 'Context Window (Num Ctx)',
								name: 'num_ctx',
								type: 'number',
								default: 4096,
								typeOptions: { minValue: 256 },
							},
							{
								displayName: 'Keep Alive',
								name: 'keep_alive',
								type: 'string',
								default: '5m',
								description:
									'How long Ollama keeps the model loaded after the call, e.g. 5m, 1h, 0, -1',
							},
							{
								displayName: 'Max Tokens (Num Predict)',
								name: 'num_predict',
								type: 'number',
								default: 512,
								typeOptions: { minValue: -1 },
							},
							{
								displayName: 'Temperature',
								name: 'temperature',
								type: 'number',
								default: 0.8,
								typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
							},
							{
								displayName: 'Timeout (Ms)',
								name: 'timeoutMs',
								type: 'number',
								default: 30000,
								typeOptions: { minValue: 100 },
								description: "Per-attempt limit for this model; overrides the tier's timeout",
							},
							...ollamaModelOptions,
							...samplingModelOptions,
						]),
					},
				],
			},
		],
	},
];
