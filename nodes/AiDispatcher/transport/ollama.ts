/**
 * Ollama's native API over an HttpPort: one function per endpoint, wire types in Ollama's own
 * naming, replies parsed and checked on arrival.
 */
import { TransportError } from '../engine/errors';
import type { GenerateCall, GenerateOutcome, HttpPort, OllamaLoaded, OllamaPort, OllamaTag } from '../engine/ports';
import type { Usage } from '../engine/types';
import { parseJson, settle } from '../engine/result';
import { parseParameterBillions } from './parameterSize';
import { joinUrl } from './url';
import { excerpt, readLines, readText } from './body';
import { networkError, statusError } from './errors';
import { beforeFirstToken, startFirstTokenTimer } from './firstToken';

/** The final NDJSON chunk's metrics (all durations in nanoseconds). */
interface WireFinal {
	done?: boolean;
	done_reason?: string;
	total_duration?: number;
	load_duration?: number;
	prompt_eval_count?: number;
	prompt_eval_duration?: number;
	eval_count?: number;
	eval_duration?: number;
}

interface WireChunk extends WireFinal {
	response?: string;
	message?: { content?: string };
	error?: string;
}

/** Builds the OllamaPort the engine uses, on top of any HttpPort. */
export function createOllamaClient(http: HttpPort): OllamaPort {
	return {
		generate: (call) => generate(http, call),
		tags: (baseUrl, timeoutMs, signal) => tags(http, baseUrl, timeoutMs, signal),
		ps: (baseUrl, timeoutMs, signal) => ps(http, baseUrl, timeoutMs, signal),
		version: (baseUrl, timeoutMs, signal) => version(http, baseUrl, timeoutMs, signal),
		ping: (baseUrl, timeoutMs, signal) => ping(http, baseUrl, timeoutMs, signal),
	};
}

/** Streams one generation (/api/generate for a prompt, /api/chat for messages). */
export async function generate(http: HttpPort, call: GenerateCall): Promise<GenerateOutcome> {
	const { path, body } = wireRequest(call);
	const firstToken = startFirstTokenTimer(call.firstTokenTimeoutMs, call.signal);
	const outcome = await settle(
		beforeFirstToken(
			firstToken,
			(async () => {
				const url = joinUrl(call.baseUrl, path);
				const response = await http({ method: 'POST', url, body, timeoutMs: call.timeoutMs, signal: firstToken.signal });
				if (response.status >= 300) throw statusError(response.status, await readText(response.body, 64_000));
				return await readStream(response.body, firstToken.arrived);
			})(),
		),
	);
	firstToken.arrived();
	if (!outcome.ok) throw networkError(outcome.error, call.signal?.aborted === true);
	return outcome.value;
}

function wireRequest(call: GenerateCall): { path: string; body: Record<string, unknown> } {
	const common: Record<string, unknown> = { model: call.model, stream: true };
	if (Object.keys(call.options).length > 0) common.options = call.options;
	if (call.keepAlive !== undefined && call.keepAlive !== '') common.keep_alive = call.keepAlive;
	if (call.format.type === 'json') common.format = 'json';
	if (call.format.type === 'jsonSchema') common.format = call.format.schema;

	if (call.messages && call.messages.length > 0) {
		const messages = call.system ? [{ role: 'system', content: call.system }, ...call.messages] : call.messages;
		return { path: '/api/chat', body: { ...common, messages } };
	}
	const body: Record<string, unknown> = { ...common, prompt: call.prompt ?? '' };
	if (call.system) body.system = call.system;
	return { path: '/api/generate', body };
}

async function readStream(body: AsyncIterable<Uint8Array | string>, onFirstLine: () => void): Promise<GenerateOutcome> {
	let text = '';
	for await (const line of readLines(body)) {
		onFirstLine();
		const chunk = parseChunk(line);
		if (typeof chunk.error === 'string') throw new TransportError('stream_error', `error in stream: ${chunk.error}`);
		text += chunk.response ?? chunk.message?.content ?? '';
		if (chunk.done === true) return { text, usage: usageFrom(chunk) };
	}
	throw new TransportError('truncated', `stream ended without a done:true line after ${text.length} characters`);
}

function parseChunk(line: string): WireChunk {
	const json = parseJson(line);
	if (!json.ok) throw new TransportError('garbage', `reply is not Ollama NDJSON: "${excerpt(line, 80)}"`);
	const parsed = json.value;
	if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
		throw new TransportError('garbage', `reply line is not a JSON object: "${excerpt(line, 80)}"`);
	}
	return parsed as WireChunk;
}

/** Converts Ollama's final-chunk metrics (nanoseconds) into the node's usage figures. */
export function usageFrom(final: WireFinal): Usage {
	const evalCount = num(final.eval_count);
	const evalNs = num(final.eval_duration);
	return {
		prompt_tokens: num(final.prompt_eval_count),
		completion_tokens: evalCount,
		total_ms: round1(num(final.total_duration) / 1e6),
		load_ms: round1(num(final.load_duration) / 1e6),
		tokens_per_s: evalNs > 0 ? round1(evalCount / (evalNs / 1e9)) : 0,
	};
}

async function getJson(http: HttpPort, url: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
	const fetched = await settle(
		(async () => {
			const response = await http({ method: 'GET', url, timeoutMs, signal });
			return { status: response.status, text: await readText(response.body) };
		})(),
	);
	if (!fetched.ok) throw networkError(fetched.error, signal?.aborted === true);
	const { status, text } = fetched.value;
	if (status >= 300) throw statusError(status, text);
	const parsed = parseJson(text);
	if (!parsed.ok) throw new TransportError('garbage', `${url} did not return JSON: "${excerpt(text, 80)}"`);
	return parsed.value;
}

function modelList(reply: unknown, url: string): Array<Record<string, unknown>> {
	const models = (reply as { models?: unknown } | null)?.models;
	if (!Array.isArray(models)) throw new TransportError('garbage', `${url} returned no "models" array`);
	return models.filter((m): m is Record<string, unknown> => !!m && typeof m === 'object' && typeof m.name === 'string');
}

/** GET /api/tags: the installed models. */
export async function tags(http: HttpPort, baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<OllamaTag[]> {
	const url = joinUrl(baseUrl, '/api/tags');
	return modelList(await getJson(http, url, timeoutMs, signal), url).map((m) => {
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
	});
}

/** GET /api/ps: the models loaded in memory now. */
export async function ps(http: HttpPort, baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<OllamaLoaded[]> {
	const url = joinUrl(baseUrl, '/api/ps');
	return modelList(await getJson(http, url, timeoutMs, signal), url).map((m) => ({
		name: m.name as string,
		sizeBytes: num(m.size),
		sizeVramBytes: num(m.size_vram),
		expiresAt: typeof m.expires_at === 'string' ? m.expires_at : '',
	}));
}

/** GET /api/version. */
export async function version(http: HttpPort, baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<string> {
	const url = joinUrl(baseUrl, '/api/version');
	const reply = (await getJson(http, url, timeoutMs, signal)) as { version?: unknown } | null;
	if (typeof reply?.version !== 'string') throw new TransportError('garbage', `${url} returned no "version"`);
	return reply.version;
}

/** GET /: Ollama answers "Ollama is running" at once, independent of models. Resolves on 200. */
export async function ping(http: HttpPort, baseUrl: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
	const url = joinUrl(baseUrl, '/');
	const fetched = await settle(
		(async () => {
			const response = await http({ method: 'GET', url, timeoutMs, signal });
			return { status: response.status, text: await readText(response.body, 4_000) };
		})(),
	);
	if (!fetched.ok) throw networkError(fetched.error, signal?.aborted === true);
	if (fetched.value.status !== 200) throw statusError(fetched.value.status, fetched.value.text);
}

function num(value: unknown): number {
	return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function round1(value: number): number {
	return Math.round(value * 10) / 10;
}
