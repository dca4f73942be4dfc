/**
 * Each call as an entry of the sub-node in n8n's logs panel (input: the conversation and tools;
 * output: the decision and reply, or the error), through the same `addInputData`/`addOutputData`
 * n8n's own sub-nodes use: one entry per call. n8n's LLM tracing (attached by the SDK's
 * `supplyModel`) would add a second one; `oneEntryPerCall.ts` drops it.
 */
import { NodeConnectionTypes, type ISupplyDataFunctions } from 'n8n-workflow';

import { toNodeError, type NodeError } from '../../AiDispatcher/adapters/errors';
import type { ChatCall, ChatCallResult } from './dispatchCall';
import { callInputJson, callOutputJson } from './summary';

export interface CallLog {
	/** Logs the call's input; returns the entry to complete. */
	start(call: ChatCall): number;
	done(entry: number, answer: ChatCallResult): void;
	/** Logs the error as n8n shows it, and returns that error (to throw to the root node). */
	failed(entry: number, error: unknown): NodeError;
}

export function callLog(
	ctx: Pick<ISupplyDataFunctions, 'addInputData' | 'addOutputData' | 'getNode'>,
	itemIndex: number,
): CallLog {
	const type = NodeConnectionTypes.AiLanguageModel;
	return {
		start(call) {
			return ctx.addInputData(type, [[{ json: callInputJson(call) }]]).index;
		},
		done(entry, answer) {
			ctx.addOutputData(type, entry, [[{ json: callOutputJson(answer) }]]);
		},
		failed(entry, error) {
			const nodeError = toNodeError(ctx.getNode(), error, itemIndex);
			ctx.addOutputData(type, entry, nodeError);
			return nodeError;
		},
	};
}
