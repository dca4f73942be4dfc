/**
 * What a user sees about each call: which model answered and why. The same summary goes into the
 * response metadata (`response_metadata.aiDispatcher` on the message LangChain gets) and into the
 * sub-node's entry in n8n's logs panel.
 */
import type { IDataObject } from 'n8n-workflow';

import { costJson, thinkingJson } from '../../AiDispatcher/adapters/output/answer';
import { decisionJson } from '../../AiDispatcher/adapters/output/decision';
import { reusedJson } from '../../AiDispatcher/adapters/output/reused';
import type { ChatCall, ChatCallResult } from './dispatchCall';

/** The input side of a logged call: the conversation's shape, what was analysed, the tools offered. */
export function callInputJson(call: ChatCall): IDataObject {
	return {
		messages: call.conversation.messages.map((m) => ({
			role: m.role,
			content: m.content,
			...(m.tool_calls ? { tool_calls: m.tool_calls.map((c) => ({ ...c.function })) } : {}),
			...(m.tool_name ? { tool_name: m.tool_name } : {}),
		})) as IDataObject[],
		analysedText: call.conversation.analysedText,
		tools: call.tools.map((t) => t.function.name),
		streaming: call.onDelta !== undefined,
	};
}

/** The decision for one call, compact: model, tier, reason, complexity, attempts, exclusions. */
export function callDecisionJson(answer: ChatCallResult): IDataObject {
	const { result, noTools } = answer;
	return {
		summary: answer.summary,
		model: result.model,
		tier: result.tier,
		host: result.host ?? null,
		reason: result.decision.reason,
		complexity: {
			score: result.complexity.score,
			tier: result.complexity.tier,
			task: result.complexity.task,
			forced: result.complexity.forced,
		},
		attempts: result.attempts.map((a) => ({ ...a })) as unknown as IDataObject[],
		skippedForTools: noTools,
		toolCalls: (result.reply.toolCalls ?? []).map((c) => c.function.name),
		usage: { ...result.usage },
		// With an endpoint: tokens and exact cost of the call (0, not priced, when a local model answered).
		...(result.cost ? { cost: costJson(result.cost) } : {}),
		// Whether the model thought, at which effort and why (the text is in the output entry's `thinking`).
		...(result.thinking
			? {
					thinking: {
						thought: result.thinking.text.length > 0,
						effort: result.thinking.effort,
						reason: result.thinking.reason,
					},
				}
			: {}),
		...(answer.signals ? { signals: answer.signals } : {}),
		...(result.reused ? { reused: reusedJson(result.reused) } : {}),
	};
}

/** The logs panel's output entry: the compact decision, the reply, and the full ranked candidates. */
export function callOutputJson(answer: ChatCallResult): IDataObject {
	return {
		...callDecisionJson(answer),
		response: answer.result.reply.text,
		...(answer.result.thinking ? { thinking: thinkingJson(answer.result.thinking) } : {}),
		decision: decisionJson(answer.result.decision),
		// The shape n8n's logs panel reads for token counts (its own tracing entry is not logged).
		tokenUsage: {
			promptTokens: answer.result.usage.prompt_tokens,
			completionTokens: answer.result.usage.completion_tokens,
			totalTokens: answer.result.usage.prompt_tokens + answer.result.usage.completion_tokens,
		},
	};
}
