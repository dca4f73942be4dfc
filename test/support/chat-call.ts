/**
 * One chat-model call's runtime without n8n or HTTP: a session opened on the fake node context
 * (`n8n-context.ts`) with its model calls going to a scripted Ollama (`fakes.ts`), the node's own
 * settings read from `params`, and a tool-support check that excludes nothing unless told.
 */
import { openSession } from '../../nodes/AiDispatcher/adapters/session';
import { createDispatcherState, type DispatcherState } from '../../nodes/AiDispatcher/engine/state';
import type { ChatMessage } from '../../nodes/AiDispatcher/engine/types';
import type { ChatCall, ChatRuntime } from '../../nodes/LmChatAiDispatcher/call/dispatchCall';
import { readChatSettings } from '../../nodes/LmChatAiDispatcher/call/settings';
import type { OllamaTool } from '../../nodes/LmChatAiDispatcher/convert/tools';
import { fakePorts, scriptedOllama, type Script } from './fakes';
import { createContext } from './n8n-context';
import { MODEL_LIST } from './node-run';

export const CHAT_HOST = 'http://ollama:11434';

export interface ChatRuntimeOptions {
	params?: Record<string, unknown>;
	state?: DispatcherState;
	/** Models the tool-support check reports without tool support. */
	noTools?: string[];
}

export async function scriptedChatRuntime(script: Script, options: ChatRuntimeOptions = {}) {
	const state = options.state ?? createDispatcherState();
	const made = createContext({
		credentials: { baseUrl: CHAT_HOST },
		params: {
			modelSource: 'list',
			models: MODEL_LIST,
			options: {},
			useSignals: false,
			...options.params,
		},
	});
	const session = await openSession(made.execute, state);
	const { ollama, calls } = scriptedOllama(script);
	const runtime: ChatRuntime = {
		session: { ...session, ports: fakePorts(ollama) },
		itemIndex: 0,
		settings: readChatSettings(made.execute, 0),
		toolSupport: {
			lacking: async (models) =>
				new Map(
					models.filter((m) => options.noTools?.includes(m)).map((m) => [m, 'no tool support']),
				),
		},
	};
	return { runtime, calls, state };
}

/** A call of one user turn, no tools, no options, not streamed. */
export function chatCall(text: string, extra: Partial<ChatCall> = {}): ChatCall {
	const messages: ChatMessage[] = [{ role: 'user', content: text }];
	return { conversation: { messages, analysedText: text }, tools: [], options: {}, ...extra };
}

export const LOOKUP_TOOL: OllamaTool = {
	type: 'function',
	function: {
		name: 'lookup_ticket',
		description: 'Look up a Jira ticket by key',
		parameters: { type: 'object', properties: { key: { type: 'string' } } },
	},
};
