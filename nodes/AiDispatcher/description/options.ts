import type { INodeProperties } from 'n8n-workflow';

export const optionProperties: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['generate', 'selectModel'] } },
		options: [
			{
				displayName: 'Timeout High Tier (Ms)',
				name: 'timeoutHighMs',
				type: 'number',
				default: 60000,
				typeOptions: { minValue: 100 },
				description: 'Per-attempt limit for high-tier models',
			},
			{
				displayName: 'Timeout Low Tier (Ms)',
				name: 'timeoutLowMs',
				type: 'number',
				default: 15000,
				typeOptions: { minValue: 100 },
				description: 'Per-attempt limit for low-tier models',
			},
			{
				displayName: 'Timeout Medium Tier (Ms)',
				name: 'timeoutMediumMs',
				type: 'number',
				default: 30000,
				typeOptions: { minValue: 100 },
				description: 'Per-attempt limit for medium-tier models',
			},
		],
	},
];
