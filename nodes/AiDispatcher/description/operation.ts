import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

/** Kept apart from the property because the sentence-case lint would lower-case "Ollama", a name. */
const OPERATIONS: INodePropertyOptions[] = [
	{
		name: 'Generate',
		value: 'generate',
		description:
			'Choose a model for each item and generate the answer, falling back when a model fails',
		action: 'Generate a response with the best model',
	},
	{
		name: 'Select Model',
		value: 'selectModel',
		description:
			'Only decide which model should answer each item, for another Ollama or HTTP Request node to call',
		action: 'Select the best model without generating',
	},
	{
		name: 'Status',
		value: 'status',
		description: 'Report whether Ollama answers, which models are installed and which are loaded',
		action: 'Get the status of Ollama',
	},
];

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: OPERATIONS,
	default: 'generate',
};
