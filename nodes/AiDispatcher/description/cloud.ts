/** The OpenAI-compatible endpoint switch and its settings: local first, budgets. */
import type { INodeProperties } from 'n8n-workflow';

import { booleanField, choiceField, numberField } from './fields';

const GENERATE = ['generate', 'selectModel'];

export const cloudProperties: INodeProperties[] = [
	booleanField('Use OpenAI-Compatible Endpoint', 'useOpenAiEndpoint', false, {
		description:
			'Whether models of an OpenAI-compatible endpoint (a cloud account, vLLM, LM Studio…) can answer too: set their Backend in the Model List. Status then shows its spend.',
		displayOptions: { show: { operation: [...GENERATE, 'status'] } },
	}),
	{
		displayName: 'Cloud',
		name: 'cloud',
		type: 'collection',
		placeholder: 'Add Cloud Setting',
		default: {},
		displayOptions: { show: { operation: GENERATE, useOpenAiEndpoint: [true] } },
		options: [
			numberField('Budget per Day', 'budgetPerDay', 0, {
				typeOptions: { minValue: 0, numberPrecision: 6 },
				description:
					"Most spent on priced models per UTC day, per credential, in the credential's currency; 0 for no limit. A call that could exceed it is not made.",
			}),
			numberField('Budget per Execution', 'budgetPerExecution', 0, {
				typeOptions: { minValue: 0, numberPrecision: 6 },
				description:
					"Most spent on priced models in one execution, in the credential's currency; 0 for no limit",
			}),
			choiceField('Priced Models', 'pricedModels', 'lastResort', {
				options: [
					{
						name: 'Last Resort (Local First)',
						value: 'lastResort',
						description:
							'Used only when every suitable local model failed or was skipped, or a rule picks one',
					},
					{
						name: 'Ordinary Candidates',
						value: 'candidate',
						description: 'Ranked like local models of their tier',
					},
				],
			}),
		],
	},
];

/** The Model List row's backend and price fields. */
export const modelBackendFields: INodeProperties[] = [
	choiceField('Backend', 'backend', 'ollama', {
		options: [
			{
				name: 'Ollama',
				value: 'ollama',
				description: "The AI Dispatcher credential's Ollama hosts",
			},
			{
				name: 'OpenAI-Compatible Endpoint',
				value: 'openai',
				description:
					'The OpenAI-Compatible Endpoint credential (turn on Use OpenAI-Compatible Endpoint)',
			},
		],
	}),
	numberField('Input Price per Million Tokens', 'inputPricePerMTok', 0, {
		typeOptions: { minValue: 0, numberPrecision: 6 },
		description: "In the endpoint credential's currency; 0 for a free or local server",
		displayOptions: { show: { backend: ['openai'] } },
	}),
	numberField('Output Price per Million Tokens', 'outputPricePerMTok', 0, {
		typeOptions: { minValue: 0, numberPrecision: 6 },
		description: "In the endpoint credential's currency; 0 for a free or local server",
		displayOptions: { show: { backend: ['openai'] } },
	}),
];
