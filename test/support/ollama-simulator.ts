/**
 * An in-process simulator of the native Ollama HTTP API, for unit tests, benchmarks and `npm start`.
 *
 * It reproduces the wire format, error texts, queueing and latencies documented in
 * `/work/shared/reference/ollama-and-prometheus-api.md` (sections 1, 2, 5 and 6): NDJSON streaming,
 * final-chunk metrics in integer nanoseconds, `load_duration` that includes the queue wait,
 * `OLLAMA_NUM_PARALLEL` slots, the `OLLAMA_MAX_QUEUE` 503, keep-alive and LRU unloading.
 * On top of that it injects faults per model, exports Prometheus metrics derived from its live state,
 * and offers `/__sim/*` control endpoints for other processes.
 *
 * Node standard library only.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { simCapabilities, toolTurn, unsupportedToolsError } from './simulator-tools';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** A model the simulator knows, with its on-disk facts and its simulated speed. */
export interface SimModel {
	/** Full name with tag, e.g. `llama3.2:3b`. */
	name: string;
	/** Ollama's `details.parameter_size`, e.g. `"3.2B"`. */
	parameterSize: string;
	/** On-disk size in bytes (`/api/tags` `size`). */
	sizeBytes: number;
	/** `details.family`, e.g. `llama`. */
	family: string;
	/** `details.quantization_level`, e.g. `Q4_K_M`. */
	quantization: string;
	/** Cold-load time in milliseconds (before `timeScale`). */
	loadMs: number;
	/** Prefill rate (prompt tokens per second). */
	promptTokensPerS: number;
	/** Decode rate (generated tokens per second). */
	tokensPerS: number;
	/** Resident size when loaded (`/api/ps` `size`); default `sizeBytes * 1.15`. */
	vramBytes?: number;
	/** `/api/show` capabilities; default: see `simulator-tools.ts` (no `tools` for the phi3 family). */
	capabilities?: string[];
}

/** The kinds of failure the simulator can inject. See {@link FaultSpec}. */
export type FaultKind =
	| 'reset'
	| 'http500'
	| 'busy'
	| 'hang'
	| 'midstream'
	| 'truncated'
	| 'garbage'
	| 'notfound'
	| 'oom'
	| 'empty'
	| 'badjson'
	| 'slow';

/** One fault to inject into generate/chat requests for a model. */
export interface FaultSpec {
	kind: FaultKind;
	/** Probability 0..1 per request, drawn from the seeded PRNG; default 1. */
	rate?: number;
	/** For `slow`: latency multiplier, default 10. */
	factor?: number;
}

/** Options of {@link startOllamaSimulator}. */
export interface SimulatorOptions {
	/** 0 (default) = random free port; the host is always 127.0.0.1. */
	port?: number;
	/** Default: {@link DEFAULT_SIM_MODELS}. */
	models?: SimModel[];
	/** Multiplies every simulated latency; default 1; tests use e.g. 0.001..0.05. */
	timeScale?: number;
	/** Concurrent generation slots per loaded model (OLLAMA_NUM_PARALLEL), default 1. */
	numParallel?: number;
	/**
	 * OLLAMA_MAX_QUEUE, default 512. As in Ollama, it bounds the scheduler queue: requests waiting for a
	 * model that is not loaded yet (loads are serialised). Beyond it requests get the fast 503.
	 * Requests for an already loaded model wait for a slot without limit and are never rejected.
	 */
	maxQueue?: number;
	/** Default 3; the least recently used idle model is unloaded to make room. */
	maxLoadedModels?: number;
	/** Default 5 min (real time, not scaled); 0 = unload right after; negative = forever. */
	keepAliveMs?: number;
	/** Models already loaded at start. */
	preloaded?: string[];
	/** If set, `/metrics` exports DCGM_FI_DEV_FB_FREE / _USED (MiB) and `/api/ps` reports `size_vram`. */
	gpuMemoryBytes?: number;
	/** Seeds the PRNG used for fault rates (deterministic), default 42. */
	seed?: number;
	/** Faults per model name. */
	faults?: Record<string, FaultSpec | FaultSpec[]>;
	/** Produces the reply text; default: `"[<model>] "` + the subject (if any) and the first 12 words of the content (the last user text, past its first paragraph when it has several). */
	respond?: (req: {
		model: string;
		prompt: string;
		system?: string;
		messages?: { role: string; content: string }[];
		format?: unknown;
	}) => string;
}

/** Counters since start or the last reset. Control endpoints (`/__sim/*`) are not counted. */
export interface SimStats {
	/** HTTP requests by endpoint path. */
	requests: Record<string, number>;
	/** Generate/chat attempts by model, including faulted ones (not load-only calls). */
	generations: Record<string, number>;
	/** Requests whose behaviour a fault changed, by model. */
	faultsInjected: Record<string, number>;
	/** Highest number of requests generating at once, by model. */
	maxInFlight: Record<string, number>;
	/** Cold loads by model. */
	loads: Record<string, number>;
}

/** A running simulator. */
export interface OllamaSimulator {
	/** `http://127.0.0.1:<port>` */
	url: string;
	port: number;
	/** Replaces the faults of one model; `null` clears them. */
	setFault(model: string, fault: FaultSpec | FaultSpec[] | null): void;
	/** Clears the faults of all models. */
	clearFaults(): void;
	/** `true`: stop listening (connections refused, open ones destroyed); `false`: listen again on the same port. */
	setServerDown(down: boolean): Promise<void>;
	stats(): SimStats;
	resetStats(): void;
	/** Names of the models currently loaded. */
	loadedModels(): string[];
	/** Destroys open sockets (including hung requests) and stops every timer. */
	close(): Promise<void>;
}

/**
 * Three CPU-class models with realistic relative speeds (reference §5): the small models decode several
 * times faster than the 7B, and cold loads take seconds.
 */
export const DEFAULT_SIM_MODELS: SimModel[] = [
	{
		name: 'phi3:mini',
		parameterSize: '3.8B',
		sizeBytes: 2_176_178_913,
		family: 'phi3',
		quantization: 'Q4_0',
		loadMs: 1500,
		promptTokensPerS: 400,
		tokensPerS: 45,
	},
	{
		name: 'llama3.2:3b',
		parameterSize: '3.2B',
		sizeBytes: 2_019_393_189,
		family: 'llama',
		quantization: 'Q4_K_M',
		loadMs: 1500,
		promptTokensPerS: 350,
		tokensPerS: 40,
	},
	{
		name: 'qwen2.5:7b',
		parameterSize: '7.6B',
		sizeBytes: 4_683_075_271,
		family: 'qwen2',
		quantization: 'Q4_K_M',
		loadMs: 4000,
		promptTokensPerS: 120,
		tokensPerS: 12,
	},
];

// ---------------------------------------------------------------------------------------------
// Constants: exact Ollama texts and tunables
// ---------------------------------------------------------------------------------------------

const OLLAMA_VERSION = '0.12.6';
const HOST = '127.0.0.1';
const ERR_BUSY = 'server busy, please try again.  maximum pending requests exceeded';
const ERR_RUNNER_STOPPED =
	'model runner has unexpectedly stopped, this may be due to resource limitations or an internal error, check ollama server logs for details';
const ERR_MIDSTREAM = 'an error was encountered while running the model: unexpected EOF';
const ERR_OOM = 'model requires more system memory (5.0 GiB) than is available (3.9 GiB)';
const GARBAGE_BODY = '<html>\n<head><title>502 Bad Gateway</title></head>\n<body>502 Bad Gateway</body>\n</html>\n';
const CONTENT_JSON = 'application/json; charset=utf-8';
const CONTENT_NDJSON = 'application/x-ndjson';
const CONTENT_TEXT = 'text/plain; charset=utf-8';
const CONTENT_METRICS = 'text/plain; version=0.0.4; charset=utf-8';
/** Below this timer interval, several tokens are emitted per tick. */
const MIN_TICK_MS = 2;
/** Tokens sent before a `midstream` / `truncated` fault strikes. */
const FAULT_TOKENS = 3;
const SUMMARY_WORDS = 12;
const CONTEXT_LENGTH = 4096;
const VRAM_FACTOR = 1.15;
const FOREVER_MS = 292 * 365.25 * 24 * 3600 * 1000;
/** Longest delay setTimeout accepts; longer keep-alives behave as "forever". */
const MAX_TIMER_MS = 2 ** 31 - 1;
const HISTOGRAM_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const FAULT_KINDS: readonly FaultKind[] = [
	'reset',
	'http500',
	'busy',
	'hang',
	'midstream',
	'truncated',
	'garbage',
	'notfound',
	'oom',
	'empty',
	'badjson',
	'slow',
];

// ---------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;

/** Thrown by waits when the request or the simulator went away. */
class AbortedError extends Error {
	constructor() {
		super('aborted');
	}
}

/** An error with an HTTP status, answered as `{"error": message}`. */
class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

function isRecord(value: unknown): value is JsonObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Mulberry32: a tiny deterministic PRNG returning numbers in [0, 1). */
function createPrng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Resolves after `ms`, rejects with {@link AbortedError} as soon as `signal` aborts (timer cleared). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
	if (signal.aborted) return Promise.reject(new AbortedError());
	return new Promise((resolve, reject) => {
		const onAbort = (): void => {
			clearTimeout(timer);
			reject(new AbortedError());
		};
		const timer = setTimeout(() => {
			signal.removeEventListener('abort', onAbort);
			resolve();
		}, Math.max(0, ms));
		signal.addEventListener('abort', onAbort, { once: true });
	});
}

/** Resolves only when `signal` aborts (then rejects); used by the `hang` fault. */
function waitForAbort(signal: AbortSignal): Promise<never> {
	return new Promise((_resolve, reject) => {
		if (signal.aborted) reject(new AbortedError());
		else signal.addEventListener('abort', () => reject(new AbortedError()), { once: true });
	});
}

/** Monotonic clock in nanoseconds. */
function nowNs(): bigint {
	return process.hrtime.bigint();
}

function nsBetween(from: bigint, to: bigint): number {
	return Number(to - from);
}

/** FIFO of waiters that can be woken one at a time or all at once; aborted waiters leave the queue. */
class WaitQueue {
	private waiters: Array<() => void> = [];

	get length(): number {
		return this.waiters.length;
	}

	wait(signal: AbortSignal): Promise<void> {
		if (signal.aborted) return Promise.reject(new AbortedError());
		return new Promise((resolve, reject) => {
			const wake = (): void => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			};
			const onAbort = (): void => {
				this.waiters = this.waiters.filter((w) => w !== wake);
				reject(new AbortedError());
			};
			this.waiters.push(wake);
			signal.addEventListener('abort', onAbort, { once: true });
		});
	}

	wakeOne(): boolean {
		const wake = this.waiters.shift();
		wake?.();
		return wake !== undefined;
	}

	wakeAll(): void {
		while (this.wakeOne());
	}
}

/** Counting semaphore whose permits are handed over in FIFO order. */
class Semaphore {
	active = 0;
	private readonly queue = new WaitQueue();

	constructor(private readonly capacity: number) {}

	async acquire(signal: AbortSignal): Promise<void> {
		if (this.active < this.capacity && this.queue.length === 0) {
			this.active++;
			return;
		}
		await this.queue.wait(signal); // the releasing holder hands its permit over
	}

	release(): void {
		if (!this.queue.wakeOne()) this.active--;
	}
}

// ---------------------------------------------------------------------------------------------
// Go compatibility: JSON decoder errors, durations, `%q`
// ---------------------------------------------------------------------------------------------

/** Go's `%q` for ASCII strings (close enough to JSON string quoting). */
function goQuote(text: string): string {
	return JSON.stringify(text);
}

/** Go's `quoteChar` as used by encoding/json syntax errors. */
function goQuoteChar(c: string): string {
	if (c === "'") return "'\\''";
	if (c === '"') return "'\"'";
	return `'${JSON.stringify(c).slice(1, -1)}'`;
}

/**
 * Returns the message Go's `encoding/json` gives for malformed `text`, e.g.
 * `invalid character 'x' looking for beginning of value` or `unexpected EOF`.
 * Only called when `JSON.parse` failed, so it need not be a full validator.
 */
function goJsonSyntaxError(text: string): string {
	let i = 0;
	const fail = (context: string): never => {
		throw new Error(i >= text.length ? 'unexpected EOF' : `invalid character ${goQuoteChar(text[i])} ${context}`);
	};
	const skipWs = (): void => {
		while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
	};
	const expectChar = (c: string, context: string): void => {
		skipWs();
		if (text[i] !== c) fail(context);
		i++;
	};
	const parseString = (): void => {
		i++; // opening quote
		while (i < text.length && text[i] !== '"') {
			if (text.charCodeAt(i) < 0x20) fail('in string literal');
			i += text[i] === '\\' ? 2 : 1;
		}
		if (i >= text.length) fail('');
		i++;
	};
	const parseLiteral = (word: string): void => {
		for (let k = 0; k < word.length; k++, i++) {
			if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${goQuoteChar(word[k])})`);
		}
	};
	const parseNumber = (): void => {
		const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
		if (!match) {
			i++;
			fail('in numeric literal');
		}
		i += match ? match[0].length : 0;
	};
	const parseValue = (): void => {
		skipWs();
		const c = text[i];
		if (c === '{') parseObject();
		else if (c === '[') parseArray();
		else if (c === '"') parseString();
		else if (c === 't') parseLiteral('true');
		else if (c === 'f') parseLiteral('false');
		else if (c === 'n') parseLiteral('null');
		else if (c === '-' || (c >= '0' && c <= '9')) parseNumber();
		else fail('looking for beginning of value');
	};
	const parseObject = (): void => {
		i++;
		skipWs();
		if (text[i] === '}') {
			i++;
			return;
		}
		for (;;) {
			skipWs();
			if (text[i] !== '"') fail('looking for beginning of object key string');
			parseString();
			expectChar(':', 'after object key');
			parseValue();
			skipWs();
			if (text[i] === '}') break;
			if (text[i] !== ',') fail('after object key:value pair');
			i++;
		}
		i++;
	};
	const parseArray = (): void => {
		i++;
		skipWs();
		if (text[i] === ']') {
			i++;
			return;
		}
		for (;;) {
			parseValue();
			skipWs();
			if (text[i] === ']') break;
			if (text[i] !== ',') fail('after array element');
			i++;
		}
		i++;
	};
	try {
		parseValue();
		skipWs();
		if (i < text.length) fail('after top-level value');
		return 'unexpected EOF';
	} catch (error) {
		return (error as Error).message;
	}
}

const GO_DURATION_UNITS_MS: Record<string, number> = {
	ns: 1e-6,
	us: 1e-3,
	µs: 1e-3,
	μs: 1e-3,
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
};

/** Parses a Go duration string (`"5m"`, `"1h30m"`, `"-1s"`, `"0"`) into milliseconds. */
function parseGoDuration(text: string): number {
	if (text === '0' || text === '+0' || text === '-0') return 0;
	const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
	if (!match) {
		const missingUnit = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text);
		throw new HttpError(400, `time: ${missingUnit ? 'missing unit in' : 'invalid'} duration ${goQuote(text)}`);
	}
	let ms = 0;
	for (const part of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
		ms += Number(part[1]) * GO_DURATION_UNITS_MS[part[2]];
	}
	return match[1] === '-' ? -ms : ms;
}

/** Type name Go's reflect prints for a decoded JSON value. */
function goDynamicType(value: unknown): string {
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return 'float64';
	if (typeof value === 'string') return 'string';
	if (Array.isArray(value)) return '[]interface {}';
	return 'map[string]interface {}';
}

/**
 * `keep_alive` as Ollama's `Duration.UnmarshalJSON` reads it, in milliseconds:
 * number = seconds, string = Go duration, negative = forever (Infinity), undefined/null = not given.
 */
function parseKeepAlive(value: unknown): number | undefined {
	if (value === undefined || value === null) return undefined;
	let ms: number;
	if (typeof value === 'number') ms = value * 1000;
	else if (typeof value === 'string') ms = parseGoDuration(value);
	else throw new HttpError(400, `Unsupported type: '${goDynamicType(value)}'`);
	return ms < 0 ? Infinity : ms;
}

/** JSON kind names used in Go's `cannot unmarshal X into ...` messages. */
function jsonKind(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'boolean') return 'bool';
	return typeof value; // number | string | object
}

type GoFieldType = 'string' | 'bool' | 'map[string]interface {}' | '[]api.Message';

function fieldTypeMatches(value: unknown, type: GoFieldType): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'bool':
			return typeof value === 'boolean';
		case 'map[string]interface {}':
			return isRecord(value);
		case '[]api.Message':
			return Array.isArray(value);
	}
}

/** Mimics the Go decoder's type errors for the fields the simulator reads. */
function checkFieldTypes(body: JsonObject, struct: string, fields: Record<string, GoFieldType>): void {
	for (const [field, type] of Object.entries(fields)) {
		const value = body[field];
		if (value === undefined || value === null || fieldTypeMatches(value, type)) continue;
		throw new HttpError(
			400,
			`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type ${type}`,
		);
	}
}

// ---------------------------------------------------------------------------------------------
// Options and format validation (reference §1.4, §1.2)
// ---------------------------------------------------------------------------------------------

type OptionType = 'integer' | 'float32' | 'boolean' | 'string-array';

const KNOWN_OPTIONS: Record<string, OptionType> = {
	num_keep: 'integer',
	seed: 'integer',
	num_predict: 'integer',
	top_k: 'integer',
	repeat_last_n: 'integer',
	num_ctx: 'integer',
	num_batch: 'integer',
	num_gpu: 'integer',
	main_gpu: 'integer',
	num_thread: 'integer',
	mirostat: 'integer',
	top_p: 'float32',
	min_p: 'float32',
	typical_p: 'float32',
	temperature: 'float32',
	repeat_penalty: 'float32',
	presence_penalty: 'float32',
	frequency_penalty: 'float32',
	tfs_z: 'float32',
	mirostat_tau: 'float32',
	mirostat_eta: 'float32',
	use_mmap: 'boolean',
	numa: 'boolean',
	penalize_newline: 'boolean',
	stop: 'string-array',
};

/** Ollama's `Options.FromMap` type check; unknown keys are ignored. Returns the error text or null. */
function validateOptions(options: JsonObject): string | null {
	for (const [key, value] of Object.entries(options)) {
		const type = KNOWN_OPTIONS[key];
		if (type === undefined || value === null) continue;
		if (type === 'integer' && typeof value !== 'number') return `option "${key}" must be of type integer`;
		if (type === 'float32' && typeof value !== 'number') return `option "${key}" must be of type float32`;
		if (type === 'boolean' && typeof value !== 'boolean') return `option "${key}" must be of type boolean`;
		if (type === 'string-array') {
			if (!Array.isArray(value)) return `option "${key}" must be of type array`;
			if (value.some((item) => typeof item !== 'string')) return `option "${key}" must be of an array of strings`;
		}
	}
	return null;
}

/** `format` must be absent, `"json"` or a JSON-schema object. Returns the error text or null. */
function validateFormat(format: unknown): string | null {
	if (format === undefined || format === null || format === '' || format === 'json' || isRecord(format)) return null;
	return `invalid format: ${goQuote(JSON.stringify(format))}; expected "json" or a valid JSON Schema object`;
}

function wantsJson(format: unknown): boolean {
	return format === 'json' || isRecord(format);
}

// ---------------------------------------------------------------------------------------------
// Completion requests: parsing
// ---------------------------------------------------------------------------------------------

type Endpoint = 'generate' | 'chat';

interface ChatMessage {
	role: string;
	content: string;
}

/** A validated generate/chat request. */
interface CompletionRequest {
	endpoint: Endpoint;
	model: string;
	/** generate: `prompt`; chat: the last user message. */
	prompt: string;
	system?: string;
	messages?: ChatMessage[];
	format?: unknown;
	/** chat: the `tools` offered, if any (see `simulator-tools.ts`). */
	tools?: unknown[];
	options: JsonObject;
	stream: boolean;
	/** Milliseconds; Infinity = forever; undefined = server default. */
	keepAliveMs?: number;
	/** Empty prompt / empty messages: only load (or unload) the model. */
	loadOnly: boolean;
}

function decodeBody(raw: string, struct: string): JsonObject {
	if (raw.trim().length === 0) throw new HttpError(400, 'missing request body');
	let value: unknown;
	try {
		value = JSON.parse(raw);
	} catch {
		throw new HttpError(400, goJsonSyntaxError(raw));
	}
	if (value === null) return {};
	if (!isRecord(value)) {
		throw new HttpError(400, `json: cannot unmarshal ${jsonKind(value)} into Go value of type api.${struct}`);
	}
	return value;
}

function parseMessages(value: unknown): ChatMessage[] {
	if (!Array.isArray(value)) return [];
	return value.map((item) => {
		if (!isRecord(item)) {
			throw new HttpError(400, `json: cannot unmarshal ${jsonKind(item)} into Go struct field ChatRequest.messages of type api.Message`);
		}
		for (const field of ['role', 'content']) {
			const v = item[field];
			if (v !== undefined && v !== null && typeof v !== 'string') {
				throw new HttpError(400, `json: cannot unmarshal ${jsonKind(v)} into Go struct field ChatRequest.messages.${field} of type string`);
			}
		}
		return { role: String(item.role ?? ''), content: String(item.content ?? '') };
	});
}

function parseGenerate(raw: string): CompletionRequest {
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
	};
}

function parseChat(raw: string): CompletionRequest {
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
	};
}

/** Prompt tokens ≈ ceil(characters / 4), at least 1. */
function countPromptTokens(req: CompletionRequest): number {
	const texts = req.messages ? req.messages.map((m) => m.content) : [req.system ?? '', req.prompt];
	const chars = texts.reduce((sum, text) => sum + text.length, 0);
	return Math.max(1, Math.ceil(chars / 4));
}

/** `options.num_predict` as a token cap; negative or absent = unbounded. */
function tokenCap(options: JsonObject): number {
	const value = options.num_predict;
	return typeof value === 'number' && value >= 0 ? Math.floor(value) : Infinity;
}

// ---------------------------------------------------------------------------------------------
// Reply text
// ---------------------------------------------------------------------------------------------

interface ReplyHints {
	model: string;
	summary: string;
}

/** `"[<model>] "` + the first {@link SUMMARY_WORDS} words of `text`. */
function summarise(model: string, text: string): string {
	// Multi-paragraph prompts usually open with the instruction: answer from the content instead,
	// naming a "Subject:" line when there is one, so replies read like answers in a digest.
	const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim().length > 0);
	const subject = /^Subject:\s*(.+)$/m.exec(text)?.[1]?.trim();
	const content = (paragraphs.length > 1 ? paragraphs.slice(1).join('\n') : text)
		.split('\n')
		.filter((line) => !/^(From|To|Cc|Date|Subject):/i.test(line.trim()))
		.join(' ');
	const words = content.split(/\s+/).filter((w) => w.length > 0).slice(0, SUMMARY_WORDS);
	const lead = subject ? `Re "${subject}": ` : '';
	return `[${model}] ${lead}${words.join(' ')}`.trimEnd();
}

function clamp(value: number, min: unknown, max: unknown): number {
	let result = value;
	if (typeof min === 'number') result = Math.max(result, min);
	if (typeof max === 'number') result = Math.min(result, max);
	return result;
}

function schemaType(schema: JsonObject): string | undefined {
	const type = schema.type;
	if (Array.isArray(type)) return (type.find((t) => t !== 'null') as string | undefined) ?? 'null';
	if (typeof type === 'string') return type;
	if (isRecord(schema.properties)) return 'object';
	if (schema.items !== undefined) return 'array';
	return undefined;
}

function sampleString(schema: JsonObject, key: string, hints: ReplyHints): string {
	let text = key === 'model' ? hints.model : hints.summary;
	if (typeof schema.maxLength === 'number') text = text.slice(0, schema.maxLength);
	if (typeof schema.minLength === 'number') text = text.padEnd(schema.minLength, '.');
	return text;
}

function sampleObject(schema: JsonObject, hints: ReplyHints, depth: number): JsonObject {
	const properties = isRecord(schema.properties) ? schema.properties : {};
	const result: JsonObject = {};
	for (const [key, sub] of Object.entries(properties)) result[key] = sampleSchema(sub, hints, key, depth + 1);
	const required = Array.isArray(schema.required) ? schema.required : [];
	for (const key of required) {
		if (typeof key === 'string' && !(key in result)) result[key] = hints.summary;
	}
	return result;
}

/** Builds a value satisfying a JSON schema's type/properties/required/enum/items, recursively. */
function sampleSchema(schema: unknown, hints: ReplyHints, key = '', depth = 0): unknown {
	if (!isRecord(schema) || depth > 16) return hints.summary;
	if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
	if ('const' in schema) return schema.const;
	const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
	if (Array.isArray(variants) && variants.length > 0) return sampleSchema(variants[0], hints, key, depth + 1);
	switch (schemaType(schema)) {
		case 'object':
			return sampleObject(schema, hints, depth);
		case 'array': {
			const count = clamp(1, schema.minItems, schema.maxItems);
			return Array.from({ length: count }, () => sampleSchema(schema.items, hints, key, depth + 1));
		}
		case 'integer':
			return Math.round(clamp(1, schema.minimum, schema.maximum));
		case 'number':
			return clamp(0.5, schema.minimum, schema.maximum);
		case 'boolean':
			return true;
		case 'null':
			return null;
		default:
			return sampleString(schema, key, hints);
	}
}

/** The default deterministic reply: a summary, or a JSON object when JSON output was asked for. */
function defaultReply(req: CompletionRequest, model: string): string {
	const hints = { model, summary: summarise(model, req.prompt) };
	if (req.format === 'json') return JSON.stringify({ summary: hints.summary, model });
	if (isRecord(req.format)) return JSON.stringify(sampleSchema(req.format, hints));
	return hints.summary;
}

/** Invalid JSON for the `badjson` fault: chatter followed by an unterminated object. */
function brokenJsonReply(req: CompletionRequest, model: string): string {
	return `Sure! Here is the JSON you asked for: {"summary": "${summarise(model, req.prompt)}`;
}

/** Splits text into word-ish tokens (at most 16 non-space characters) whose concatenation is the text. */
function tokenize(text: string): string[] {
	return text.match(/\s*\S{1,16}|\s+$/g) ?? [];
}

// ---------------------------------------------------------------------------------------------
// Faults
// ---------------------------------------------------------------------------------------------

/** The outcome of the fault draw for one request. */
interface FaultDraw {
	/** The first non-`slow` fault that fired, if any. */
	kind: FaultKind | null;
	/** Product of the factors of every `slow` fault that fired (1 = none). */
	slowFactor: number;
}

/** Validates fault specs (they may come from HTTP) and copies them. */
function normaliseFaults(fault: FaultSpec | FaultSpec[]): FaultSpec[] {
	const specs: unknown[] = Array.isArray(fault) ? fault : [fault];
	return specs.map((spec) => {
		if (!isRecord(spec) || !FAULT_KINDS.includes(spec.kind as FaultKind)) {
			throw new HttpError(400, `unknown fault kind: ${JSON.stringify(isRecord(spec) ? spec.kind : spec)}`);
		}
		const { rate, factor } = spec;
		if (rate !== undefined && (typeof rate !== 'number' || rate < 0 || rate > 1)) {
			throw new HttpError(400, 'fault rate must be a number between 0 and 1');
		}
		if (factor !== undefined && (typeof factor !== 'number' || factor <= 0)) {
			throw new HttpError(400, 'fault factor must be a positive number');
		}
		return { kind: spec.kind as FaultKind, rate, factor };
	});
}

/** Holds the faults per model and draws them with a seeded PRNG. */
class FaultInjector {
	private readonly faults = new Map<string, FaultSpec[]>();
	private readonly random: () => number;

	constructor(seed: number) {
		this.random = createPrng(seed);
	}

	set(model: string, fault: FaultSpec | FaultSpec[] | null): void {
		if (fault === null) this.faults.delete(model);
		else this.faults.set(model, normaliseFaults(fault));
	}

	clear(): void {
		this.faults.clear();
	}

	/** One PRNG draw per configured spec, in order, so sequences are reproducible. */
	draw(model: string): FaultDraw {
		const draw: FaultDraw = { kind: null, slowFactor: 1 };
		for (const spec of this.faults.get(model) ?? []) {
			if (this.random() >= (spec.rate ?? 1)) continue;
			if (spec.kind === 'slow') draw.slowFactor *= spec.factor ?? 10;
			else draw.kind ??= spec.kind;
		}
		return draw;
	}
}

// ---------------------------------------------------------------------------------------------
// Telemetry: SimStats and Prometheus counters
// ---------------------------------------------------------------------------------------------

interface ModelCounters {
	ok: number;
	error: number;
	/** Cumulative counts per {@link HISTOGRAM_BUCKETS} entry. */
	buckets: number[];
	sum: number;
	count: number;
}

function emptyStats(models: string[]): SimStats {
	const zeros = (): Record<string, number> => Object.fromEntries(models.map((m) => [m, 0]));
	return { requests: {}, generations: zeros(), faultsInjected: zeros(), maxInFlight: zeros(), loads: zeros() };
}

/** SimStats (resettable) plus Prometheus counters (monotonic, never reset). */
class Telemetry {
	private data: SimStats;
	private readonly counters = new Map<string, ModelCounters>();

	constructor(private readonly models: string[]) {
		this.data = emptyStats(models);
		for (const m of models) {
			this.counters.set(m, { ok: 0, error: 0, buckets: HISTOGRAM_BUCKETS.map(() => 0), sum: 0, count: 0 });
		}
	}

	stats(): SimStats {
		return JSON.parse(JSON.stringify(this.data)) as SimStats;
	}

	/** Clears the stats; `maxInFlight` restarts from what is generating now. */
	reset(activeByModel: Record<string, number>): void {
		this.data = emptyStats(this.models);
		Object.assign(this.data.maxInFlight, activeByModel);
	}

	countRequest(path: string): void {
		this.data.requests[path] = (this.data.requests[path] ?? 0) + 1;
	}

	countGeneration(model: string): void {
		this.bump(this.data.generations, model);
	}

	countFault(model: string): void {
		this.bump(this.data.faultsInjected, model);
	}

	countLoad(model: string): void {
		this.bump(this.data.loads, model);
	}

	noteInFlight(model: string, active: number): void {
		this.data.maxInFlight[model] = Math.max(this.data.maxInFlight[model] ?? 0, active);
	}

	/** Records a finished generate/chat request in the Prometheus counters. */
	observe(model: string, ok: boolean, seconds: number): void {
		const c = this.counters.get(model);
		if (!c) return;
		if (ok) c.ok++;
		else c.error++;
		HISTOGRAM_BUCKETS.forEach((le, i) => {
			if (seconds <= le) c.buckets[i]++;
		});
		c.sum += seconds;
		c.count++;
	}

	countersFor(model: string): ModelCounters {
		return this.counters.get(model) as ModelCounters;
	}

	private bump(record: Record<string, number>, key: string): void {
		record[key] = (record[key] ?? 0) + 1;
	}
}

// ---------------------------------------------------------------------------------------------
// Models, loading and the scheduler (reference §2.4)
// ---------------------------------------------------------------------------------------------

/** Live state of one model. */
class ModelRuntime {
	loaded = false;
	/** Requests holding the model (waiting for a slot or generating); it is never unloaded meanwhile. */
	refs = 0;
	/** Requests waiting for a load or a slot. */
	queued = 0;
	lastUsed = 0;
	/** keep_alive of the last request, in ms (Infinity = forever). */
	sessionMs: number;
	/** Epoch ms when an idle model unloads (Infinity = never); null when not loaded. */
	expiresAt: number | null = null;
	expiryTimer: NodeJS.Timeout | undefined;
	readonly slots: Semaphore;
	readonly vramBytes: number;
	readonly digest: string;

	constructor(
		readonly model: SimModel,
		numParallel: number,
		defaultKeepAliveMs: number,
	) {
		this.slots = new Semaphore(numParallel);
		this.sessionMs = defaultKeepAliveMs;
		this.vramBytes = model.vramBytes ?? Math.round(model.sizeBytes * VRAM_FACTOR);
		this.digest = createHash('sha256').update(model.name).digest('hex');
	}

	get name(): string {
		return this.model.name;
	}

	/** When `/api/ps` says the model expires (epoch ms, may be Infinity). */
	expiry(): number {
		if (this.refs > 0 || this.expiresAt === null) return Date.now() + this.sessionMs;
		return this.expiresAt;
	}
}

/** A request waiting in the scheduler queue for its model to load. */
interface PendingLoad {
	runtime: ModelRuntime;
	signal: AbortSignal;
	loadFactor: number;
	resolve: () => void;
	reject: (error: Error) => void;
}

interface SchedulerOptions {
	maxQueue: number;
	maxLoadedModels: number;
	timeScale: number;
}

/**
 * Ollama's scheduler: a request for a loaded model takes it at once; otherwise it joins one global
 * queue (bounded by maxQueue) that loads models one at a time, evicting the least recently used idle
 * model when maxLoadedModels are resident. Idle models unload after their keep-alive.
 */
class Scheduler {
	private readonly pending: PendingLoad[] = [];
	private pumping = false;
	/** Woken whenever a model becomes idle or unloads (room may have appeared). */
	private readonly idle = new WaitQueue();

	constructor(
		private readonly runtimes: Map<string, ModelRuntime>,
		private readonly options: SchedulerOptions,
		private readonly telemetry: Telemetry,
		private readonly lifetime: AbortSignal,
	) {}

	/** Takes a reference on the model, loading it first if needed. Throws 503 when the queue is full. */
	async reserve(runtime: ModelRuntime, signal: AbortSignal, loadFactor: number): Promise<void> {
		if (runtime.loaded) {
			this.take(runtime);
			return;
		}
		if (this.pending.length >= this.options.maxQueue) throw new HttpError(503, ERR_BUSY);
		await new Promise<void>((resolve, reject) => {
			const job: PendingLoad = { runtime, signal, loadFactor, resolve, reject };
			const onAbort = (): void => {
				const index = this.pending.indexOf(job);
				if (index >= 0) this.pending.splice(index, 1);
				reject(new AbortedError());
			};
			job.resolve = () => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			};
			signal.addEventListener('abort', onAbort, { once: true });
			this.pending.push(job);
			void this.pump();
		});
	}

	/** Drops a reference; the last one arms the keep-alive (`keepAliveMs` of that request). */
	release(runtime: ModelRuntime, keepAliveMs: number): void {
		runtime.refs--;
		runtime.sessionMs = keepAliveMs;
		if (runtime.refs === 0) {
			this.armExpiry(runtime);
			this.idle.wakeAll();
		}
	}

	/** Marks a model loaded without waiting (for `preloaded`). */
	preload(runtime: ModelRuntime): void {
		runtime.loaded = true;
		runtime.lastUsed = Date.now();
		this.armExpiry(runtime);
	}

	/** `keep_alive: 0` with an empty prompt: unload now, or as soon as the model is idle. */
	unloadWhenIdle(runtime: ModelRuntime): void {
		runtime.sessionMs = 0;
		if (runtime.refs === 0 && runtime.loaded) this.unload(runtime);
	}

	/** Stops every expiry timer (on close). */
	stopTimers(): void {
		for (const runtime of this.runtimes.values()) clearTimeout(runtime.expiryTimer);
		for (const job of this.pending.splice(0)) job.reject(new AbortedError());
	}

	private take(runtime: ModelRuntime): void {
		runtime.refs++;
		runtime.lastUsed = Date.now();
		clearTimeout(runtime.expiryTimer);
		runtime.expiryTimer = undefined;
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			for (let job = this.pending.shift(); job; job = this.pending.shift()) await this.serve(job);
		} finally {
			this.pumping = false;
		}
	}

	private async serve(job: PendingLoad): Promise<void> {
		try {
			if (!job.runtime.loaded) await this.load(job.runtime, job.loadFactor);
		} catch (error) {
			job.reject(error as Error);
			return;
		}
		if (job.signal.aborted) {
			job.reject(new AbortedError());
			if (job.runtime.refs === 0) this.armExpiry(job.runtime);
			return;
		}
		this.take(job.runtime);
		job.resolve();
	}

	private async load(runtime: ModelRuntime, loadFactor: number): Promise<void> {
		await this.makeRoom();
		await sleep(runtime.model.loadMs * this.options.timeScale * loadFactor, this.lifetime);
		runtime.loaded = true;
		runtime.lastUsed = Date.now();
		this.telemetry.countLoad(runtime.name);
	}

	/** Unloads the least recently used idle model until there is room; waits while all are busy. */
	private async makeRoom(): Promise<void> {
		for (;;) {
			const loaded = [...this.runtimes.values()].filter((r) => r.loaded);
			if (loaded.length < this.options.maxLoadedModels) return;
			const victim = loaded.filter((r) => r.refs === 0).sort((a, b) => a.lastUsed - b.lastUsed)[0];
			if (victim) this.unload(victim);
			else await this.idle.wait(this.lifetime);
		}
	}

	private armExpiry(runtime: ModelRuntime): void {
		clearTimeout(runtime.expiryTimer);
		runtime.expiryTimer = undefined;
		if (!runtime.loaded) return;
		if (runtime.sessionMs === 0) {
			this.unload(runtime);
			return;
		}
		runtime.expiresAt = Date.now() + runtime.sessionMs;
		if (runtime.sessionMs <= MAX_TIMER_MS) {
			runtime.expiryTimer = setTimeout(() => this.unload(runtime), runtime.sessionMs);
			runtime.expiryTimer.unref();
		}
	}

	private unload(runtime: ModelRuntime): void {
		clearTimeout(runtime.expiryTimer);
		runtime.expiryTimer = undefined;
		runtime.loaded = false;
		runtime.expiresAt = null;
		this.idle.wakeAll();
	}
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
	res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	send(res, status, CONTENT_JSON, JSON.stringify(body));
}

function sendError(res: http.ServerResponse, status: number, message: string): void {
	sendJson(res, status, { error: message });
}

function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
		req.on('close', () => {
			if (!req.complete) reject(new AbortedError());
		});
	});
}

/** NDJSON response that sends its 200 headers lazily, with the first line (as Ollama does). */
class NdjsonWriter {
	constructor(private readonly res: http.ServerResponse) {}

	get started(): boolean {
		return this.res.headersSent;
	}

	line(value: unknown): void {
		if (this.res.destroyed || this.res.writableEnded) return;
		if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': CONTENT_NDJSON });
		this.res.write(`${JSON.stringify(value)}\n`);
	}

	end(): void {
		if (!this.res.writableEnded) this.res.end();
	}
}

/** Emits tokens on schedule: token k at `k * intervalMs`; several per tick when the interval is tiny. */
async function emitTokens(
	tokens: string[],
	intervalMs: number,
	signal: AbortSignal,
	emit: (token: string) => void,
): Promise<void> {
	const start = performance.now();
	let sent = 0;
	while (sent < tokens.length) {
		const elapsed = performance.now() - start;
		const due = intervalMs > 0 ? Math.min(tokens.length, Math.floor(elapsed / intervalMs)) : tokens.length;
		while (sent < due) emit(tokens[sent++]);
		if (sent >= tokens.length) break;
		const nextAt = start + (sent + 1) * intervalMs;
		await sleep(Math.max(MIN_TICK_MS, nextAt - performance.now()), signal);
	}
}

function labels(pairs: Record<string, string>): string {
	const body = Object.entries(pairs)
		.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
		.join(',');
	return `{${body}}`;
}

/** Builds a Prometheus text-format family: HELP, TYPE and the sample lines. */
function metricFamily(name: string, type: string, help: string, samples: string[]): string[] {
	return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

const MIB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// The simulator
// ---------------------------------------------------------------------------------------------

/** Timestamps of one completion request, for the final-chunk metrics. */
interface Timeline {
	start: bigint;
	loaded: bigint;
	prompted: bigint;
}

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

class Simulator implements OllamaSimulator {
	url = '';
	port = 0;
	private readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly requests = new Set<AbortController>();
	private readonly lifetime = new AbortController();
	private readonly runtimes = new Map<string, ModelRuntime>();
	private readonly telemetry: Telemetry;
	private readonly faults: FaultInjector;
	private readonly scheduler: Scheduler;
	private readonly timeScale: number;
	private readonly defaultKeepAliveMs: number;
	private readonly routes: Record<string, Partial<Record<string, Route>>>;
	private listening = false;
	private closed = false;

	constructor(private readonly options: SimulatorOptions) {
		const models = options.models ?? DEFAULT_SIM_MODELS;
		this.timeScale = options.timeScale ?? 1;
		const keepAlive = options.keepAliveMs ?? 5 * 60_000;
		this.defaultKeepAliveMs = keepAlive < 0 ? Infinity : keepAlive;
		for (const model of models) {
			this.runtimes.set(model.name, new ModelRuntime(model, options.numParallel ?? 1, this.defaultKeepAliveMs));
		}
		this.telemetry = new Telemetry(models.map((m) => m.name));
		this.faults = new FaultInjector(options.seed ?? 42);
		for (const [model, fault] of Object.entries(options.faults ?? {})) this.faults.set(model, fault);
		this.scheduler = new Scheduler(
			this.runtimes,
			{
				maxQueue: options.maxQueue ?? 512,
				maxLoadedModels: options.maxLoadedModels ?? 3,
				timeScale: this.timeScale,
			},
			this.telemetry,
			this.lifetime.signal,
		);
		for (const name of options.preloaded ?? []) {
			const runtime = this.findModel(name);
			if (!runtime) throw new Error(`preloaded model '${name}' is not configured`);
			this.scheduler.preload(runtime);
		}
		this.routes = this.buildRoutes();
		this.server = http.createServer((req, res) => void this.dispatch(req, res));
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	// --- lifecycle ------------------------------------------------------------------------------

	async listen(port: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error): void => reject(error);
			this.server.once('error', onError);
			this.server.listen(port, HOST, () => {
				this.server.off('error', onError);
				resolve();
			});
		});
		this.listening = true;
		this.port = (this.server.address() as AddressInfo).port;
		this.url = `http://${HOST}:${this.port}`;
	}

	async setServerDown(down: boolean): Promise<void> {
		if (this.closed) throw new Error('simulator is closed');
		if (down && this.listening) await this.stopListening();
		else if (!down && !this.listening) await this.listen(this.port);
	}

	isClosed(): boolean {
		return this.closed;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.lifetime.abort();
		this.scheduler.stopTimers();
		for (const controller of this.requests) controller.abort();
		if (this.listening) await this.stopListening();
	}

	private async stopListening(): Promise<void> {
		this.listening = false;
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}

	// --- public controls ------------------------------------------------------------------------

	setFault(model: string, fault: FaultSpec | FaultSpec[] | null): void {
		this.faults.set(model, fault);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	stats(): SimStats {
		return this.telemetry.stats();
	}

	resetStats(): void {
		const active = Object.fromEntries([...this.runtimes.values()].map((r) => [r.name, r.slots.active]));
		this.telemetry.reset(active);
	}

	loadedModels(): string[] {
		return [...this.runtimes.values()].filter((r) => r.loaded).map((r) => r.name);
	}

	// --- routing --------------------------------------------------------------------------------

	private buildRoutes(): Record<string, Partial<Record<string, Route>>> {
		const root: Route = (_req, res) => send(res, 200, CONTENT_TEXT, 'Ollama is running');
		const version: Route = (_req, res) => sendJson(res, 200, { version: OLLAMA_VERSION });
		const tags: Route = (_req, res) => sendJson(res, 200, this.tagsBody());
		return {
			'/': { GET: root, HEAD: root },
			'/api/version': { GET: version, HEAD: version },
			'/api/tags': { GET: tags, HEAD: tags },
			'/api/ps': { GET: (_req, res) => sendJson(res, 200, this.psBody()) },
			'/api/show': { POST: (req, res) => this.handleShow(req, res) },
			'/api/generate': { POST: (req, res) => this.handleCompletion(req, res, parseGenerate) },
			'/api/chat': { POST: (req, res) => this.handleCompletion(req, res, parseChat) },
			'/metrics': { GET: (_req, res) => send(res, 200, CONTENT_METRICS, this.metricsText()) },
			'/__sim/faults': { POST: (req, res) => this.handleSetFaults(req, res) },
			'/__sim/reset': { POST: (_req, res) => this.handleReset(res) },
			'/__sim/stats': { GET: (_req, res) => sendJson(res, 200, this.stats()) },
		};
	}

	private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (!path.startsWith('/__sim/')) this.telemetry.countRequest(path);
		const methods = this.routes[path];
		const route = methods?.[req.method ?? 'GET'];
		try {
			if (!methods) send(res, 404, CONTENT_TEXT, '404 page not found');
			else if (!route) send(res, 405, CONTENT_TEXT, '405 method not allowed');
			else await route(req, res);
		} catch (error) {
			this.answerError(res, error as Error);
		}
	}

	private answerError(res: http.ServerResponse, error: Error): void {
		if (error instanceof AbortedError) {
			if (!res.writableEnded) res.destroy();
		} else if (error instanceof HttpError) {
			sendError(res, error.status, error.message);
		} else {
			sendError(res, 500, error.message);
		}
	}

	private findModel(name: string): ModelRuntime | undefined {
		return this.runtimes.get(name) ?? (name.includes(':') ? undefined : this.runtimes.get(`${name}:latest`));
	}

	/** Registers an in-flight request; its controller aborts when the client goes away or on close(). */
	private track(res: http.ServerResponse): AbortController {
		const controller = new AbortController();
		this.requests.add(controller);
		res.on('close', () => {
			this.requests.delete(controller);
			if (!res.writableFinished) controller.abort();
		});
		if (this.closed || res.destroyed || res.socket === null || res.socket.destroyed) controller.abort();
		return controller;
	}

	// --- model listing --------------------------------------------------------------------------

	private details(model: SimModel): JsonObject {
		return {
			parent_model: '',
			format: 'gguf',
			family: model.family,
			families: [model.family],
			parameter_size: model.parameterSize,
			quantization_level: model.quantization,
		};
	}

	/** Deterministic modification times: the first configured model is the newest. */
	private modifiedAt(runtime: ModelRuntime): string {
		const index = [...this.runtimes.keys()].indexOf(runtime.name);
		return new Date(Date.UTC(2025, 4, 4, 17, 37, 44, 706) - index * 3_600_000).toISOString();
	}

	private tagsBody(): JsonObject {
		const models = [...this.runtimes.values()].map((r) => ({
			name: r.name,
			model: r.name,
			modified_at: this.modifiedAt(r),
			size: r.model.sizeBytes,
			digest: r.digest,
			details: this.details(r.model),
		}));
		models.sort((a, b) => b.modified_at.localeCompare(a.modified_at));
		return { models };
	}

	private psBody(): JsonObject {
		const gpu = this.options.gpuMemoryBytes !== undefined;
		const forever = Date.now() + FOREVER_MS;
		const loaded = [...this.runtimes.values()]
			.filter((r) => r.loaded)
			.map((r) => ({ runtime: r, expiresAt: Math.min(r.expiry(), forever) }))
			.sort((a, b) => b.expiresAt - a.expiresAt);
		const models = loaded.map(({ runtime: r, expiresAt }) => ({
			name: r.name,
			model: r.name,
			size: r.vramBytes,
			digest: r.digest,
			details: this.details(r.model),
			expires_at: new Date(expiresAt).toISOString(),
			size_vram: gpu ? r.vramBytes : 0,
			context_length: CONTEXT_LENGTH,
		}));
		return { models };
	}

	private async handleShow(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const body = decodeBody(await readBody(req), 'ShowRequest');
		checkFieldTypes(body, 'ShowRequest', { model: 'string', name: 'string' });
		const name = (body.model as string | undefined) || (body.name as string | undefined) || '';
		if (name === '') throw new HttpError(400, 'model is required');
		const runtime = this.findModel(name);
		if (!runtime) throw new HttpError(404, `model '${name}' not found`);
		const { model } = runtime;
		sendJson(res, 200, {
			modelfile: `# Modelfile generated by "ollama show"\nFROM ${model.name}\n`,
			parameters: '',
			template: '{{ .Prompt }}',
			details: this.details(model),
			model_info: {
				'general.architecture': model.family,
				'general.parameter_count': Math.round(parseFloat(model.parameterSize) * 1e9),
				[`${model.family}.context_length`]: CONTEXT_LENGTH,
			},
			capabilities: simCapabilities(model),
			modified_at: this.modifiedAt(runtime),
		});
	}

	// --- generate / chat ------------------------------------------------------------------------

	private async handleCompletion(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		parse: (raw: string) => CompletionRequest,
	): Promise<void> {
		const start = nowNs();
		const request = parse(await readBody(req));
		const runtime = this.findModel(request.model);
		if (!runtime) throw new HttpError(404, `model '${request.model}' not found`);
		const controller = this.track(res);
		let ok = false;
		try {
			const optionError = validateOptions(request.options);
			if (optionError) throw new HttpError(500, optionError);
			if (request.loadOnly) ok = await this.loadOnly(request, runtime, res, controller.signal);
			else ok = await this.generate(request, runtime, req, res, controller.signal, start);
		} finally {
			this.telemetry.observe(runtime.name, ok, nsBetween(start, nowNs()) / 1e9);
		}
	}

	private keepAliveFor(request: CompletionRequest): number {
		return request.keepAliveMs ?? this.defaultKeepAliveMs;
	}

	private async loadOnly(
		request: CompletionRequest,
		runtime: ModelRuntime,
		res: http.ServerResponse,
		signal: AbortSignal,
	): Promise<boolean> {
		let doneReason = 'unload';
		if (request.keepAliveMs === 0) {
			this.scheduler.unloadWhenIdle(runtime);
		} else {
			await this.withQueued(runtime, () => this.scheduler.reserve(runtime, signal, 1));
			this.scheduler.release(runtime, this.keepAliveFor(request));
			doneReason = 'load';
		}
		const text = request.endpoint === 'chat' ? { message: { role: 'assistant', content: '' } } : { response: '' };
		sendJson(res, 200, {
			model: request.model,
			created_at: new Date().toISOString(),
			...text,
			done: true,
			done_reason: doneReason,
		});
		return true;
	}

	/** Counts the request as queued (for /metrics) while `wait` runs. */
	private async withQueued(runtime: ModelRuntime, wait: () => Promise<void>): Promise<void> {
		runtime.queued++;
		try {
			await wait();
		} finally {
			runtime.queued--;
		}
	}

	private drawFault(request: CompletionRequest, model: string): FaultDraw {
		const draw = this.faults.draw(model);
		if (draw.kind === 'badjson' && !wantsJson(request.format)) draw.kind = null;
		this.telemetry.countGeneration(model);
		if (draw.kind !== null || draw.slowFactor !== 1) this.telemetry.countFault(model);
		return draw;
	}

	/** Faults answered before scheduling. Returns true when the request has been dealt with. */
	private async injectEarlyFault(
		kind: FaultKind | null,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		request: CompletionRequest,
		signal: AbortSignal,
	): Promise<boolean> {
		switch (kind) {
			case 'reset':
				req.socket.resetAndDestroy();
				return true;
			case 'http500':
				sendError(res, 500, ERR_RUNNER_STOPPED);
				return true;
			case 'busy':
				sendError(res, 503, ERR_BUSY);
				return true;
			case 'oom':
				sendError(res, 500, ERR_OOM);
				return true;
			case 'notfound':
				sendError(res, 404, `model '${request.model}' not found`);
				return true;
			case 'garbage':
				send(res, 200, 'text/html', GARBAGE_BODY);
				return true;
			case 'hang':
				return waitForAbort(signal);
			default:
				return false;
		}
	}

	private async generate(
		request: CompletionRequest,
		runtime: ModelRuntime,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		signal: AbortSignal,
		start: bigint,
	): Promise<boolean> {
		const formatError = validateFormat(request.format);
		if (formatError) throw new HttpError(500, formatError);
		const toolsError = unsupportedToolsError(request, runtime.model);
		if (toolsError) throw new HttpError(400, toolsError);
		const fault = this.drawFault(request, runtime.name);
		if (await this.injectEarlyFault(fault.kind, req, res, request, signal)) return false;

		await this.withQueued(runtime, () => this.occupy(request, runtime, signal, fault.slowFactor));
		try {
			this.telemetry.noteInFlight(runtime.name, runtime.slots.active);
			return await this.produce(request, runtime, fault, res, signal, start);
		} finally {
			runtime.slots.release();
			this.scheduler.release(runtime, this.keepAliveFor(request));
		}
	}

	/** Reserves the model (loading it if cold) and then one of its generation slots. */
	private async occupy(
		request: CompletionRequest,
		runtime: ModelRuntime,
		signal: AbortSignal,
		loadFactor: number,
	): Promise<void> {
		await this.scheduler.reserve(runtime, signal, loadFactor);
		try {
			await runtime.slots.acquire(signal);
		} catch (error) {
			this.scheduler.release(runtime, this.keepAliveFor(request));
			throw error;
		}
	}

	private replyText(request: CompletionRequest, model: string, fault: FaultKind | null): string {
		if (fault === 'empty') return '';
		if (fault === 'badjson') return brokenJsonReply(request, model);
		const turn = toolTurn(request, model);
		if (turn) return turn.text;
		const { respond } = this.options;
		if (!respond) return defaultReply(request, model);
		return respond({
			model,
			prompt: request.prompt,
			system: request.system,
			messages: request.messages,
			format: request.format,
		});
	}

	/** Prompt evaluation then token streaming; returns true when the reply completed normally. */
	private async produce(
		request: CompletionRequest,
		runtime: ModelRuntime,
		fault: FaultDraw,
		res: http.ServerResponse,
		signal: AbortSignal,
		start: bigint,
	): Promise<boolean> {
		const { model } = runtime;
		const loaded = nowNs();
		let tokens = tokenize(this.replyText(request, model.name, fault.kind));
		let doneReason = 'stop';
		if (tokens.length > tokenCap(request.options)) {
			tokens = tokens.slice(0, tokenCap(request.options));
			doneReason = 'length';
		}
		if (fault.kind === 'midstream' || fault.kind === 'truncated') tokens = tokens.slice(0, FAULT_TOKENS);
		const scale = this.timeScale * fault.slowFactor;
		const promptTokens = countPromptTokens(request);
		await sleep((promptTokens / model.promptTokensPerS) * 1000 * scale, signal);
		const timeline: Timeline = { start, loaded, prompted: nowNs() };

		const writer = new NdjsonWriter(res);
		const emit = request.stream ? (token: string) => writer.line(this.chunk(request, token)) : () => undefined;
		await emitTokens(tokens, (1000 / model.tokensPerS) * scale, signal, emit);
		const toolCalls = toolTurn(request, model.name)?.toolCalls;
		if (toolCalls && request.stream) writer.line({ ...this.chunk(request, ''), message: { role: 'assistant', content: '', tool_calls: toolCalls } });

		if (fault.kind === 'midstream') return this.failMidstream(request, writer, res);
		if (fault.kind === 'truncated') return this.truncate(request, tokens, writer, res);
		const final = this.finalChunk(request, tokens, doneReason, promptTokens, timeline);
		if (toolCalls && !request.stream) final.message = { role: 'assistant', content: '', tool_calls: toolCalls };
		if (request.stream) {
			writer.line(final);
			writer.end();
		} else {
			sendJson(res, 200, final);
		}
		return true;
	}

	private chunk(request: CompletionRequest, token: string): JsonObject {
		const base = { model: request.model, created_at: new Date().toISOString() };
		if (request.endpoint === 'chat') return { ...base, message: { role: 'assistant', content: token }, done: false };
		return { ...base, response: token, done: false };
	}

	private finalChunk(
		request: CompletionRequest,
		tokens: string[],
		doneReason: string,
		promptTokens: number,
		t: Timeline,
	): JsonObject {
		const end = nowNs();
		const text = request.stream ? '' : tokens.join('');
		const metrics = {
			total_duration: nsBetween(t.start, end),
			load_duration: nsBetween(t.start, t.loaded),
			prompt_eval_count: promptTokens,
			prompt_eval_duration: nsBetween(t.loaded, t.prompted),
			eval_count: tokens.length,
			eval_duration: nsBetween(t.prompted, end),
		};
		const head = { model: request.model, created_at: new Date().toISOString() };
		if (request.endpoint === 'chat') {
			return { ...head, message: { role: 'assistant', content: text }, done_reason: doneReason, done: true, ...metrics };
		}
		const context = Array.from({ length: promptTokens + tokens.length }, (_, i) => (i * 7919) % 32000 + 1);
		return { ...head, response: text, done: true, done_reason: doneReason, context, ...metrics };
	}

	/** Error after output started: a trailing `{"error":...}` line; before: a real 500. */
	private failMidstream(request: CompletionRequest, writer: NdjsonWriter, res: http.ServerResponse): boolean {
		if (request.stream && writer.started) {
			writer.line({ error: ERR_MIDSTREAM });
			writer.end();
		} else {
			sendError(res, 500, ERR_MIDSTREAM);
		}
		return false;
	}

	/** The reply stops early without a `done:true` line (or, non-streamed, with half a JSON body). */
	private truncate(
		request: CompletionRequest,
		tokens: string[],
		writer: NdjsonWriter,
		res: http.ServerResponse,
	): boolean {
		if (request.stream) {
			if (!writer.started) res.writeHead(200, { 'Content-Type': CONTENT_NDJSON });
			writer.end();
		} else {
			const full = JSON.stringify(this.chunk(request, tokens.join('')));
			res.writeHead(200, { 'Content-Type': CONTENT_JSON });
			res.end(full.slice(0, Math.ceil(full.length / 2)));
		}
		return false;
	}

	// --- control endpoints ----------------------------------------------------------------------

	private async handleSetFaults(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const body = decodeBody(await readBody(req), 'SimFaults');
		if (typeof body.model !== 'string' || body.model === '') throw new HttpError(400, 'model is required');
		const faults = body.faults ?? null;
		if (faults !== null && !isRecord(faults) && !Array.isArray(faults)) {
			throw new HttpError(400, 'faults must be a fault, an array of faults or null');
		}
		this.setFault(body.model, faults as FaultSpec | FaultSpec[] | null);
		sendJson(res, 200, { ok: true });
	}

	private handleReset(res: http.ServerResponse): void {
		this.clearFaults();
		this.resetStats();
		sendJson(res, 200, { ok: true });
	}

	// --- metrics --------------------------------------------------------------------------------

	private metricsText(): string {
		const runtimes = [...this.runtimes.values()];
		const perModel = (value: (r: ModelRuntime) => number): string[] =>
			runtimes.map((r) => `${labels({ model: r.name })} ${value(r)}`);
		const named = (name: string, lines: string[]): string[] => lines.map((line) => `${name}${line}`);
		const lines = [
			...metricFamily('ollama_up', 'gauge', 'Whether the Ollama server is up.', ['ollama_up 1']),
			...metricFamily(
				'ollama_requests_in_flight',
				'gauge',
				'Requests generating right now.',
				named('ollama_requests_in_flight', perModel((r) => r.slots.active)),
			),
			...metricFamily(
				'ollama_requests_queued',
				'gauge',
				'Requests waiting for a model load or a generation slot.',
				named('ollama_requests_queued', perModel((r) => r.queued)),
			),
			...metricFamily('ollama_requests_total', 'counter', 'Finished generate/chat requests.', this.requestTotals()),
			...metricFamily(
				'ollama_request_duration_seconds',
				'histogram',
				'Wall time of generate/chat requests.',
				runtimes.flatMap((r) => this.histogramLines(r.name)),
			),
			...metricFamily(
				'ollama_model_loaded',
				'gauge',
				'1 when the model is loaded.',
				named('ollama_model_loaded', perModel((r) => (r.loaded ? 1 : 0))),
			),
			...metricFamily(
				'ollama_model_vram_bytes',
				'gauge',
				'Resident size of the loaded model.',
				named('ollama_model_vram_bytes', perModel((r) => (r.loaded ? r.vramBytes : 0))),
			),
			...this.gpuLines(runtimes),
		];
		return `${lines.join('\n')}\n`;
	}

	private requestTotals(): string[] {
		return [...this.runtimes.keys()].flatMap((model) => {
			const c = this.telemetry.countersFor(model);
			return [
				`ollama_requests_total${labels({ model, status: 'ok' })} ${c.ok}`,
				`ollama_requests_total${labels({ model, status: 'error' })} ${c.error}`,
			];
		});
	}

	private histogramLines(model: string): string[] {
		const c = this.telemetry.countersFor(model);
		const name = 'ollama_request_duration_seconds';
		return [
			...HISTOGRAM_BUCKETS.map((le, i) => `${name}_bucket${labels({ model, le: String(le) })} ${c.buckets[i]}`),
			`${name}_bucket${labels({ model, le: '+Inf' })} ${c.count}`,
			`${name}_sum${labels({ model })} ${c.sum}`,
			`${name}_count${labels({ model })} ${c.count}`,
		];
	}

	private gpuLines(runtimes: ModelRuntime[]): string[] {
		const total = this.options.gpuMemoryBytes;
		if (total === undefined) return [];
		const usedBytes = runtimes.filter((r) => r.loaded).reduce((sum, r) => sum + r.vramBytes, 0);
		const used = Math.round(usedBytes / MIB);
		const free = Math.max(0, Math.round(total / MIB) - used);
		const gpu = labels({ gpu: '0' });
		return [
			...metricFamily('DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).', [`DCGM_FI_DEV_FB_FREE${gpu} ${free}`]),
			...metricFamily('DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).', [`DCGM_FI_DEV_FB_USED${gpu} ${used}`]),
		];
	}
}

/**
 * Starts an Ollama simulator on 127.0.0.1 and resolves once it listens.
 *
 * @example
 * const sim = await startOllamaSimulator({ timeScale: 0.01, preloaded: ['phi3:mini'] });
 * const res = await fetch(`${sim.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'phi3:mini', prompt: 'hi' }) });
 * await sim.close();
 */
export async function startOllamaSimulator(options: SimulatorOptions = {}): Promise<OllamaSimulator> {
	const simulator = new Simulator(options);
	openSimulators.add(simulator);
	await simulator.listen(options.port ?? 0);
	return simulator;
}

/** Simulators started by this module instance (one per jest test file) and not closed yet. */
const openSimulators = new Set<Simulator>();

/**
 * Closes every simulator this test file started and did not close: the e2e setup calls it after
 * each file, so a `beforeAll` that failed half-way cannot leave a server that keeps jest from exiting.
 * Returns how many it closed.
 */
export async function closeOpenSimulators(): Promise<number> {
	const open = [...openSimulators].filter((s) => !s.isClosed());
	await Promise.all(open.map((s) => s.close()));
	openSimulators.clear();
	return open.length;
}
