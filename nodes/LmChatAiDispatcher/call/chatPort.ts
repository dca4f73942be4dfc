/**
 * The engine's Ollama port for one chat-model call. The engine plans and runs the call as it runs an
 * item (candidates, retries, fallback, breakers); this port adds what only a chat call has:
 *
 * - the tools the root node offers, and per-call Ollama options (stop words, top-k, ...);
 * - the reply's text forwarded as it streams in, when the root node streams;
 * - after the first piece of text has been forwarded, a failure is NOT a failed attempt the engine
 *   may retry or fall back from (the text cannot be taken back): it ends the call with an error
 *   naming the model;
 * - a reply that is only tool calls is reported to the engine with a short summary as its text, so
 *   that the engine's "empty reply" check (right for text answers) lets it through; the caller
 *   builds the answer from the full outcome (`outcomeOf`).
 */
import { TransportError } from '../../AiDispatcher/engine/errors';
import type { GenerateCall, GenerateOutcome, OllamaPort } from '../../AiDispatcher/engine/ports';
import { settle } from '../../AiDispatcher/engine/result';
import type { DispatchResult, ToolCall, Usage } from '../../AiDispatcher/engine/types';
import type { OllamaTool } from '../convert/tools';

/** A model failed after part of its answer had been streamed to the root node. */
export class StreamBrokenError extends Error {
	readonly model: string;
	readonly sentChars: number;

	constructor(model: string, sentChars: number, cause: unknown) {
		const why = cause instanceof Error ? cause.message : String(cause);
		super(
			`${model} failed after ${sentChars} characters of its answer had been streamed: ${why}. ` +
				'No other model was tried, because the text already sent cannot be taken back.',
		);
		this.name = 'StreamBrokenError';
		this.model = model;
		this.sentChars = sentChars;
	}
}

export interface ChatExtras {
	tools: readonly OllamaTool[];
	/** Ollama options for this call (over the model's own), e.g. `stop`, `top_k`, `seed`. */
	options: Record<string, unknown>;
	/** Receives reply text as it streams in; absent when the root node does not stream. */
	onDelta?: (text: string) => void;
}

export interface ChatPort {
	port: OllamaPort;
	/** The full outcome of the last successful call of `model` (tool calls included). */
	outcomeOf(model: string): GenerateOutcome | undefined;
}

/** The text a reply that is only tool calls is given for the engine's "empty reply" check. */
export function toolCallsText(calls: readonly ToolCall[]): string {
	return `(tool calls: ${calls.map((c) => c.function.name).join(', ')})`;
}

/** A reply as the engine kept it, back to what the model sent: a tool-calls-only reply has no text. */
export function replyOutcome(
	reply: NonNullable<DispatchResult['reply']>,
	usage: Usage,
): GenerateOutcome {
	const toolOnly = reply.toolCalls?.length && reply.text === toolCallsText(reply.toolCalls);
	return {
		text: toolOnly ? '' : reply.text,
		usage,
		toolCalls: reply.toolCalls,
		doneReason: reply.doneReason,
	};
}

export function chatPort(base: OllamaPort, extras: ChatExtras): ChatPort {
	const outcomes = new Map<string, GenerateOutcome>();
	const generate = async (call: GenerateCall): Promise<GenerateOutcome> => {
		let sentChars = 0;
		const onDelta = extras.onDelta;
		const settled = await settle(
			base.generate({
				...call,
				options: { ...call.options, ...extras.options } as GenerateCall['options'],
				...(extras.tools.length > 0 ? { tools: extras.tools } : {}),
				...(onDelta
					? {
							onDelta: (text: string) => {
								sentChars += text.length;
								onDelta(text);
							},
						}
					: {}),
			}),
		);
		if (!settled.ok) {
			if (sentChars > 0 && settled.error instanceof TransportError)
				throw new StreamBrokenError(call.model, sentChars, settled.error);
			throw settled.error;
		}
		const outcome = settled.value;
		outcomes.set(call.model, outcome);
		if (outcome.toolCalls?.length && outcome.text.trim() === '')
			return { ...outcome, text: toolCallsText(outcome.toolCalls) };
		return outcome;
	};
	return { port: { ...base, generate }, outcomeOf: (model) => outcomes.get(model) };
}
