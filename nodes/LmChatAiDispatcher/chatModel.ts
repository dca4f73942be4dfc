/**
 * The chat model the sub-node supplies: an `@n8n/ai-node-sdk` BaseChatModel whose every
 * `generate`/`stream` call is planned and run by the dispatcher engine (see `call/dispatchCall.ts`).
 */
import {
	BaseChatModel,
	getParametersJsonSchema,
	type ChatModelConfig,
	type GenerateResult,
	type Message,
	type StreamChunk,
} from '@n8n/ai-node-sdk';

import { linkCancel } from '../AiDispatcher/engine/cancel';
import type { CallLog } from './call/callLog';
import {
	dispatchChatCall,
	type ChatCall,
	type ChatCallResult,
	type ChatRuntime,
} from './call/dispatchCall';
import { callConfigOptions, callCancel } from './call/settings';
import { callDecisionJson } from './call/summary';
import { toGenerateResult, toOllamaConversation } from './convert/messages';
import { toOllamaTools } from './convert/tools';
import { createChannel } from './stream/channel';

export const PROVIDER = 'ai-dispatcher';

export class DispatcherChatModel extends BaseChatModel {
	private readonly runtime: ChatRuntime;
	private readonly log: CallLog;
	/** New tool-call ids (Ollama sends none; the root node matches tool results to calls by id). */
	private readonly newId: () => string;

	constructor(runtime: ChatRuntime, log: CallLog, newId: () => string) {
		super(PROVIDER, 'ai-dispatcher');
		this.runtime = runtime;
		this.log = log;
		this.newId = newId;
	}

	async generate(messages: Message[], config?: ChatModelConfig): Promise<GenerateResult> {
		const answer = await this.call(messages, config);
		return this.result(answer);
	}

	async *stream(messages: Message[], config?: ChatModelConfig): AsyncIterable<StreamChunk> {
		const channel = createChannel<StreamChunk>();
		// The call's cancel, or the reader leaving early; `stop.abort()` below also lets go of the call's.
		const stop = linkCancel([callCancel(config as Record<string, unknown> | undefined)]);
		const running = this.call(messages, config, {
			onDelta: (delta) => channel.push({ type: 'text-delta', delta }),
			cancel: stop.signal,
		}).then(
			(answer) => {
				const result = this.result(answer);
				for (const block of result.message.content) {
					if (block.type === 'tool-call') {
						channel.push({
							type: 'tool-call-delta',
							id: block.toolCallId,
							name: block.toolName,
							argumentsDelta: block.input,
						});
					}
				}
				channel.push({
					type: 'finish',
					finishReason: result.finishReason ?? 'stop',
					usage: result.usage,
				});
				channel.end();
			},
			(error: unknown) => channel.fail(error),
		);
		try {
			yield* channel.values;
		} finally {
			// The reader stopped early (or finished): a call still running is cancelled.
			stop.abort();
			await running;
		}
	}

	private async call(
		messages: Message[],
		config: ChatModelConfig | undefined,
		streaming: Pick<ChatCall, 'onDelta' | 'cancel'> | undefined = undefined,
	): Promise<ChatCallResult> {
		const raw = config as Record<string, unknown> | undefined;
		const call: ChatCall = {
			conversation: toOllamaConversation(messages),
			tools: toOllamaTools(this.tools, getParametersJsonSchema).tools,
			options: callConfigOptions(raw),
			...(streaming ?? { cancel: callCancel(raw) }),
		};
		const entry = this.log.start(call);
		try {
			const answer = await dispatchChatCall(this.runtime, call);
			this.log.done(entry, answer);
			return answer;
		} catch (error) {
			throw this.log.failed(entry, error);
		}
	}

	private result(answer: ChatCallResult): GenerateResult {
		const { outcome, result } = answer;
		return toGenerateResult(
			{
				text: outcome.text,
				toolCalls: outcome.toolCalls,
				doneReason: outcome.doneReason,
				promptTokens: result.usage.prompt_tokens,
				completionTokens: result.usage.completion_tokens,
				...(outcome.thinking ? { thinking: outcome.thinking } : {}),
			},
			this.newId,
			{ aiDispatcher: callDecisionJson(answer) },
		);
	}
}
