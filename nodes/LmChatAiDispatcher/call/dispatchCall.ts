/**
 * One chat-model call through the engine: the same per-item path as the main node's Generate
 * (models, rules, live signals, breakers, learned stats, retries and fallback), with the call's
 * conversation instead of an item's prompt. THE single place where the chat model meets the engine.
 */
import type { IDataObject } from 'n8n-workflow';

import { itemSignals, learnFrom, trackedPorts } from '../../AiDispatcher/actions/signals';
import { readDispatchConfig } from '../../AiDispatcher/actions/itemConfig';
import type { Session } from '../../AiDispatcher/actions/session';
import { readItem } from '../../AiDispatcher/adapters/rules';
import { dispatch, type DispatchConfig } from '../../AiDispatcher/engine/dispatch';
import type { GenerateOutcome } from '../../AiDispatcher/engine/ports';
import { firstLiveHost } from '../../AiDispatcher/engine/resilience/liveness';
import { settle } from '../../AiDispatcher/engine/result';
import type { DispatchRequest, DispatchResult } from '../../AiDispatcher/engine/types';
import type { OllamaConversation } from '../convert/messages';
import type { OllamaTool } from '../convert/tools';
import { chatPort } from './chatPort';
import type { ChatSettings } from './settings';
import type { ToolSupport } from './toolSupport';

/** What one chat-model instance shares between its calls. */
export interface ChatRuntime {
	session: Session;
	/** The root node's item this instance was supplied for. */
	itemIndex: number;
	settings: ChatSettings;
	toolSupport: ToolSupport;
}

export interface ChatCall {
	conversation: OllamaConversation;
	tools: readonly OllamaTool[];
	/** Ollama options the root node asked for in this call (over the node's and the model's). */
	options: Record<string, unknown>;
	onDelta?: (text: string) => void;
	/** The call's own cancel signal (besides the execution's). */
	signal?: AbortSignal;
}

export interface ChatCallResult {
	result: DispatchResult;
	/** The answering model's full reply (text, tool calls, done reason). */
	outcome: GenerateOutcome;
	/** Models left out because the call offers tools and they have no tool support. */
	noTools: string[];
	/** The live signals used, when Signals are on (the main node's `signals` field). */
	signals?: IDataObject;
}

export async function dispatchChatCall(runtime: ChatRuntime, call: ChatCall): Promise<ChatCallResult> {
	const { session, itemIndex, settings } = runtime;
	const config = withModelDefaults(await readDispatchConfig(session, itemIndex), settings);
	const request: DispatchRequest = {
		messages: call.conversation.messages,
		analysedText: call.conversation.analysedText,
		task: settings.task,
		complexity: settings.complexity,
		format: settings.format,
	};
	const nowMs = session.ports.clock.nowMs();
	// Live signals come from the first Ollama host that is not known to be down.
	const signalsHost = firstLiveHost(config.baseUrls, nowMs);
	const signals = await itemSignals(session, itemIndex, signalsHost);
	const noTools = call.tools.length > 0 ? await runtime.toolSupport.lacking(config.models.map((m) => m.name), signalsHost) : new Map<string, string>();
	const excluded = new Map([...(signals?.context.excluded ?? []), ...noTools]);
	const context = { ...signals?.context, excluded, item: readItem(session.ctx, itemIndex) };

	const tracked = trackedPorts(session.ports);
	const chat = chatPort(tracked.ollama, { tools: call.tools, options: call.options, onDelta: call.onDelta });
	const signal = call.signal && tracked.signal ? AbortSignal.any([call.signal, tracked.signal]) : (call.signal ?? tracked.signal);
	const ports = { ...tracked, ollama: chat.port, signal };

	const outcome = await settle(dispatch(request, config, ports, context));
	learnFrom(signalsHost, outcome, session.ports.clock.nowMs());
	if (!outcome.ok) throw outcome.error;
	const reply = chat.outcomeOf(outcome.value.model) as GenerateOutcome;
	return { result: outcome.value, outcome: reply, noTools: [...noTools.keys()], ...(signals ? { signals: signals.json } : {}) };
}

/** The node's Options (temperature, max tokens, context, keep alive) under each model's own options. */
function withModelDefaults(config: DispatchConfig, settings: ChatSettings): DispatchConfig {
	if (Object.keys(settings.modelDefaults).length === 0) return config;
	return { ...config, models: config.models.map((m) => ({ ...m, options: { ...settings.modelDefaults, ...m.options } })) };
}
