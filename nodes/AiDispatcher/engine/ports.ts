/**
 * The engine's only ways out: HTTP, time, sleep, logging and cancellation reach it through these
 * small interfaces. `adapters/` builds them from n8n's execution context; tests pass fakes.
 */
import type {
	ChatMessage,
	FailureKind,
	ModelOptions,
	OutputFormat,
	ThinkSetting,
	ToolCall,
	Usage,
} from './types';

export interface HttpRequest {
	method: 'GET' | 'POST' | 'PUT';
	url: string;
	/** JSON-serialisable body; a string is sent as it is (set `headers['content-type']`). */
	body?: unknown;
	/** Extra request headers, e.g. the content type of a string body. */
	headers?: Record<string, string>;
	/** Hard limit for the whole exchange, headers and body, in milliseconds. */
	timeoutMs: number;
	/** Aborts the exchange (the caller's cancel, or a deadline of the transport's). */
	abort?: AbortSignal;
}

export interface HttpResponse {
	status: number;
	/** The body as it arrives; consumers parse incrementally (NDJSON) or collect it. */
	body: AsyncIterable<Uint8Array | string>;
	/** Response headers, lower-case names, when the port provides them (e.g. `retry-after`). */
	headers?: Record<string, string>;
}

/**
 * Performs one HTTP exchange. Resolves for any HTTP status; rejects only when no response
 * arrived (refused, reset, timed out, aborted), with an error whose `code` or message says why.
 */
export type HttpPort = (request: HttpRequest) => Promise<HttpResponse>;

export interface Clock {
	/** Milliseconds since the epoch (or any fixed origin: only differences are used). */
	nowMs(): number;
}

/** Resolves after `ms` milliseconds, or rejects early when `cancel` aborts. */
export type SleepPort = (ms: number, cancel?: AbortSignal) => Promise<void>;

export interface LogPort {
	debug(message: string, meta?: Record<string, unknown>): void;
	warn(message: string, meta?: Record<string, unknown>): void;
}

/** One generation call to one Ollama model. */
export interface GenerateCall {
	baseUrl: string;
	model: string;
	prompt?: string;
	messages?: ChatMessage[];
	system?: string;
	format: OutputFormat;
	options: Omit<ModelOptions, 'timeoutMs' | 'keep_alive' | 'think'>;
	keepAlive?: string | number;
	/** Ollama's top-level `think`; not sent when undefined. */
	think?: ThinkSetting;
	timeoutMs: number;
	/** Fails the call with kind `timeout` when no streamed line arrived within this many milliseconds. */
	firstTokenTimeoutMs?: number;
	/** Fails the call with kind `timeout` when, after the first line, no next line arrived within this many milliseconds. */
	stallTimeoutMs?: number;
	cancel?: AbortSignal;
	/** Tools the model may call (Ollama's /api/chat `tools`, function definitions); chat only. */
	tools?: ReadonlyArray<Record<string, unknown>>;
	/** Called with each piece of reply text as it streams in. */
	onDelta?: (text: string) => void;
}

export interface GenerateOutcome {
	text: string;
	usage: Usage;
	/** The tool calls the reply asked for (chat with tools). */
	toolCalls?: ToolCall[];
	/** Ollama's done_reason ("stop", "length", ...), when it sent one. */
	doneReason?: string;
	/** The thinking text (`thinking` / `message.thinking`), apart from `text`; absent when none came. */
	thinking?: string;
}

/** A model as Ollama lists it in /api/tags. */
export interface OllamaTag {
	name: string;
	sizeBytes: number;
	parameterSize: string;
	parameterBillions: number | null;
	family: string;
	quantization: string;
}

/** A model loaded in memory, from /api/ps. */
export interface OllamaLoaded {
	name: string;
	sizeBytes: number;
	sizeVramBytes: number;
	expiresAt: string;
}

/** A load-only call: loads `model` (preload), or unloads it with `keepAlive` 0 (release). */
export interface LoadCall {
	baseUrl: string;
	model: string;
	/** Ollama's keep_alive: the user's when set; 0 releases the model. */
	keepAlive?: string | number;
	timeoutMs: number;
	cancel?: AbortSignal;
}

/** Ollama as the engine sees it. Failures reject with a `TransportError`. */
export interface OllamaPort {
	generate(call: GenerateCall): Promise<GenerateOutcome>;
	tags(baseUrl: string, timeoutMs: number, cancel?: AbortSignal): Promise<OllamaTag[]>;
	ps(baseUrl: string, timeoutMs: number, cancel?: AbortSignal): Promise<OllamaLoaded[]>;
	version(baseUrl: string, timeoutMs: number, cancel?: AbortSignal): Promise<string>;
	/** POST /api/show `capabilities` of a model (`completion`, `tools`, `thinking`, ...). Optional: without it, capabilities are unknown. */
	capabilities?(
		baseUrl: string,
		model: string,
		timeoutMs: number,
		cancel?: AbortSignal,
	): Promise<string[]>;
	/**
	 * GET / ("Ollama is running"): answers at once, whatever the models are doing. Resolves on 200;
	 * rejects with a `TransportError` (`connection`, `timeout`, or the HTTP status's kind) otherwise.
	 */
	ping(baseUrl: string, timeoutMs: number, cancel?: AbortSignal): Promise<void>;
	/** Preloads or releases a model (a request with no prompt); absent in ports that cannot. */
	load?(call: LoadCall): Promise<void>;
}

/** One sample of a Prometheus instant query. `value` is null for NaN/±Inf ("unknown", never 0). */
export interface PromSample {
	labels: Record<string, string>;
	value: number | null;
	/** The raw value string when it was not a finite number ("NaN", "+Inf", "-Inf"). */
	raw?: string;
}

/** A parsed instant-query result: a scalar is one sample without labels. */
export interface PromQueryResult {
	resultType: 'vector' | 'scalar';
	samples: PromSample[];
}

/** Prometheus as the engine sees it. Failures reject with a classified `TransportError`. */
export interface PrometheusPort {
	query(
		baseUrl: string,
		promql: string,
		timeoutMs: number,
		cancel?: AbortSignal,
	): Promise<PromQueryResult>;
}

export interface EnginePorts {
	ollama: OllamaPort;
	/** Present when the node can reach Prometheus through the credential (live signals). */
	prometheus?: PrometheusPort;
	clock: Clock;
	sleep: SleepPort;
	log: LogPort;
	/** 0 <= x < 1; used for jitter. */
	random: () => number;
	/** Fires when the execution is stopped. ("Signal" in this package means a live metric only.) */
	cancel?: AbortSignal;
}

export type { FailureKind };
