/** Generate and chat requests: parsed and checked as Ollama's decoder does. */
import { checkFieldTypes, goJsonSyntaxError, jsonKind, parseKeepAlive } from './go';
import { HttpError } from './http';
import { isRecord, type JsonObject } from './json';

export type Endpoint = 'generate' | 'chat';

export interface ChatMessage {
	role: string;
	content: string;
}

/** A validated generate/chat request. */
export interface CompletionRequest {
	endpoint: Endpoint;
	model: string;
	/** generate: `prompt`; chat: the last user message. */
	prompt: string;
	system?: string;
	messages?: ChatMessage[];
	format?: unknown;
	/** chat: the `tools` offered, if any (see `tools.ts`). */
	tools?: unknown[];
	options: JsonObject;
	stream: boolean;
	/** Milliseconds; Infinity = forever; undefined = server default. */
	keepAliveMs?: number;
	/** Empty prompt / empty messages: only load (or unload) the model. */
	loadOnly: boolean;
	/** `think` as sent (bool or level), checked against the model in `thinking.ts`; undefined when absent. */
	think?: unknown;
}

export function decodeBody(raw: string, struct: string): JsonObject {
	if (raw.trim().length === 0) throw new HttpError(400, 'missing request body');
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		throw new HttpError(400, goJsonSyntaxError(raw));
	}
	if (value === null) return {};
	if (!isRecord(value)) {
		throw new HttpError(
			400,
			`json: cannot unmarshal ${jsonKind(value)} into Go value of type api.${struct}`,
		);
	}
	return value;
}

export function parseMessages(value: unknown): ChatMessage[] {
	if (!Array.isArray(value)) return [];
	return value.map((item) => {
		if (!isRecord(item)) {
			throw new HttpError(
				400,
				`json: cannot unmarshal ${jsonKind(item)} into Go struct field ChatRequest.messages of type api.Message`,
			);
		}
		for (const field of ['role', 'content']) {
			const v = item[field];
			if (v !== undefined && v !== null && typeof v !== 'string') {
				throw new HttpError(
					400,
					`json: cannot unmarshal ${jsonKind(v)} into Go struct field ChatRequest.messages.${field} of type string`,
				);
			}
		}
		return { role: String(item.role ?? ''), content: String(item.content ?? '') };
	});
}

export function parseGenerate(raw: string): CompletionRequest {
	const body = decodeBody(raw, 'GenerateRequest');
	checkFieldTypes(body, 'GenerateRequest', {
		model: 'string',
		prompt: 'string',
		system: 'string',
		stream: 'bool',
		options: 'map[string]interface {}',
	});
	const keepAliveMs = parseKeepAlive(body.keep_alive);
	const model = (body.model as string | undefined) ?? '';
	if (model === '') throw new HttpError(404, "model '' not found");
	const prompt = (body.prompt as string | undefined) ?? '';
	return {
		endpoint: 'generate',
		model,
		prompt,
		system: body.system as string | undefined,
		format: body.format,
		options: (body.options as JsonObject | undefined) ?? {},
		stream: body.stream !== false,
		keepAliveMs,
		loadOnly: prompt === '',
		think: body.think ?? undefined,
	};
}

export function parseChat(raw: string): CompletionRequest {
	const body = decodeBody(raw, 'ChatRequest');
	checkFieldTypes(body, 'ChatRequest', {
		model: 'string',
		messages: '[]api.Message',
		stream: 'bool',
		options: 'map[string]interface {}',
	});
	const messages = parseMessages(body.messages);
	const keepAliveMs = parseKeepAlive(body.keep_alive);
	const model = (body.model as string | undefined) ?? '';
	if (model === '') throw new HttpError(400, 'model is required');
	const lastUser = [...messages].reverse().find((m) => m.role === 'user');
	const systems = messages.filter((m) => m.role === 'system');
	return {
		endpoint: 'chat',
		model,
		prompt: lastUser?.content ?? '',
		system: systems.length > 0 ? systems[systems.length - 1].content : undefined,
		messages,
		format: body.format,
		tools: Array.isArray(body.tools) ? body.tools : undefined,
		options: (body.options as JsonObject | undefined) ?? {},
		stream: body.stream !== false,
		keepAliveMs,
		loadOnly: messages.length === 0,
		think: body.think ?? undefined,
	};
}

/** Prompt tokens ≈ ceil(characters / 4), at least 1. */
export function countPromptTokens(req: CompletionRequest): number {
	const texts = req.messages ? req.messages.map((m) => m.content) : [req.system ?? '', req.prompt];
	const chars = texts.reduce((sum, text) => sum + text.length, 0);
	return Math.max(1, Math.ceil(chars / 4));
}

/** `options.num_predict` as a token cap; negative or absent = unbounded. */
export function tokenCap(options: JsonObject): number {
	const value = options.num_predict;
	return typeof value === 'number' && value >= 0 ? Math.floor(value) : Infinity;
}
