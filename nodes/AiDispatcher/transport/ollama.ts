/**
 * Ollama's native API over an HttpPort: one function per endpoint, wire types in Ollama's own
 * naming, replies parsed and checked on arrival.
 */
import { TransportError } from '../engine/errors';
import type {
	GenerateCall,
	GenerateOutcome,
	HttpPort,
	LoadCall,
	OllamaLoaded,
	OllamaPort,
	OllamaTag,
} from '../engine/ports';
import type { ToolCall, Usage } from '../engine/types';
import { parseJson, settle } from '../engine/result';
import { parseParameterBillions } from './parameterSize';
import { joinUrl } from './url';
import { excerpt, MAX_ERROR_BODY_CHARS, readAll, readLines, readText, sizeLabel } from './body';
import { networkError, statusError } from './errors';
import { streamGeneration } from './stream';

/** The final NDJSON chunk's metrics (all durations in nanoseconds), as sent: checked in `usageFrom`. */
interface WireFinal {
	done?: unknown;
	done_reason?: unknown;
	total_duration?: unknown;
	load_duration?: unknown;
	prompt_eval_count?: unknown;
	prompt_eval_duration?: unknown;
	eval_count?: unknown;
	eval_duration?: unknown;
}

/** One NDJSON line, as sent: `parseChunk` checks the types. */
interface WireChunk extends WireFinal {
	response?: unknown;
	thinking?: unknown;
	message?: unknown;
	error?: unknown;
}

/** The longest reply text accepted from one generation, in characters (2 MiB: a 128k-token answer is ~0.5 MiB; four concurrent floods stay well under 300 MB of RSS on Node 24). */
export const MAX_REPLY_CHARS = 2 * 1024 * 1024;

/** The longest /api/tags, /api/ps or /api/version reply accepted, in characters (8 MiB; 100 models are ~50 KiB). */
export const MAX_METADATA_CHARS = 8 * 1024 * 1024;

/** Builds the OllamaPort the engine uses, on top of any HttpPort. */
export function createOllamaClient(http: HttpPort): OllamaPort {
	return {
		generate: (call) => generate(http, call),
		tags: (baseUrl, timeoutMs, cancel) => tags(http, baseUrl, timeoutMs, cancel),
		ps: (baseUrl, timeoutMs, cancel) => ps(http, baseUrl, timeoutMs, cancel),
		version: (baseUrl, timeoutMs, cancel) => version(http, baseUrl, timeoutMs, cancel),
		capabilities: (baseUrl, model, timeoutMs, cancel) =>
			capabilities(http, baseUrl, model, timeoutMs, cancel),
		ping: (baseUrl, timeoutMs, cancel) => ping(http, baseUrl, timeoutMs, cancel),
		load: (call) => load(http, call),
	};
}

/**
 * Streams one generation (/api/generate for a prompt, /api/chat for messages) within the call's
 * limits: `timeoutMs` in all (the HttpPort's deadline), `firstTokenTimeoutMs` to the first line,
 * `stallTimeoutMs` between lines, `MAX_REPLY_CHARS` of text and `MAX_LINE_CHARS` per line.
 */
export async function generate(http: HttpPort, call: GenerateCall): Promise<GenerateOutcome> {
	const { path, body } = wireRequest(call);
	return await streamGeneration(http, call, {
		url: joinUrl(call.baseUrl, path),
		body,
		statusError: async (response) =>
			statusError(response.status, await readText(response.body, MAX_ERROR_BODY_CHARS)),
		read: readStream,
	});
}

function wireRequest(call: GenerateCall): { path: string; body: Record<string, unknown> } {
	const common: Record<string, unknown> = { model: call.model, stream: true };
	if (Object.keys(call.options).length > 0) common.options = call.options;
	if (call.keepAlive !== undefined && call.keepAlive !== '') common.keep_alive = call.keepAlive;
	if (call.think !== undefined) common.think = call.think;
	if (call.format.type === 'json') common.format = 'json';
	if (call.format.type === 'jsonSchema') common.format = call.format.schema;

	if (call.messages && call.messages.length > 0) {
		const messages = call.system
			? [{ role: 'system', content: call.system }, ...call.messages]
			: call.messages;
		const tools = call.tools && call.tools.length > 0 ? { tools: call.tools } : {};
		return { path: '/api/chat', body: { ...common, messages, ...tools } };
	}
	const body: Record<string, unknown> = { ...common, prompt: call.prompt ?? '' };
	if (call.system) body.system = call.system;
	return { path: '/api/generate', body };
}

async function readStream(
	body: AsyncIterable<Uint8Array | string>,
	onLine: (charsSoFar: number) => void,
	onDelta?: (text: string) => void,
): Promise<GenerateOutcome> {
	const parts: string[] = [];
	const thoughts: string[] = [];
	const toolCalls: ToolCall[] = [];
	let chars = 0;
	for await (const line of readLines(body)) {
		const chunk = parseChunk(line);
		if (chunk.error !== undefined && chunk.error !== null) {
			throw new TransportError(
				'stream_error',
				`error in stream: ${typeof chunk.error === 'string' ? chunk.error : excerpt(JSON.stringify(chunk.error), 160)}`,
			);
		}
		const piece = chunkText(chunk, line);
		const thought = chunkThinking(chunk);
		chars += piece.length + thought.length;
		if (chars > MAX_REPLY_CHARS) {
			throw new TransportError(
				'too_large',
				`reply longer than ${sizeLabel(MAX_REPLY_CHARS)} without done:true (reply too large)`,
			);
		}
		if (piece.length > 0) parts.push(piece);
		if (thought.length > 0) thoughts.push(thought);
		toolCalls.push(...chunkToolCalls(chunk));
		onLine(chars);
		if (piece.length > 0) onDelta?.(piece);
		if (chunk.done === true) {
			const doneReason =
				typeof chunk.done_reason === 'string' ? { doneReason: chunk.done_reason } : {};
			const thinking = thoughts.length > 0 ? { thinking: thoughts.join('') } : {};
			return {
				text: parts.join(''),
				usage: usageFrom(chunk),
				...(toolCalls.length > 0 ? { toolCalls } : {}),
				...doneReason,
				...thinking,
			};
		}
	}
	throw new TransportError(
		'truncated',
		`stream ended without a done:true line after ${chars} characters`,
	);
}

/** The tool calls a chat line carries (none for /api/generate). */
function chunkToolCalls(chunk: WireChunk): ToolCall[] {
	const message = chunk.message;
	if (!message || typeof message !== 'object' || Array.isArray(message)) return [];
	return parseToolCalls((message as { tool_calls?: unknown }).tool_calls);
}

/** `message.tool_calls` of a chat chunk, checked: `[{ function: { name, arguments: {...} } }]`. */
export function parseToolCalls(wire: unknown): ToolCall[] {
	if (wire === undefined || wire === null) return [];
	if (!Array.isArray(wire))
		throw new TransportError(
			'garbage',
			`message.tool_calls is not an array: ${excerpt(JSON.stringify(wire), 80)}`,
		);
	return wire.map((entry, i) => {
		const fn = (entry as { function?: { name?: unknown; arguments?: unknown } } | null)?.function;
		if (!fn || typeof fn.name !== 'string' || fn.name === '') {
			throw new TransportError(
				'garbage',
				`message.tool_calls[${i}] has no function name: ${excerpt(JSON.stringify(entry), 80)}`,
			);
		}
		let args: unknown = fn.arguments ?? {};
		if (typeof args === 'string') {
			const parsed = parseJson(args);
			args = parsed.ok ? parsed.value : { input: args };
		}
		if (!args || typeof args !== 'object' || Array.isArray(args)) args = { input: args };
		return { function: { name: fn.name, arguments: args as Record<string, unknown> } };
	});
}

function parseChunk(line: string): WireChunk {
	const json = parseJson(line);
	if (!json.ok)
		throw new TransportError('garbage', `reply is not Ollama NDJSON: "${excerpt(line, 80)}"`);
	const parsed = json.value;
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new TransportError('garbage', `reply line is not a JSON object: "${excerpt(line, 80)}"`);
	}
	return parsed as WireChunk;
}

/** The text a line adds: `response` (/api/generate) or `message.content` (/api/chat), which must be strings. */
function chunkText(chunk: WireChunk, line: string): string {
	const wrongType = (field: string, value: unknown) =>
		new TransportError(
			'garbage',
			`reply line's "${field}" is ${describeType(value)}, not a string: "${excerpt(line, 80)}"`,
		);
	if (chunk.response !== undefined && chunk.response !== null) {
		if (typeof chunk.response !== 'string') throw wrongType('response', chunk.response);
		return chunk.response;
	}
	if (chunk.message !== undefined && chunk.message !== null) {
		if (typeof chunk.message !== 'object' || Array.isArray(chunk.message))
			throw wrongType('message', chunk.message);
		const content = (chunk.message as { content?: unknown }).content;
		if (content === undefined || content === null) return '';
		if (typeof content !== 'string') throw wrongType('message.content', content);
		return content;
	}
	return '';
}

/** The thinking text a line adds: `thinking` (/api/generate) or `message.thinking` (/api/chat); '' when absent or not a string. */
function chunkThinking(chunk: WireChunk): string {
	if (typeof chunk.thinking === 'string') return chunk.thinking;
	const message = chunk.message;
	if (!message || typeof message !== 'object' || Array.isArray(message)) return '';
	const thinking = (message as { thinking?: unknown }).thinking;
	return typeof thinking === 'string' ? thinking : '';
}

function describeType(value: unknown): string {
	if (Array.isArray(value)) return 'an array';
	if (value === null) return 'null';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Counts above this are not believed (no context window holds a billion tokens). */
const MAX_TOKEN_COUNT = 1e9;
/** Durations above this are not believed: 30 days, in nanoseconds. */
const MAX_DURATION_NS = 30 * 24 * 3600 * 1e9;
/** Decode speeds above this are not believed, in tokens per second. */
export const MAX_TOKENS_PER_S = 100_000;

/**
 * Converts Ollama's final-chunk metrics (nanoseconds) into the node's usage figures. A figure that
 * is missing, not a number, negative, not finite or absurd (a count over 1e9 or not whole, a
 * duration over 30 days, a speed over 100 000 tokens/s) becomes 0, "unknown", as if not sent.
 */
export function usageFrom(final: WireFinal): Usage {
	const evalCount = count(final.eval_count);
	const evalNs = duration(final.eval_duration);
	const tokensPerS = evalNs > 0 ? evalCount / (evalNs / 1e9) : 0;
	return {
		prompt_tokens: count(final.prompt_eval_count),
		completion_tokens: evalCount,
		total_ms: round1(duration(final.total_duration) / 1e6),
		load_ms: round1(duration(final.load_duration) / 1e6),
		tokens_per_s: tokensPerS <= MAX_TOKENS_PER_S ? round1(tokensPerS) : 0,
	};
}

/** `value` when it is a number `isKind` accepts, from 0 to `max`; else 0 (a server's figure not trusted). */
function within(value: unknown, isKind: (n: number) => boolean, max: number): number {
	return typeof value === 'number' && isKind(value) && value >= 0 && value <= max ? value : 0;
}

const count = (value: unknown) => within(value, Number.isInteger, MAX_TOKEN_COUNT);
const duration = (value: unknown) => within(value, Number.isFinite, MAX_DURATION_NS);

/** GET `url` (POST `body` when given) and parse the JSON reply. */
async function getJson(
	http: HttpPort,
	url: string,
	timeoutMs: number,
	cancel?: AbortSignal,
	body?: unknown,
): Promise<unknown> {
	const fetched = await settle(
		(async () => {
			const method = body === undefined ? 'GET' : 'POST';
			const response = await http({
				method,
				url,
				timeoutMs,
				abort: cancel,
				...(body === undefined ? {} : { body }),
			});
			if (response.status >= 300)
				return {
					status: response.status,
					text: await readText(response.body, MAX_ERROR_BODY_CHARS),
				};
			return {
				status: response.status,
				text: await readAll(response.body, MAX_METADATA_CHARS, url),
			};
		})(),
	);
	if (!fetched.ok) throw networkError(fetched.error, cancel?.aborted === true);
	const { status, text } = fetched.value;
	if (status >= 300) throw statusError(status, text);
	const parsed = parseJson(text);
	if (!parsed.ok)
		throw new TransportError('garbage', `${url} did not return JSON: "${excerpt(text, 80)}"`);
	return parsed.value;
}

function modelList(reply: unknown, url: string): Array<Record<string, unknown>> {
	const models = (reply as { models?: unknown } | null)?.models;
	if (!Array.isArray(models))
		throw new TransportError('garbage', `${url} returned no "models" array`);
	return models.filter(
		(m): m is Record<string, unknown> => !!m && typeof m === 'object' && typeof m.name === 'string',
	);
}

/** A metadata GET of one Ollama host, bounded by `timeoutMs` and stopped by `cancel`. */
export type MetadataGet<T> = (
	http: HttpPort,
	baseUrl: string,
	timeoutMs: number,
	cancel?: AbortSignal,
) => Promise<T>;

/** GET `path` and read its JSON reply with `read` (which throws `garbage` when a field is missing). */
function metadataGet<T>(path: string, read: (reply: unknown, url: string) => T): MetadataGet<T> {
	return async (http, baseUrl, timeoutMs, cancel) => {
		const url = joinUrl(baseUrl, path);
		return read(await getJson(http, url, timeoutMs, cancel), url);
	};
}

function tagOf(m: Record<string, unknown>): OllamaTag {
	const details = (m.details ?? {}) as Record<string, unknown>;
	const parameterSize = typeof details.parameter_size === 'string' ? details.parameter_size : '';
	return {
		name: m.name as string,
		sizeBytes: num(m.size),
		parameterSize,
		parameterBillions: parseParameterBillions(parameterSize),
		family: typeof details.family === 'string' ? details.family : '',
		quantization: typeof details.quantization_level === 'string' ? details.quantization_level : '',
	};
}

function loadedOf(m: Record<string, unknown>): OllamaLoaded {
	return {
		name: m.name as string,
		sizeBytes: num(m.size),
		sizeVramBytes: num(m.size_vram),
		expiresAt: typeof m.expires_at === 'string' ? m.expires_at : '',
	};
}

/** GET /api/tags: the installed models. */
export const tags = metadataGet('/api/tags', (reply, url) => modelList(reply, url).map(tagOf));

/** GET /api/ps: the models loaded in memory now. */
export const ps = metadataGet('/api/ps', (reply, url) => modelList(reply, url).map(loadedOf));

/** GET /api/version. */
export const version = metadataGet('/api/version', (reply, url) => {
	const found = (reply as { version?: unknown } | null)?.version;
	if (typeof found !== 'string')
		throw new TransportError('garbage', `${url} returned no "version"`);
	return found;
});

/** POST /api/show: what the model can do (`completion`, `tools`, `vision`, `thinking`, ...). */
export async function capabilities(
	http: HttpPort,
	baseUrl: string,
	model: string,
	timeoutMs: number,
	cancel?: AbortSignal,
): Promise<string[]> {
	const url = joinUrl(baseUrl, '/api/show');
	const list = (
		(await getJson(http, url, timeoutMs, cancel, { model })) as { capabilities?: unknown } | null
	)?.capabilities;
	if (!Array.isArray(list))
		throw new TransportError('garbage', `${url} returned no "capabilities" for ${model}`);
	return list.filter((c): c is string => typeof c === 'string');
}

/**
 * POST /api/generate without a prompt: Ollama loads the model (or, with `keep_alive: 0`, unloads it
 * once idle) and answers one JSON line. Resolves when Ollama has done it.
 */
export async function load(http: HttpPort, call: LoadCall): Promise<void> {
	const url = joinUrl(call.baseUrl, '/api/generate');
	const body: Record<string, unknown> = { model: call.model, stream: false };
	if (call.keepAlive !== undefined && call.keepAlive !== '') body.keep_alive = call.keepAlive;
	await getJson(http, url, call.timeoutMs, call.cancel, body);
}

/** GET /: Ollama answers "Ollama is running" at once, independent of models. Resolves on 200. */
export async function ping(
	http: HttpPort,
	baseUrl: string,
	timeoutMs: number,
	cancel?: AbortSignal,
): Promise<void> {
	const url = joinUrl(baseUrl, '/');
	const fetched = await settle(
		(async () => {
			const response = await http({ method: 'GET', url, timeoutMs, abort: cancel });
			return { status: response.status, text: await readText(response.body, 4_000) };
		})(),
	);
	if (!fetched.ok) throw networkError(fetched.error, cancel?.aborted === true);
	if (fetched.value.status !== 200) throw statusError(fetched.value.status, fetched.value.text);
}

function num(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function round1(value: number): number {
	return Math.round(value * 10) / 10;
}
