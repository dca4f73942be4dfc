import type { INodeProperties } from 'n8n-workflow';

import { choiceField } from './fields';

import { TASK_OPTIONS } from './choices';
import { V1 } from './versions';

const promptOperations = { show: { operation: ['generate', 'selectModel'] } };

export const inputProperties: INodeProperties[] = [
	choiceField('Input', 'inputMode', 'prompt', {
		options: [
			{ name: 'Prompt', value: 'prompt', description: 'One text, sent to /api/generate' },
			{
				name: 'Chat Messages',
				value: 'messages',
				description: 'A conversation, sent to /api/chat',
			},
		],
		displayOptions: promptOperations,
	}),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: "e.g. {{ 'Summarize this email:\\n' + $json.body }}",
		description: 'The text to answer. Its complexity decides which model tier is used.',
		displayOptions: { show: { operation: ['generate', 'selectModel'], inputMode: ['prompt'] } },
	},
	{
		displayName: 'Messages',
		name: 'messages',
		type: 'json',
		default: '[\n  { "role": "user", "content": "" }\n]',
		required: true,
		description:
			'An array of {"role": "system" | "user" | "assistant", "content": "..."}. The user turns decide the tier.',
		displayOptions: { show: { operation: ['generate', 'selectModel'], inputMode: ['messages'] } },
	},
	{
		displayName: 'System Prompt',
		name: 'systemPrompt',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		description: 'Optional instructions for every model. Not counted in the complexity analysis.',
		displayOptions: { show: { operation: ['generate'], ...V1 } },
	},
	choiceField('Task Type', 'taskType', 'auto', {
		options: [{ name: 'Auto-Detect', value: 'auto' }, ...TASK_OPTIONS].sort((a, b) =>
			a.name.localeCompare(b.name),
		),
		description: 'What the prompt asks for. Models can be limited to task types in the model list.',
		displayOptions: { show: { ...promptOperations.show, ...V1 } },
	}),
	choiceField('Complexity', 'complexity', 'auto', {
		options: [
			{ name: 'Auto (Measure Each Prompt)', value: 'auto' },
			{ name: 'Force High', value: 'high' },
			{ name: 'Force Low', value: 'low' },
			{ name: 'Force Medium', value: 'medium' },
		],
		description: 'Measure each prompt, or force the tier for every item',
		displayOptions: { show: { ...promptOperations.show, ...V1 } },
	}),
	choiceField('Output Format', 'outputFormat', 'text', {
		options: [
			{ name: 'JSON', value: 'json', description: 'Ask Ollama for a JSON object and parse it' },
			{
				name: 'JSON Schema',
				value: 'jsonSchema',
				description: 'Constrain the reply to a JSON schema and parse it',
			},
			{ name: 'Text', value: 'text' },
		],
		description:
			'A reply that is not valid JSON when JSON was asked counts as a failure, and the next model answers',
		displayOptions: { show: { operation: ['generate'], ...V1 } },
	}),
	{
		displayName: 'JSON Schema',
		name: 'jsonSchema',
		type: 'json',
		default:
			'{\n  "type": "object",\n  "properties": {\n    "summary": { "type": "string" }\n  },\n  "required": ["summary"]\n}',
		description: "The schema passed as Ollama's format",
		displayOptions: { show: { operation: ['generate'], outputFormat: ['jsonSchema'], ...V1 } },
	},
];
