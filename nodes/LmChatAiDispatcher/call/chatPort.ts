/**
 * The engine's Ollama port for one chat-model call. The engine plans and runs the call as it runs an
 * item (candidates, retries, fallback, breakers); this port adds what only a chat call has:
 *
 * - the tools the root node offers, and per-call Ollama options (stop words, top-k, ...);
 * - the reply's text forwarded as it streams in, when the root node streams;
 * - after the first piece of text has been forwarded, a failure is NOT a failed attempt the engine
 *   may retry or fall back from (the text cannot be taken back): it ends the call with an error
 *   naming the model.
 *
 * The reply goes back to the engine as it came (a reply that only calls tools has no text; the
 * engine accepts it), and the engine's result carries it (`DispatchResult.reply`).
 */
import { TransportError } from '../../AiDispatcher/engine/errors';
import type { GenerateCall, GenerateOutcome, OllamaPort } from '../../AiDispatcher/engine/ports';
import { settle } from '../../AiDispatcher/engine/result';
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

/** `base` with the call's tools, options and streaming added to every generation. */
export function chatPort(base: OllamaPort, extras: ChatExtras): OllamaPort {
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
		return settled.value;
	};
	return { ...base, generate };
}
