import type { INodeProperties } from 'n8n-workflow';

import { choiceField, numberField, sortedByLabel, stringField } from './fields';

import { TASK_OPTIONS, TIER_OPTIONS } from './choices';
import { modelBackendFields } from './cloud';
import { ollamaModelOptions, samplingModelOptions } from './ollamaOptions';

export const modelProperties: INodeProperties[] = [
	choiceField('Models', 'modelSource', 'auto', {
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
		displayOptions: { show: { operation: ['generate', 'selectModel'] } },
	}),
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
					choiceField('Tier', 'tier', 'medium', { options: TIER_OPTIONS }),
					choiceField('Suited Tasks', 'tasks', [], {
						options: TASK_OPTIONS,
						description: 'Leave empty for any task. Within a tier, suited models are tried first.',
					}),
					...modelBackendFields,
					{
						displayName: 'Model Options',
						name: 'modelOptions',
						type: 'collection',
						placeholder: 'Add Option',
						default: {},
						options: sortedByLabel([
							numberField('Context Window (Num Ctx)', 'num_ctx', 4096, {
								typeOptions: { minValue: 256 },
							}),
							stringField('Keep Alive', 'keep_alive', '5m', {
								description:
									'How long Ollama keeps the model loaded after the call, e.g. 5m, 1h, 0, -1',
							}),
							numberField('Max Tokens (Num Predict)', 'num_predict', 512, {
								typeOptions: { minValue: -1 },
							}),
							numberField('Temperature', 'temperature', 0.8, {
								typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
							}),
							numberField('Timeout (Ms)', 'timeoutMs', 30000, {
								typeOptions: { minValue: 100 },
								description: "Per-attempt limit for this model; overrides the tier's timeout",
							}),
							...ollamaModelOptions,
							...samplingModelOptions,
						]),
					},
				],
			},
		],
	},
];
