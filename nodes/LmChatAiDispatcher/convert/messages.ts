/**
 * The n8n AI SDK's messages ⇄ Ollama's /api/chat messages. Pure; type-only SDK imports, so it runs
 * (and is tested) without the host's SDK.
 */
import type { ContentToolCall, GenerateResult, Message, MessageContent } from '@n8n/ai-node-sdk';

import type { ChatMessage, ToolCall } from '../../AiDispatcher/engine/types';

/** The conversation for Ollama, plus the text whose complexity decides the model. */
export interface OllamaConversation {
	messages: ChatMessage[];
	/** The last user turn (what this call asks); the last non-empty turn when there is no user turn. */
	analysedText: string;
}

/** Converts the SDK's messages into Ollama's chat messages (system, user, assistant with tool calls, tool results). */
export function toOllamaConversation(messages: readonly Message[]): OllamaConversation {
	const toolNames = new Map<string, string>();
	const out: ChatMessage[] = [];
	for (const [index, message] of messages.entries()) {
		if (!message || !Array.isArray(message.content)) {
			throw new Error(
				`AI Dispatcher Chat Model: message ${index} has no content array (role ${JSON.stringify(message?.role)})`,
			);
		}
		if (message.role === 'tool') {
			out.push(...toolResults(message, toolNames));
			continue;
		}
		const content = textOf(message.content);
		if (message.role === 'assistant') {
			const calls = message.content.filter((c): c is ContentToolCall => c.type === 'tool-call');
			for (const call of calls) if (call.toolCallId) toolNames.set(call.toolCallId, call.toolName);
			out.push(
				calls.length > 0
					? { role: 'assistant', content, tool_calls: calls.map(toOllamaToolCall) }
					: { role: 'assistant', content },
			);
			continue;
		}
		out.push({ role: message.role === 'system' ? 'system' : 'user', content });
	}
	return { messages: out, analysedText: analysedTextOf(out) };
}

function analysedTextOf(messages: ChatMessage[]): string {
	const lastUser = [...messages]
		.reverse()
		.find((m) => m.role === 'user' && m.content.trim().length > 0);
	if (lastUser) return lastUser.content;
	return [...messages].reverse().find((m) => m.content.trim().length > 0)?.content ?? '';
}

/** The text blocks of a message, joined by blank lines (reasoning, files and provider blocks are not sent). */
function textOf(content: readonly MessageContent[]): string {
	return content
		.filter((c): c is Extract<MessageContent, { type: 'text' }> => c.type === 'text')
		.map((c) => c.text)
		.join('\n\n');
}

function toolResults(message: Message, toolNames: ReadonlyMap<string, string>): ChatMessage[] {
	const results = message.content.filter(
		(c): c is Extract<MessageContent, { type: 'tool-result' }> => c.type === 'tool-result',
	);
	if (results.length === 0)
		return [
			{
				role: 'tool',
				content: textOf(message.content),
				...(message.name ? { tool_name: message.name } : {}),
			},
		];
	return results.map((r) => {
		const name = toolNames.get(r.toolCallId) ?? message.name;
		return { role: 'tool', content: resultText(r.result), ...(name ? { tool_name: name } : {}) };
	});
}

function resultText(result: unknown): string {
	if (typeof result === 'string') return result;
	if (
		Array.isArray(result) &&
		result.every((r) => r && typeof r === 'object' && (r as { type?: unknown }).type === 'text')
	) {
		return textOf(result as MessageContent[]);
	}
	return JSON.stringify(result) ?? '';
}

function toOllamaToolCall(call: ContentToolCall): ToolCall {
	return { function: { name: call.toolName, arguments: parseArguments(call.input) } };
}

/** Tool-call input (a JSON text) as Ollama's `arguments` object; a non-object is kept under `input`. */
function parseArguments(input: string): Record<string, unknown> {
	try {
		const parsed = JSON.parse(input) as unknown;
		if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
			return parsed as Record<string, unknown>;
		return { input: parsed };
	} catch {
		return input.trim() === '' ? {} : { input };
	}
}

/** What the model answered, for `generate()`. */
export interface OllamaReply {
	text: string;
	toolCalls?: readonly ToolCall[];
	doneReason?: string;
	promptTokens: number;
	completionTokens: number;
	/** The thinking text, apart from the answer (a `reasoning` block before the text). */
	thinking?: string;
}

/**
 * Ollama's reply as the SDK's result: a reasoning block (the thinking text, when the model thought),
 * a text block (when there is text) and one tool-call block per
 * call, with ids from `newId` (Ollama sends none; the agent matches results to calls by id).
 */
export function toGenerateResult(
	reply: OllamaReply,
	newId: () => string,
	providerMetadata: Record<string, unknown>,
): GenerateResult {
	const content: MessageContent[] = [];
	if (reply.thinking) content.push({ type: 'reasoning', text: reply.thinking });
	if (reply.text.length > 0 || !reply.toolCalls?.length)
		content.push({ type: 'text', text: reply.text });
	for (const call of reply.toolCalls ?? []) {
		content.push({
			type: 'tool-call',
			toolCallId: newId(),
			toolName: call.function.name,
			input: JSON.stringify(call.function.arguments),
		});
	}
	return {
		finishReason: reply.toolCalls?.length
			? 'tool-calls'
			: reply.doneReason === 'length'
				? 'length'
				: 'stop',
		usage: {
			promptTokens: reply.promptTokens,
			completionTokens: reply.completionTokens,
			totalTokens: reply.promptTokens + reply.completionTokens,
		},
		message: { role: 'assistant', content },
		providerMetadata,
	};
}
