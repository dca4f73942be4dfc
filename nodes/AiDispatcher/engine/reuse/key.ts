/**
 * The reuse key: one sha256 over everything sent to a model that changes its answer, except the
 * model and its options (those are checked per stored answer, see `optionsKey` and `eligible.ts`).
 * Keys are hashes: no prompt text is kept in them.
 */
import { createHash } from 'node:crypto';

import type { DispatchRequest, ModelOptions } from '../types';

/**
 * The model options that do NOT change an answer: how long the model stays loaded and our own
 * timeout. The one list: every other option (temperature, seed, num_predict, num_ctx, top_k, top_p,
 * stop, think, and options added later) is part of the key by default.
 */
export const ANSWER_NEUTRAL_OPTIONS: ReadonlySet<string> = new Set(['keep_alive', 'timeoutMs']);

/** JSON with object keys sorted at every depth, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
	if (value === undefined) return 'null';
	if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record)
		.filter((k) => record[k] !== undefined)
		.sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/**
 * sha256 (hex) of the request's prompt or messages, system prompt and output format (schema
 * included), the `extras` sent with it (tools, call options) and the credential scope. The task and
 * complexity fields are not part of it: they steer the choice of model, which `eligible.ts` checks.
 */
export function requestKey(
	request: DispatchRequest,
	scope: string,
	extras?: Record<string, unknown>,
): string {
	return createHash('sha256')
		.update(
			canonicalJson([
				'v1',
				scope,
				request.prompt ?? null,
				request.messages ?? null,
				request.system ?? null,
				request.format,
				extras ?? null,
			]),
		)
		.digest('hex');
}

/** The options that change an answer (all but `ANSWER_NEUTRAL_OPTIONS`), as canonical JSON. */
export function optionsKey(options: ModelOptions | Record<string, unknown>): string {
	const kept: Record<string, unknown> = {};
	for (const [name, value] of Object.entries(options))
		if (!ANSWER_NEUTRAL_OPTIONS.has(name)) kept[name] = value;
	return canonicalJson(kept);
}

/** A digest of a credential's identity, safe to keep: its id, Ollama URLs and a hash of its API key. */
export function scopeDigest(parts: {
	credentialId: string;
	baseUrls: readonly string[];
	apiKey?: string;
}): string {
	const keyHash = parts.apiKey ? createHash('sha256').update(parts.apiKey).digest('hex') : '';
	return createHash('sha256')
		.update(canonicalJson([parts.credentialId, parts.baseUrls, keyHash]))
		.digest('hex');
}
