/**
 * The Ollama versions the request features need, and the explanation added to an item's failure
 * when the Ollama that failed it is older: thinking (`think`, the separate `thinking` text) came in
 * 0.9.0, effort levels (gpt-oss) in 0.11.0, JSON-schema output (`format` as a schema) in 0.5.0,
 * tool calling in 0.3.0 (the first tag of Ollama's source with each request field; tools, accepted
 * from the 0.2.6 tag, were announced with 0.3.0). The table: docs/ollama-versions.md.
 */
import { DispatcherError } from './errors';
import { MAX_HEADLINE_CHARS } from './failures';
import type { EnginePorts } from './ports';
import { settle } from './result';
import type { DispatchRequest, ThinkingChoice } from './types';

/** A request feature and the first Ollama version that has it. */
export const FEATURE_VERSIONS = {
	thinking: { version: '0.9.0', what: 'thinking (think, the thinking text apart from the answer)' },
	thinkLevels: {
		version: '0.11.0',
		what: 'thinking effort levels (think: "low" | "medium" | "high")',
	},
	jsonSchema: { version: '0.5.0', what: 'JSON schema output' },
	tools: { version: '0.3.0', what: 'tool calling' },
} as const;
export type Feature = keyof typeof FEATURE_VERSIONS;

/** Limit of the /api/version lookup made after a failure, in ms. */
export const VERSION_TIMEOUT_MS = 3_000;

/** -1, 0 or 1 as `a` is older than, the same as or newer than `b` ("0.12.6" vs "0.9.0"; a suffix such as "-rc2" is ignored). */
export function compareVersions(a: string, b: string): number {
	const parts = (v: string) =>
		v
			.replace(/^v/, '')
			.split(/[-+]/)[0]
			.split('.')
			.map((p) => Number.parseInt(p, 10) || 0);
	const [x, y] = [parts(a), parts(b)];
	for (let i = 0; i < Math.max(x.length, y.length); i++) {
		const d = (x[i] ?? 0) - (y[i] ?? 0);
		if (d !== 0) return d < 0 ? -1 : 1;
	}
	return 0;
}

/** The features a call of this item uses: from its request, the thinking sent, and tools offered. */
export function featuresUsed(
	request: DispatchRequest,
	thinking: readonly ThinkingChoice[],
	withTools: boolean,
): Feature[] {
	const used: Feature[] = [];
	if (thinking.some((t) => t.think !== undefined)) used.push('thinking');
	if (thinking.some((t) => typeof t.think === 'string')) used.push('thinkLevels');
	if (request.format.type === 'jsonSchema') used.push('jsonSchema');
	if (withTools) used.push('tools');
	return used;
}

/** The features `version` is too old for, newest need first. */
export function missingFeatures(version: string, used: readonly Feature[]): Feature[] {
	return used
		.filter((f) => compareVersions(version, FEATURE_VERSIONS[f].version) < 0)
		.sort((a, b) => compareVersions(FEATURE_VERSIONS[b].version, FEATURE_VERSIONS[a].version));
}

/**
 * `error` with the Ollama version named when the item used a feature the Ollama at `baseUrl` is too
 * old for (asked on /api/version); `error` unchanged otherwise, or when the version cannot be read.
 */
export async function explainOldOllama(
	error: DispatcherError,
	used: readonly Feature[],
	baseUrl: string,
	ports: EnginePorts,
): Promise<DispatcherError> {
	if (used.length === 0 || error.code !== 'ALL_CANDIDATES_FAILED') return error;
	const read = await settle(ports.ollama.version(baseUrl, VERSION_TIMEOUT_MS, ports.cancel));
	if (!read.ok) return error;
	const missing = missingFeatures(read.value, used);
	if (missing.length === 0) return error;
	const needs = missing
		.map((f) => `${FEATURE_VERSIONS[f].what} needs Ollama ${FEATURE_VERSIONS[f].version} or later`)
		.join('; ');
	const version = `Ollama at ${baseUrl} is version ${read.value}: ${needs}`;
	const headline = `${version}. ${error.message}`;
	// The headline stays within what n8n shows on one line; the attempts stay in the details.
	return new DispatcherError(
		'ALL_CANDIDATES_FAILED',
		headline.length <= MAX_HEADLINE_CHARS ? headline : version,
		{
			attempts: error.attempts,
			...(error.details ? { details: error.details } : {}),
			hint: `Update Ollama to ${FEATURE_VERSIONS[missing[0]].version} or later (https://ollama.com/download), or stop using ${missing.map((f) => FEATURE_VERSIONS[f].what).join(' and ')}.`,
		},
	);
}
