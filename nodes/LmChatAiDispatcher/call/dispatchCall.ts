/**
 * One chat-model call through the engine's one entry point, `planItem` then `runPlan` (the path
 * Generate and Select Model take), with the call's conversation instead of an item's prompt. THE
 * single place where the chat model meets the engine. Calls of one instance (one execution) stick
 * to the model that answered the previous call when the tier allows it (`engine/selection/sticky.ts`).
 */
import type { IDataObject } from 'n8n-workflow';

import { readDispatchConfig } from '../../AiDispatcher/actions/itemConfig';
import { signalsJson } from '../../AiDispatcher/actions/output';
import type { Session } from '../../AiDispatcher/actions/session';
import { pushAfterExecution } from '../../AiDispatcher/adapters/metrics';
import { readItem } from '../../AiDispatcher/adapters/rules';
import { linkCancel } from '../../AiDispatcher/engine/cancel';
import type { DispatchConfig } from '../../AiDispatcher/engine/decision';
import { planItem, runPlan } from '../../AiDispatcher/engine/plan';
import { resultStory } from '../../AiDispatcher/engine/story';
import { stickToPrevious } from '../../AiDispatcher/engine/selection/sticky';
import type { GenerateOutcome } from '../../AiDispatcher/engine/ports';
import { firstLiveHost } from '../../AiDispatcher/engine/resilience/liveness';
import type { DispatchRequest, DispatchResult } from '../../AiDispatcher/engine/types';
import type { OllamaConversation } from '../convert/messages';
import type { OllamaTool } from '../convert/tools';
import { chatPort, replyOutcome } from './chatPort';
import type { ChatSettings } from './settings';
import type { ToolSupport } from './toolSupport';

/** What one chat-model instance shares between its calls. */
export interface ChatRuntime {
	session: Session;
	/** The root node's item this instance was supplied for. */
	itemIndex: number;
	settings: ChatSettings;
	toolSupport: ToolSupport;
	/** The model that answered this instance's previous call (the conversation sticks to it when its tier allows). */
	previousModel?: string | null;
}

export interface ChatCall {
	conversation: OllamaConversation;
	tools: readonly OllamaTool[];
	/** Ollama options the root node asked for in this call (over the node's and the model's). */
	options: Record<string, unknown>;
	onDelta?: (text: string) => void;
	/** The call's own cancel (besides the execution's). */
	cancel?: AbortSignal;
}

export interface ChatCallResult {
	result: DispatchResult;
	/** The call in one plain sentence naming the model that answered (and why the first choice did not). */
	summary: string;
	/** The answering model's full reply (text, tool calls, done reason). */
	outcome: GenerateOutcome;
	/** Models left out because the call offers tools and they have no tool support. */
	noTools: string[];
	/** The live signals used, when Signals are on (the main node's `signals` field). */
	signals?: IDataObject;
}

export async function dispatchChatCall(
	runtime: ChatRuntime,
	call: ChatCall,
): Promise<ChatCallResult> {
	// The call's own cancel and the execution's, let go of when the call ends (the execution's lives on).
	const cancel = linkCancel([call.cancel, runtime.session.ports.cancel]);
	try {
		return await dispatchWithin(runtime, call, cancel.signal);
	} finally {
		cancel.dispose();
	}
}

async function dispatchWithin(
	runtime: ChatRuntime,
	call: ChatCall,
	cancel: AbortSignal,
): Promise<ChatCallResult> {
	const { session, itemIndex, settings } = runtime;
	const { ctx, state } = session;
	const config = withModelDefaults(await readDispatchConfig(session, itemIndex), settings);
	const request: DispatchRequest = {
		messages: call.conversation.messages,
		analysedText: call.conversation.analysedText,
		task: settings.task,
		complexity: settings.complexity,
		format: settings.format,
	};
	const toolsHost = firstLiveHost(state.resilience, config.baseUrls, session.ports.clock.nowMs());
	const noTools =
		call.tools.length > 0
			? await runtime.toolSupport.lacking(
					config.models.map((m) => m.name),
					toolsHost,
				)
			: new Map<string, string>();

	const chat = chatPort(session.ports.ollama, {
		tools: call.tools,
		options: call.options,
		onDelta: call.onDelta,
	});
	const ports = { ...session.ports, ollama: chat.port, cancel };

	// An agent's call is reused only when the whole conversation, its tools and call options are
	// identical (the node's own options too: one stored answer per key, so they belong in it).
	const reuse = config.reuse
		? {
				...config.reuse,
				extras: { tools: call.tools, options: call.options, nodeOptions: settings.modelDefaults },
			}
		: undefined;
	const planned = await planItem(request, { ...config, reuse }, state, ports, {
		item: readItem(ctx, itemIndex),
		excluded: noTools,
	});
	const sticky = {
		...planned,
		decision: stickToPrevious(
			planned.decision,
			runtime.previousModel,
			config.router?.operatingPoint ?? 'balanced',
		),
	};
	const plan = call.tools.length > 0 ? { ...sticky, tools: true } : sticky;
	// runPlan counts the call in the state's metrics (shared with the main node); the push is throttled
	// to one per push interval and never throws.
	const result = await runPlan(plan, ports, state).finally(() =>
		pushAfterExecution(ctx, state, session.connection, session.ports),
	);
	runtime.previousModel = result.model;
	const reply =
		result.reused && result.reply
			? replyOutcome(result.reply, result.usage)
			: (chat.outcomeOf(result.model) as GenerateOutcome);
	// A reused answer made no call, so nothing streamed yet: the root node gets its text at once.
	if (result.reused && reply.text !== '') call.onDelta?.(reply.text);
	return {
		result,
		outcome: reply,
		noTools: [...noTools.keys()],
		summary: resultStory(plan, result),
		...(plan.signals ? { signals: signalsJson(plan.signals) } : {}),
	};
}

/** The node's Options (temperature, max tokens, context, top K/P, keep alive, …) under each model's own options. */
function withModelDefaults(config: DispatchConfig, settings: ChatSettings): DispatchConfig {
	if (Object.keys(settings.modelDefaults).length === 0) return config;
	return {
		...config,
		models: config.models.map((m) => ({
			...m,
			options: { ...settings.modelDefaults, ...m.options },
		})),
	};
}
