/**
 * Answer reuse: what a caller tells the engine (`ReuseConfig`, on the item's `DispatchConfig`), what
 * the store keeps per answer (`StoredAnswer`) and what a reused result says (`ReusedFrom`).
 */
import type { ThinkingRecord, ToolCall, Tier, Usage } from '../types';

/** How an item may reuse answers; set by the adapters on `DispatchConfig.reuse`. */
export interface ReuseConfig {
	/**
	 * Who may share answers: a digest of the credential's identity (its id, Ollama URLs and a hash of
	 * its API key). Never a secret in clear; answers are never shared between two scopes.
	 */
	scope: string;
	/** The n8n execution the item belongs to: answers of the same execution are always reused. */
	executionId: string;
	/** Answers of other executions are reused up to this age, in ms; 0: within this execution only. */
	windowMs: number;
	/** What else is sent with the call and changes the answer (the chat model's tools and call options). */
	extras?: Record<string, unknown>;
}

/** One stored answer: the reply of one model to one request, as it came back. */
export interface StoredAnswer {
	/** The request's key (sha256 hex, see `key.ts`). */
	key: string;
	model: string;
	/** The model's tier when it answered. */
	tier: Tier;
	/** The answer-changing options the model was called with, `think` included (canonical JSON, see `callOptionsKey`). */
	optionsKey: string;
	/** The reply text (the JSON text when JSON was asked for). */
	text: string;
	toolCalls?: ToolCall[];
	doneReason?: string;
	/** The thinking that came with the answer (what was asked, and its text), when any. */
	thinking?: ThinkingRecord;
	usage: Usage;
	host?: string;
	/** Clock time it was stored, in ms. */
	storedAtMs: number;
	executionId: string;
	/** Stored while Reuse Answers was on: later executions may reuse it; otherwise it goes when its execution ends. */
	shared: boolean;
	/** Estimated memory held by the entry, in bytes (UTF-16 strings plus a fixed overhead). */
	bytes: number;
}

/** How a reused answer was found. */
export type ReuseKind = 'in flight' | 'this execution' | 'earlier execution';

/** Present on a result whose answer was reused instead of calling a model. */
export interface ReusedFrom {
	kind: ReuseKind;
	/** The model that produced the answer. */
	model: string;
	tier: Tier;
	/** How old the answer was when reused, in ms (0 while shared in flight). */
	ageMs: number;
	/** The model time the original call took, in ms: what this reuse saved. */
	savedMs: number;
}
