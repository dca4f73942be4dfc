/**
 * Node parameters → validated engine inputs. Every error names the field and the bad value.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type {
	ChatMessage,
	DispatchRequest,
	ModelOptions,
	ModelSpec,
	OutputFormat,
	TaskType,
	Tier,
} from '../engine/types';
import { TASK_TYPES, TIERS } from '../engine/types';
import { readModelBackend, type OpenAiEndpoint } from './endpoint';
import { readOllamaOptions } from './modelOptions';
import {
	configInvalid,
	fieldLabel,
	filledRows,
	inputInvalid as invalid,
	readChoice,
	readJsonOrValue,
	readKeepAlive,
	readNumber,
	show,
	labelOf,
	type Field,
	type FieldPath,
} from './fields';

export type Operation = 'generate' | 'selectModel' | 'status';

/** Largest prompt accepted, in characters (about 250k tokens: beyond any local model's context). */
export const MAX_PROMPT_CHARS = 1_000_000;

const ROLES = ['system', 'user', 'assistant', 'tool'] as const;

/** The options of a node parameter's choice list, checked with its panel label. */
function choice<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
	return readChoice([name], value, allowed);
}

/** Strips characters a model never needs (NUL and other C0 controls except tab/newline/CR). */
export function cleanText(text: string): string {
	let clean = '';
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		const control =
			(code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
		if (control) {
			clean += text.slice(start, i);
			start = i + 1;
		}
	}
	return start === 0 ? text : clean + text.slice(start);
}

function readText(field: Field, value: unknown): string {
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (typeof value !== 'string') {
		const label = labelOf(field);
		throw invalid(
			`${label} should be text, got ${show(value)}`,
			`Map a text field into "${label}", e.g. {{ $json.body }}.`,
		);
	}
	if (value.length > MAX_PROMPT_CHARS) {
		throw invalid(
			`${labelOf(field)} is ${value.length} characters long; the limit is ${MAX_PROMPT_CHARS}`,
			'Shorten or split the text before this node.',
		);
	}
	return cleanText(value);
}

/** Parses and checks the Messages parameter. */
export function parseMessages(value: unknown): ChatMessage[] {
	const label = fieldLabel(['messages']);
	const parsed = readJsonOrValue(label, value, invalid);
	if (!Array.isArray(parsed))
		throw invalid(`${label} should be an array of {role, content}, got ${show(parsed)}`);
	if (parsed.length === 0)
		throw invalid(`${label} is empty`, 'Provide at least one {"role": "user", "content": "..."}.');
	return parsed.map((entry, index) => {
		if (!entry || typeof entry !== 'object')
			throw invalid(`${label} #${index + 1} should be an object, got ${show(entry)}`);
		const { role, content } = entry as { role?: unknown; content?: unknown };
		const checkedRole = (ROLES as readonly string[]).includes(String(role))
			? (role as ChatMessage['role'])
			: undefined;
		if (!checkedRole)
			throw invalid(
				`${label} #${index + 1} › role should be one of ${ROLES.join(', ')}, got ${show(role)}`,
			);
		return {
			role: checkedRole,
			content: readText(`${label} #${index + 1} › content`, content ?? ''),
		};
	});
}

function parseSchema(value: unknown): Record<string, unknown> {
	const label = fieldLabel(['jsonSchema']);
	const parsed = readJsonOrValue(label, value);
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw configInvalid(`${label} should be a JSON object, got ${show(parsed)}`);
	}
	return parsed as Record<string, unknown>;
}

/** The subset of n8n's context a parameter reader needs (both nodes' contexts have it). */
export interface ParameterSource {
	getNodeParameter(name: string, itemIndex: number, fallback?: unknown): unknown;
}

/** The item's Task Type and Complexity (forced tier or auto), for both nodes. */
export function readTaskAndComplexity(
	ctx: ParameterSource,
	itemIndex: number,
): { task: TaskType | 'auto'; complexity: Tier | 'auto' } {
	return {
		task: choice('taskType', ctx.getNodeParameter('taskType', itemIndex, 'auto'), [
			'auto',
			...TASK_TYPES,
		]),
		complexity: choice('complexity', ctx.getNodeParameter('complexity', itemIndex, 'auto'), [
			'auto',
			...TIERS,
		]),
	};
}

/** Reads one item's request from the node parameters. */
export function readRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	operation: Operation,
): DispatchRequest {
	const inputMode = choice('inputMode', ctx.getNodeParameter('inputMode', itemIndex, 'prompt'), [
		'prompt',
		'messages',
	]);
	const { task, complexity } = readTaskAndComplexity(ctx, itemIndex);

	let format: OutputFormat = { type: 'text' };
	let system: string | undefined;
	if (operation === 'generate') {
		const kind = choice('outputFormat', ctx.getNodeParameter('outputFormat', itemIndex, 'text'), [
			'text',
			'json',
			'jsonSchema',
		]);
		format =
			kind === 'jsonSchema'
				? { type: 'jsonSchema', schema: parseSchema(ctx.getNodeParameter('jsonSchema', itemIndex)) }
				: { type: kind };
		system =
			readText(['systemPrompt'], ctx.getNodeParameter('systemPrompt', itemIndex, '')) || undefined;
	}

	if (inputMode === 'messages') {
		return {
			messages: parseMessages(ctx.getNodeParameter('messages', itemIndex)),
			system,
			task,
			complexity,
			format,
		};
	}
	// An empty prompt is refused by the engine (`requireText`), for every caller alike.
	const prompt = readText(['prompt'], ctx.getNodeParameter('prompt', itemIndex, ''));
	return { prompt, system, task, complexity, format };
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/]*(?::[A-Za-z0-9._-]+)?$/;

/** Reads and checks the Model List parameter; rows left without a model name are ignored. */
export function readModelList(
	ctx: IExecuteFunctions,
	itemIndex: number,
	endpoint?: OpenAiEndpoint,
): ModelSpec[] {
	const collection = ctx.getNodeParameter('models', itemIndex, {}) as { model?: unknown };
	const rows = filledRows<IDataObject>(['models', 'model'], collection.model, ['name']);
	if (rows.length === 0) {
		throw configInvalid(
			`${fieldLabel(['models'])} is empty`,
			'Add at least one model, or choose "Auto-Discover".',
		);
	}
	const seen = new Set<string>();
	return rows.map(({ row: entry, index }) => {
		const path = (...rest: Array<string | number>): FieldPath => [
			'models',
			'model',
			index,
			...rest,
		];
		const at = (...rest: Array<string | number>) => fieldLabel(path(...rest));
		const name = typeof entry.name === 'string' ? entry.name.trim() : entry.name;
		if (typeof name !== 'string' || !MODEL_NAME.test(name)) {
			throw configInvalid(
				`${at('name')} ${show(name)} is not a valid Ollama model name`,
				'Model names look like "llama3.2:3b" or "namespace/model:tag", without spaces.',
			);
		}
		if (seen.has(name)) throw configInvalid(`${at('name')} ${show(name)} is listed twice`);
		seen.add(name);
		const tier = readChoice<Tier>(path('tier'), entry.tier ?? 'medium', TIERS);
		const tasksValue = entry.tasks ?? [];
		if (!Array.isArray(tasksValue))
			throw configInvalid(`${at('tasks')} should be a list, got ${show(tasksValue)}`);
		const tasks = tasksValue.map((t) => readChoice<TaskType>(path('tasks'), t, TASK_TYPES));
		const backend = readModelBackend(entry, path, endpoint);
		return {
			name,
			tier,
			tasks,
			options: readModelOptions((entry.modelOptions ?? {}) as IDataObject, (key) =>
				path('modelOptions', key),
			),
			...(backend ? { backend } : {}),
		};
	});
}

function readModelOptions(raw: IDataObject, at: (key: string) => FieldPath): ModelOptions {
	const options: ModelOptions = {};
	const numeric = (key: 'temperature' | 'num_predict' | 'num_ctx' | 'timeoutMs', min: number) => {
		const value = readNumber(at(key), raw[key], { min });
		if (value !== undefined) options[key] = value;
	};
	numeric('temperature', 0);
	numeric('num_predict', -1);
	numeric('num_ctx', 1);
	numeric('timeoutMs', 1);
	const keepAlive = readKeepAlive(at('keep_alive'), raw.keep_alive);
	if (keepAlive !== undefined) options.keep_alive = keepAlive;
	return { ...options, ...readOllamaOptions(raw, at) };
}

export interface ConnectionSettings {
	/** Ollama base URLs, without trailing slashes; the first is the primary. */
	baseUrls: string[];
	prometheusUrl: string | null;
	/** Where metrics are pushed, as typed (checked when pushing: a bad URL never fails an item). */
	pushgatewayUrl: string | null;
	/** The pushed metrics' instance label; null: one per process. */
	metricsInstance: string | null;
}

/** Reads the credential's URLs (secrets stay in n8n: the HTTP helper applies them). */
export function readConnection(credentials: IDataObject): ConnectionSettings {
	const raw = String(credentials.baseUrl ?? '').trim();
	const baseUrls = raw
		.split(/[,\s]+/)
		.map((url) => url.trim().replace(/\/+$/, ''))
		.filter((url) => url.length > 0);
	if (baseUrls.length === 0)
		throw configInvalid(
			'The credential has no Ollama Base URL',
			'Set it, e.g. http://127.0.0.1:11434.',
		);
	for (const url of baseUrls) {
		if (!/^https?:\/\/[^\s/]+/.test(url)) {
			throw configInvalid(
				`Ollama Base URL ${show(url)} is not an http(s) URL`,
				'Use a URL like http://127.0.0.1:11434.',
			);
		}
	}
	const prometheus = String(credentials.prometheusUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	const pushgateway = String(credentials.pushgatewayUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
	const instance = String(credentials.metricsInstance ?? '').trim();
	return {
		baseUrls,
		prometheusUrl: prometheus === '' ? null : prometheus,
		pushgatewayUrl: pushgateway === '' ? null : pushgateway,
		metricsInstance: instance === '' ? null : instance,
	};
}
