/**
 * The chat model's own parameters (the ones the main node does not have, or reads from other
 * fields), read once per `supplyData`: task, complexity forcing, reply format and the Ollama
 * options of the Options collection. Models, rules, signals and resilience are read by the main
 * node's readers (see `dispatchCall.ts`).
 */
import type { IDataObject } from 'n8n-workflow';

import { readTaskAndComplexity, type ParameterSource } from '../../AiDispatcher/adapters/config';
import { readChoice, readKeepAlive, readNumber } from '../../AiDispatcher/adapters/fields';
import { readOllamaOptions } from '../../AiDispatcher/adapters/modelOptions';
import { ollamaModelOptions } from '../../AiDispatcher/description/ollamaOptions';
import type { ModelOptions, OutputFormat, TaskType, Tier } from '../../AiDispatcher/engine/types';

export interface ChatSettings {
	task: TaskType | 'auto';
	complexity: Tier | 'auto';
	format: OutputFormat;
	/** Defaults under each model's own options: temperature, num_predict, num_ctx, top_k, top_p, keep_alive, think and the other Ollama options. */
	modelDefaults: ModelOptions;
}

export function readChatSettings(ctx: ParameterSource, itemIndex: number): ChatSettings {
	const { task, complexity } = readTaskAndComplexity(ctx, itemIndex);
	const options = (ctx.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
	const format = readChoice('Options › Output Format', options.format ?? 'default', [
		'default',
		'json',
	]);
	return {
		task,
		complexity,
		format: { type: format === 'json' ? 'json' : 'text' },
		modelDefaults: {
			...readModelDefaults(options),
			...defined('top_k', readNumber('Options › Top K', options.topK, { min: 1 })),
			...defined('top_p', readNumber('Options › Top P', options.topP, { min: 0, max: 1 })),
		},
	};
}

/** The Options fields that default each model's own options, with the main node's rules. */
function readModelDefaults(options: IDataObject): ModelOptions {
	const defaults: ModelOptions = {};
	const numeric = (key: 'temperature' | 'num_predict' | 'num_ctx', label: string, min: number) => {
		const value = readNumber(`Options › ${label}`, options[key], { min });
		if (value !== undefined) defaults[key] = value;
	};
	numeric('temperature', 'Sampling Temperature', 0);
	numeric('num_predict', 'Max Tokens', -1);
	numeric('num_ctx', 'Context Length', 1);
	const keepAlive = readKeepAlive('Options › Keep Alive', options.keep_alive);
	if (keepAlive !== undefined) defaults.keep_alive = keepAlive;
	return {
		...defaults,
		...readOllamaOptions(
			options,
			(key) => `Options › ${ollamaModelOptions.find((o) => o.name === key)?.displayName ?? key}`,
		),
	};
}

function defined(key: string, value: number | undefined): Record<string, number> {
	return value === undefined ? {} : { [key]: value };
}

/**
 * What the root node asks for this call (the SDK's ChatModelConfig, or LangChain's call options the
 * SDK passes through), in Ollama's option names. Unknown or invalid values are left out.
 */
export function callConfigOptions(
	config: Record<string, unknown> | undefined,
): Record<string, unknown> {
	if (!config) return {};
	const out: Record<string, unknown> = {};
	const num = (from: string, to: string) => {
		const v = config[from];
		if (typeof v === 'number' && Number.isFinite(v)) out[to] = v;
	};
	num('temperature', 'temperature');
	num('maxTokens', 'num_predict');
	num('topP', 'top_p');
	num('topK', 'top_k');
	num('seed', 'seed');
	num('presencePenalty', 'presence_penalty');
	num('frequencyPenalty', 'frequency_penalty');
	const stop = config.stopSequences ?? config.stop;
	if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === 'string'))
		out.stop = stop;
	return out;
}

/** The call's cancel: the SDK's `abortSignal`, or LangChain's `signal`. */
export function callCancel(config: Record<string, unknown> | undefined): AbortSignal | undefined {
	const cancel = config?.abortSignal ?? config?.signal;
	return cancel instanceof AbortSignal ? cancel : undefined;
}
