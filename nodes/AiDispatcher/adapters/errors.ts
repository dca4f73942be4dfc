/**
 * The one place engine errors become n8n errors: NodeApiError when Ollama failed, NodeOperationError
 * when the configuration or the input is wrong. Messages never carry credentials.
 */
import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import { isDispatcherError, isTransportError } from '../engine/errors';
import type { Attempt } from '../engine/types';

export type NodeError = NodeApiError | NodeOperationError;

/**
 * Converts anything thrown while handling item `itemIndex` into an n8n error. The headline stays
 * ours: n8n would otherwise replace a message mentioning ECONNRESET or ECONNREFUSED with its
 * generic "The connection to the server was closed unexpectedly…".
 */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (isDispatcherError(error)) {
		const description = [error.hint, error.details ?? attemptLines(error.attempts)]
			.filter(Boolean)
			.join('\n\n');
		if (error.code === 'ALL_CANDIDATES_FAILED' || error.code === 'OLLAMA_UNREACHABLE') {
			const apiError = new NodeApiError(
				node,
				{ code: error.code, attempts: error.attempts } as unknown as JsonObject,
				{
					message: error.message,
					description,
					itemIndex,
				},
			);
			return keepHeadline(apiError, error.message, description);
		}
		return new NodeOperationError(node, `${error.message} [item ${itemIndex}]`, {
			description,
			itemIndex,
		});
	}
	if (isTransportError(error)) {
		return keepHeadline(
			new NodeApiError(node, { message: error.message } as JsonObject, {
				message: error.message,
				itemIndex,
			}),
			error.message,
		);
	}
	const message = error instanceof Error ? error.message : String(error);
	return new NodeOperationError(node, message, { itemIndex });
}

/** Undoes NodeApiError's rewrite of a message that mentions a Node.js error code. */
function keepHeadline(error: NodeApiError, message: string, description?: string): NodeApiError {
	error.message = message;
	if (description !== undefined) error.description = description;
	return error;
}

function attemptLines(attempts: Attempt[]): string {
	if (attempts.length === 0) return '';
	return `Attempts: ${attempts.map((a, i) => `${i + 1}. ${a.model} (${a.ms} ms): ${a.ok ? 'ok' : a.error}`).join(' | ')}`;
}

/** The json of an error item under "Continue On Fail". */
export function errorItemJson(error: NodeError, cause: unknown): JsonObject {
	const json: JsonObject = { error: error.message };
	if (error.description) json.description = error.description;
	if (isDispatcherError(cause)) {
		json.code = cause.code;
		json.attempts = cause.attempts as unknown as JsonObject[];
	}
	return json;
}
