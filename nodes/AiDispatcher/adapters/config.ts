/**
 * Node parameters → validated engine inputs. Every error names the field and the bad value.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DispatcherError } from '../engine/errors';
import type { ChatMessage, DispatchRequest, ModelOptions, ModelSpec, OutputFormat, TaskType, Tier } from '../engine/types';
import { TASK_TYPES, TIERS } from '../engine/types';
import { DEFAULT_TIMEOUTS_MS } from '../engine/dispatch';

export type Operation = 'generate' | 'selectModel' | 'status';

/** Largest prompt accepted, in characters (about 250k tokens: beyond any local model's context). */
export const MAX_PROMPT_CHARS = 1_000_000;

const ROLES = ['system', 'user', 'assistant', 'tool'] as const;

function invalid(message: string, hint?: string): DispatcherError {
	return new DispatcherError('INPUT_INVALID', message, { hint });
}

function configInvalid(message: string, hint?: string): DispatcherError {
	return new DispatcherError('CONFIG_INVALID', message, { hint });
}

/** Shows a value in an error message: quoted, cut short, type named for non-strings. */
export function show(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
	if (value === null || value === undefined) return String(value);
	if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
	return `${typeof value} ${String(value)}`;
}

/** `value` when it is one of `allowed`; else a CONFIG_INVALID error naming `field` and the value. */
export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
	throw configInvalid(`${field} should be one of ${allowed.join(', ')}, got ${show(value)}`);
}

/** Strips characters a model never needs (NUL and other C0 controls except tab/newline/CR). */
export function cleanText(text: string): string {
	let clean = '';
	let start = 0;
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		const control = (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
		if (control) {
			clean += text.slice(start, i);
			start = i + 1;
		}
	}
	return start === 0 ? text : clean + text.slice(start);
}

function readText(field: string, value: unknown): string {
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (typeof value !== 'string') {
		throw invalid(`${field} should be text, got ${show(value)}`, `Map a text field into "${field}", e.g. {{ $json.body }}.`);
	}
	if (value.length > MAX_PROMPT_CHARS) {
		throw invalid(`${field} is ${value.length} characters long; the limit is ${MAX_PROMPT_CHARS}`, 'Shorten or split the text before this node.');
	}
	return cleanText(value);
}

/** Parses and checks the Messages parameter. */
export function parseMessages(value: unknown): ChatMessage[] {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch (error) {
			throw invalid(`messages is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (!Array.isArray(parsed)) throw invalid(`messages should be an array of {role, content}, got ${show(parsed)}`);
	if (parsed.length === 0) throw invalid('messages is empty', 'Provide at least one {"role": "user", "content": "..."}.');
	return parsed.map((entry, index) => {
		if (!entry || typeof entry !== 'object') throw invalid(`messages[${index}] should be an object, got ${show(entry)}`);
		const { role, content } = entry as { role?: unknown; content?: unknown };
		const checkedRole = (ROLES as readonly string[]).includes(String(role)) ? (role as ChatMessage['role']) : undefined;
		if (!checkedRole) throw invalid(`messages[${index}].role should be one of ${ROLES.join(', ')}, got ${show(role)}`);
		return { role: checkedRole, content: readText(`messages[${index}].content`, content ?? '') };
	});
}

function parseSchema(value: unknown): Record<string, unknown> {
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value) as unknown;
		} catch (error) {
			throw configInvalid(`jsonSchema is not valid JSON: ${(error as Error).message}`);
		}
	}
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw configInvalid(`jsonSchema should be a JSON object, got ${show(parsed)}`);
	}
	return parsed as Record<string, unknown>;
}

/** Reads one item's request from the node parameters. */
export function readRequest(ctx: IExecuteFunctions, itemIndex: number, operation: Operation): DispatchRequest {
	const inputMode = oneOf('inputMode', ctx.getNodeParameter('inputMode', itemIndex, 'prompt'), ['prompt', 'messages']);
	const task = oneOf<TaskType | 'auto'>('taskType', ctx.getNodeParameter('taskType', itemIndex, 'auto'), ['auto', ...TASK_TYPES]);
	const complexity = oneOf<Tier | 'auto'>('complexity', ctx.getNodeParameter('complexity', itemIndex, 'auto'), ['auto', ...TIERS]);

	let format: OutputFormat = { type: 'text' };
	let system: string | undefined;
	if (operation === 'generate') {
		const kind = oneOf('outputFormat', ctx.getNodeParameter('outputFormat', itemIndex, 'text'), ['text', 'json', 'jsonSchema']);
		format = kind === 'jsonSchema' ? { type: 'jsonSchema', schema: parseSchema(ctx.getNodeParameter('jsonSchema', itemIndex)) } : { type: kind };
		system = readText('systemPrompt', ctx.getNodeParameter('systemPrompt', itemIndex, '')) || undefined;
	}

	if (inputMode === 'messages') {
		return { messages: parseMessages(ctx.getNodeParameter('messages', itemIndex)), system, task, complexity, format };
	}
	const prompt = readText('prompt', ctx.getNodeParameter('prompt', itemIndex, ''));
	if (prompt.trim().length === 0) {
		throw invalid(
			`prompt is empty for item ${itemIndex}`,
			'The Prompt expression resolved to an empty text for this item: check the field it reads.',
		);
	}
	return { prompt, system, task, complexity, format };
}

/** Reads the per-tier timeouts from Options. */
export function readTimeouts(ctx: IExecuteFunctions, itemIndex: number): Record<Tier, number> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		low: positive('options.timeoutLowMs', options.timeoutLowMs, DEFAULT_TIMEOUTS_MS.low),
		medium: positive('options.timeoutMediumMs', options.timeoutMediumMs, DEFAULT_TIMEOUTS_MS.medium),
		high: positive('options.timeoutHighMs', options.timeoutHighMs, DEFAULT_TIMEOUTS_MS.high),
	};
}

function positive(field: string, value: unknown, fallback: number): number {
	if (value === undefined || value === null || value === '') return fallback;
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
		throw configInvalid(`${field} should be a positive number of milliseconds, got ${show(value)}`);
	}
	return n;
}

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._\-/]*(?::[A-Za-z0-9._-]+)?$/;

/** Reads and checks the Model List parameter. */
export function readModelList(ctx: IExecuteFunctions, itemIndex: number): ModelSpec[] {
	const collection = ctx.getNodeParameter('models', itemIndex, {}) as { model?: IDataObject[] };
	const entries = collection.model ?? [];
	if (entries.length === 0) {
		throw configInvalid('The model list is empty', 'Add at least one model, or choose "Auto-Discover".');
	}
	const seen = new Set<string>();
	return entries.map((entry, index) => {
		const field = `models[${index}]`;
		const name = typeof entry.name === 'string' ? entry.name.trim() : entry.name;
		if (typeof name !== 'string' || name === '') throw configInvalid(`${field}.name is empty`, 'Pick a model from the list.');
		if (!MODEL_NAME.test(name)) {
			throw configInvalid(
				`${field}.name ${show(name)} is not a valid Ollama model name`,
				'Model names look like "llama3.2:3b" or "namespace/model:tag", without spaces.',
			);
		}
		if (seen.has(name)) throw configInvalid(`${field}.name ${show(name)} is listed twice`);
		seen.add(name);
		const tier = oneOf<Tier>(`${field}.tier`, entry.tier ?? 'medium', TIERS);
		const tasksValue = entry.tasks ?? [];
		if (!Array.isArray(tasksValue)) throw configInvalid(`${field}.tasks should be a list, got ${show(tasksValue)}`);
		const tasks = tasksValue.map((t, i) => oneOf<TaskType>(`${field}.tasks[${i}]`, t, TASK_TYPES));
		return { name, tier, tasks, options: readModelOptions(field, (entry.modelOptions ?? {}) as IDataObject) };
	});
}

/** Checks a model options collection (temperature, num_predict, num_ctx, timeoutMs, keep_alive); errors name `field`. */
export function readModelOptions(field: string, raw: IDataObject): ModelOptions {
	const options: ModelOptions = {};
	const numeric = (key: 'temperature' | 'num_predict' | 'num_ctx' | 'timeoutMs', min: number) => {
		const value = raw[key];
		if (value === undefined || value === '') return;
		if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
			throw configInvalid(`${field}.modelOptions.${key} should be a number ≥ ${min}, got ${show(value)}`);
		}
		options[key] = value;
	};
	numeric('temperature', 0);
	numeric('num_predict', -1);
	numeric('num_ctx', 1);
	numeric('timeoutMs', 1);
	if (raw.keep_alive !== undefined && raw.keep_alive !== '') {
		const keepAlive = raw.keep_alive;
		const valid =
			typeof keepAlive === 'number' ||
			(typeof keepAlive === 'string' && /^-?\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))*$/.test(keepAlive));
		if (!valid) throw configInvalid(`${field}.modelOptions.keep_alive should be a duration like "5m" or seconds, got ${show(keepAlive)}`);
		options.keep_alive = typeof keepAlive === 'string' && /^-?\d+$/.test(keepAlive) ? Number(keepAlive) : keepAlive;
	}
	return options;
}

export interface ConnectionSettings {
	/** Ollama base URLs, without trailing slashes; the first is the primary. */
	baseUrls: string[];
	prometheusUrl: string | null;
}

/** Reads the credential's URLs (secrets stay in n8n: the HTTP helper applies them). */
export function readConnection(credentials: IDataObject): ConnectionSettings {
	const raw = String(credentials.baseUrl ?? '').trim();
	const baseUrls = raw
		.split(/[,\s]+/)
		.map((url) => url.trim().replace(/\/+$/, ''))
		.filter((url) => url.length > 0);
	if (baseUrls.length === 0) throw configInvalid('The credential has no Ollama Base URL', 'Set it, e.g. http://127.0.0.1:11434.');
	for (const url of baseUrls) {
		if (!/^https?:\/\/[^\s/]+/.test(url)) {
			throw configInvalid(`Ollama Base URL ${show(url)} is not an http(s) URL`, 'Use a URL like http://127.0.0.1:11434.');
		}
	}
	const prometheus = String(credentials.prometheusUrl ?? '').trim().replace(/\/+$/, '');
	return { baseUrls, prometheusUrl: prometheus === '' ? null : prometheus };
}
