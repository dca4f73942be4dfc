/**
 * The chat model's parameters, built from the main node's description pieces (the same models,
 * rules, signals and resilience options, read by the same readers), without the main node's
 * Operation switch, plus Ollama Chat Model-like options.
 */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { cloudProperties } from '../../AiDispatcher/description/cloud';
import { inputProperties } from '../../AiDispatcher/description/input';
import { modelProperties } from '../../AiDispatcher/description/models';
import { ollamaModelOptions } from '../../AiDispatcher/description/ollamaOptions';
import { optionProperties } from '../../AiDispatcher/description/options';
import { ruleProperties } from '../../AiDispatcher/description/rules';
import { signalProperties } from '../../AiDispatcher/description/signals';

/** The property without the main node's `operation` display condition (the chat model has no operations). */
export function withoutOperation(property: INodeProperties): INodeProperties {
	const show = property.displayOptions?.show;
	if (!show || !('operation' in show)) return property;
	const rest = { ...show };
	delete rest.operation;
	const displayOptions = { ...property.displayOptions };
	if (Object.keys(rest).length > 0) displayOptions.show = rest;
	else delete displayOptions.show;
	const copy = { ...property };
	if (Object.keys(displayOptions).length > 0) copy.displayOptions = displayOptions;
	else delete copy.displayOptions;
	return copy;
}

function byName(list: readonly INodeProperties[], name: string): INodeProperties {
	const found = list.find((p) => p.name === name);
	if (!found)
		throw new Error(`AI Dispatcher: no property "${name}" in the main node's description`);
	return found;
}

/** Model options shared with the Model List's per-model options (same names, same readers). */
const perModelOptions = (byName(modelProperties, 'models').options as INodePropertyCollection[])[0]
	.values;
const modelOptionFields = (
	byName(perModelOptions, 'modelOptions').options as INodeProperties[]
).filter((o) =>
	[
		'temperature',
		'num_predict',
		'num_ctx',
		'keep_alive',
		...ollamaModelOptions.map((x) => x.name),
	].includes(o.name),
);

const chatOnlyOptions: INodeProperties[] = [
	{
		displayName: 'Output Format',
		name: 'format',
		type: 'options',
		options: [
			{ name: 'Default', value: 'default' },
			{
				name: 'JSON',
				value: 'json',
				description:
					'Ask Ollama for JSON; a reply that is not valid JSON fails and the next model answers',
			},
		],
		default: 'default',
	},
	{
		displayName: 'Top K',
		name: 'topK',
		type: 'number',
		default: 40,
		typeOptions: { minValue: 1 },
		description: 'Sample from the K most likely next tokens only',
	},
	{
		displayName: 'Top P',
		name: 'topP',
		type: 'number',
		default: 0.9,
		typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
		description: 'Sample from the smallest set of tokens whose probabilities add up to P',
	},
];

const mainOptions = byName(optionProperties, 'options');
/** Timeouts, retries, breakers, stall and router options: the main node's Options, less Concurrency (n8n makes the calls). */
const resilienceOptions = (mainOptions.options as INodeProperties[]).filter(
	(o) => o.name !== 'concurrency',
);

const optionsCollection: INodeProperties = {
	...withoutOperation(mainOptions),
	options: [...modelOptionFields, ...chatOnlyOptions, ...resilienceOptions].sort((a, b) =>
		a.displayName.localeCompare(b.displayName),
	),
};

export const chatModelProperties: INodeProperties[] = [
	{
		displayName:
			'This node supplies a model to an AI Agent, a chain (Basic LLM Chain, Summarization Chain, ...) or an extractor: connect it to their Model input. Each call the root node makes is routed to the Ollama model that fits it.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	...modelProperties.map(withoutOperation),
	...cloudProperties.map(withoutOperation),
	withoutOperation(byName(inputProperties, 'taskType')),
	withoutOperation(byName(inputProperties, 'complexity')),
	...ruleProperties.map(withoutOperation),
	optionsCollection,
	...signalProperties.map(withoutOperation),
];
