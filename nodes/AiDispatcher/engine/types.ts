/**
 * Shared vocabulary of the dispatcher engine. Nothing here imports n8n: the engine runs the same
 * inside n8n, in tests and in benchmarks.
 */
import type { Price } from './cost/price';
import type { ReusedFrom } from './reuse/types';

/** Model capability tiers, weakest first. */
export const TIERS = ['low', 'medium', 'high'] as const;
export type Tier = (typeof TIERS)[number];

/** Kinds of work a prompt asks for. */
export const TASK_TYPES = [
	'summarization',
	'classification',
	'extraction',
	'analysis',
	'code',
	'reasoning',
	'general',
] as const;
export type TaskType = (typeof TASK_TYPES)[number];

/** Thinking efforts Ollama takes as `think` levels (gpt-oss-like models). */
export const THINK_LEVELS = ['low', 'medium', 'high'] as const;
export type ThinkLevel = (typeof THINK_LEVELS)[number];

/** Ollama's `think`: on/off, or an effort level. */
export type ThinkSetting = boolean | ThinkLevel;

/**
 * Per-model generation options, passed to Ollama in its own naming (the options of n8n's Ollama Chat
 * Model; see docs/node.md for the mapping). `think`, `keep_alive` and `timeoutMs` are not Ollama
 * `options`: the first two are sent as top-level request fields, the last is ours.
 */
export interface ModelOptions {
	temperature?: number;
	num_predict?: number;
	num_ctx?: number;
	top_k?: number;
	top_p?: number;
	frequency_penalty?: number;
	presence_penalty?: number;
	repeat_penalty?: number;
	low_vram?: boolean;
	main_gpu?: number;
	num_batch?: number;
	num_gpu?: number;
	num_thread?: number;
	use_mlock?: boolean;
	use_mmap?: boolean;
	penalize_newline?: boolean;
	vocab_only?: boolean;
	/** Ollama duration string ("5m") or seconds. */
	keep_alive?: string | number;
	/** Forces `think` for this model; absent: decided per item from the tier (engine/thinking). */
	think?: ThinkSetting;
	/** Overrides the tier's per-attempt timeout, in milliseconds. */
	timeoutMs?: number;
}

/** A model the dispatcher may use. */
export interface ModelSpec {
	name: string;
	tier: Tier;
	/** Task types this model suits; empty means "any". */
	tasks: TaskType[];
	options: ModelOptions;
	/** On-disk size from /api/tags, in bytes, when known. */
	sizeBytes?: number;
	/** Parameter count in billions, from /api/tags `details.parameter_size`, when known. */
	parameterBillions?: number;
	/** Served by an OpenAI-compatible endpoint instead of the credential's Ollama hosts. */
	backend?: ModelBackend;
}

/** An OpenAI-compatible endpoint serving a model, and what the model costs there (absent: free/local). */
export interface ModelBackend {
	kind: 'openai';
	/** The endpoint's base URL, e.g. https://api.openai.com/v1 (requests go to `<baseUrl>/chat/completions`). */
	baseUrl: string;
	price?: Price;
	/**
	 * True for a model found by Auto-Discover (GET /models): its price is not known, so it may be a
	 * paid cloud model; it is always tried after every other model (engine/cost/localFirst.ts).
	 */
	priceUnknown?: boolean;
}

/** Tokens and cost of the call that answered an item. */
export interface CallCost {
	/** The prices' currency (the endpoint credential's), e.g. "USD". */
	currency: string;
	inputTokens: number;
	outputTokens: number;
	/** Exact decimal amount in `currency`, e.g. "0.00000225"; "0" for a local (unpriced) model. */
	amount: string;
	/** True when the answering model has a price. */
	priced: boolean;
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string;
	/** An assistant turn's tool calls, in Ollama's wire form (chat model only). */
	tool_calls?: ToolCall[];
	/** A `tool` turn: the tool whose result `content` is (chat model only). */
	tool_name?: string;
}

/** One tool call as Ollama's /api/chat sends and takes it. */
export interface ToolCall {
	function: { name: string; arguments: Record<string, unknown> };
}

export type OutputFormat =
	{ type: 'text' } | { type: 'json' } | { type: 'jsonSchema'; schema: Record<string, unknown> };

/** One item's request, after validation. */
export interface DispatchRequest {
	/** Either a prompt (sent to /api/generate) or messages (sent to /api/chat). */
	prompt?: string;
	messages?: ChatMessage[];
	system?: string;
	/** The text whose complexity decides the tier, when it is not the prompt or every user turn (the chat model passes the last user turn). */
	analysedText?: string;
	task: TaskType | 'auto';
	complexity: Tier | 'auto';
	format: OutputFormat;
}

/** One measured feature of a prompt and what it added to the complexity score. */
export interface ComplexityFeature {
	name: string;
	/** The raw measurement (a count, a token estimate, 0/1 for presence). */
	value: number;
	/** Its contribution to the score, 0..1 before clamping. */
	contribution: number;
}

export interface ComplexityResult {
	/** 0 (trivial) .. 1 (hardest). */
	score: number;
	tier: Tier;
	/** Detected task when the request said "auto". */
	task: TaskType;
	tokens: number;
	features: ComplexityFeature[];
	/** True when the tier was forced by configuration rather than measured. */
	forced: boolean;
	/** The trained router's verdict (absent when the heuristic analyser alone chose the tier). */
	router?: RouterVerdict;
}

/** How the trained router chose a tier (engine/analysis/router). */
export interface RouterVerdict {
	/** The model's probability of each tier, 0..1, summing to 1. */
	probabilities: Record<Tier, number>;
	/** Margin between the two most probable tiers, 0 (unsure) .. 1 (certain). */
	confidence: number;
	/** The Quality ↔ Speed setting whose thresholds turned the probabilities into a tier. */
	operatingPoint: string;
	/** The tier the probabilities gave at that operating point, before a routing example. */
	modelTier: Tier;
	/** The workflow's routing example that decided the tier, when one was similar enough. */
	example?: { index: number; tier: Tier; similarity: number; prompt: string };
}

/** Wire usage figures from Ollama's final chunk, converted to friendlier units. */
export interface Usage {
	prompt_tokens: number;
	completion_tokens: number;
	total_ms: number;
	load_ms: number;
	tokens_per_s: number;
}

/** One try of one model. */
export interface Attempt {
	model: string;
	ok: boolean;
	/** Short failure text, or null on success. */
	error: string | null;
	/** Failure class, for retry decisions and breakers. */
	kind?: FailureKind;
	ms: number;
	/** The Ollama base URL called. */
	host?: string;
	/** Present on a retry of the same model after a transient failure: 1 for the first retry. */
	retry?: number;
	/** The server's Retry-After (429/503), in milliseconds, when it sent one. */
	retryAfterMs?: number;
}

export type FailureKind =
	| 'connection'
	| 'timeout'
	| 'http_5xx'
	| 'busy'
	| 'rate_limited'
	| 'not_found'
	| 'bad_request'
	| 'stream_error'
	| 'truncated'
	| 'empty'
	| 'invalid_json'
	| 'garbage'
	/** The reply broke a size cap (a reply or line too long): garbage from that model, not retried on it. */
	| 'too_large'
	| 'aborted'
	/** Not called: its circuit breaker is open on every host. */
	| 'circuit_open'
	/** 401/403 from an OpenAI-compatible endpoint: the credential's key was refused; never retried. */
	| 'auth'
	/** The prompt does not fit the model's context (`context_length_exceeded`): the next model answers. */
	| 'context_length'
	/** Not called: the call could exceed a budget of the endpoint's credential. */
	| 'budget';

/** A candidate as ranked by selection. */
export interface RankedCandidate {
	model: string;
	tier: Tier;
	/** Position in the try order, 0 first; -1 when excluded. */
	rank: number;
	reasons: string[];
	/** Why this model will not be tried, when it won't. */
	excluded?: string;
}

/** The figures the ranking used for one candidate (`selection/expectedTime.ts`). */
export interface ExpectedTime {
	model: string;
	/** Expected seconds for the item: prefill, reply and thinking tokens. */
	seconds: number;
	/** The effort the item would get on this model. */
	effort: ThinkingChoice['effort'];
	/** Thinking tokens assumed at that effort. */
	thinkTokens: number;
	/** Decode tokens/s used, and where it came from. */
	tokensPerS: number;
	speedFrom: 'learned' | 'parameter size';
}

export interface Decision {
	/** First model to try, or null when every candidate was excluded. */
	model: string | null;
	tier: Tier | null;
	reason: string;
	/** Models to try after the first, in order. */
	alternatives: string[];
	candidates: RankedCandidate[];
	/**
	 * Expected times of the usable candidates at or above the item's tier, fastest first, when they
	 * were ranked by it (thinking models among them, a low or medium item; `selection/expectedTime.ts`).
	 */
	expectedTimes?: ExpectedTime[];
	/** The workflow rules that matched, with what each condition saw (absent when no rules are set). */
	rules?: RuleMatchRecord[];
}

/** A matched rule as recorded in a Decision (same shape as `RuleMatch` in engine/rules/types.ts). */
export interface RuleMatchRecord {
	index: number;
	name: string;
	conditions: Array<{
		fact: string;
		operator: string;
		expected: unknown;
		actual: unknown;
		result: boolean;
		note?: string;
	}>;
}

/** Whether the answering model had to be loaded for this item (see `engine/residency/store.ts`). */
export interface ModelLoad {
	/** The model was already loaded when the call started. */
	alreadyLoaded: boolean;
	/** Ollama's load time for this call when the model was not loaded, in ms; null when it was. */
	loadMs: number | null;
	/** This call loaded the model (false when it waited for a load another call made). */
	loadedHere: boolean;
}

/** How much the answering model was asked to think for an item, and why (engine/thinking). */
export interface ThinkingChoice {
	/** `think` as sent to Ollama; undefined when not sent (the model's own default applies). */
	think?: ThinkSetting;
	/** `off`, a level, `on` (a model without levels) or `default` (not sent: Ollama's default). */
	effort: 'off' | 'on' | ThinkLevel | 'default';
	/** Why, e.g. "high-tier prompt: think at high effort", "rule: \"P1\" sets think". */
	reason: string;
	/** Set when the model's capabilities were not known yet: decided again on the host that is called. */
	capabilitiesUnknown?: true;
}

/** The thinking of the answer: what was asked, and the text Ollama returned apart from the answer. */
export interface ThinkingRecord extends ThinkingChoice {
	/** The thinking text (Ollama's `thinking` / `message.thinking`); '' when the model did not think. */
	text: string;
}

/** A model's reply as it came back. */
export interface ModelReply {
	text: string;
	/** The tool calls the reply asked for (chat with tools). */
	toolCalls?: ToolCall[];
	/** Ollama's done_reason ("stop", "length", ...), when it sent one. */
	doneReason?: string;
}

export interface DispatchResult {
	response: unknown;
	/** Present when the answering model thinks (capability `thinking`) or `think` was set. */
	thinking?: ThinkingRecord;
	model: string;
	tier: Tier;
	/** The Ollama base URL that answered. */
	host?: string;
	complexity: ComplexityResult;
	decision: Decision;
	attempts: Attempt[];
	usage: Usage;
	/** Whether the model had to be loaded (set by `runPlan` from the residency it keeps). */
	load?: ModelLoad;
	/**
	 * The answering model's full reply as it came back (a reused answer: as it was stored): text (JSON
	 * text when JSON was asked for; '' for a reply that only calls tools), tool calls, done reason.
	 */
	reply: ModelReply;
	/** Present when the answer was reused instead of calling a model (`engine/reuse`): from which model, how old. */
	reused?: ReusedFrom;
	/** Tokens and cost of the answering call, when the item has cost settings (an OpenAI-compatible endpoint); absent on a reused answer. */
	cost?: CallCost;
}
