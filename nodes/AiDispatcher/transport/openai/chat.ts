/**
 * POST `<baseUrl>/chat/completions`, streamed (SSE), within the same limits as the Ollama
 * transport: `timeoutMs` in all (the HttpPort's deadline), `firstTokenTimeoutMs` to the first
 * line, `stallTimeoutMs` between lines, `MAX_REPLY_CHARS` of text, `MAX_LINE_CHARS` per line, error
 * bodies read to `MAX_ERROR_BODY_CHARS`. Every chunk is checked on arrival.
 */
import { TransportError } from '../../engine/errors';
import type { GenerateCall, GenerateOutcome, HttpPort } from '../../engine/ports';
import { parseJson } from '../../engine/result';
import type { ToolCall, Usage } from '../../engine/types';
import { MAX_ERROR_BODY_CHARS, readLines, readText, sizeLabel } from '../body';
import { streamGeneration } from '../stream';
import { MAX_REPLY_CHARS } from '../ollama';
import { joinUrl } from '../url';
import { openAiStatusError, parseRetryAfterMs, streamError, wireError } from './errors';
import { chatBody } from './request';
import { parseSseLine } from './sse';
import { ChunkTemplate } from './template';

/** Streams one chat completion from an OpenAI-compatible endpoint. Failures reject with a `TransportError`. */
export async function chatCompletion(
	http: HttpPort,
	call: GenerateCall,
	nowMs: () => number = Date.now,
): Promise<GenerateOutcome> {
	return await streamGeneration(http, call, {
		url: joinUrl(call.baseUrl, '/chat/completions'),
		body: chatBody(call),
		statusError: async (response) => {
			const text = await readText(response.body, MAX_ERROR_BODY_CHARS);
			const retryAfterMs = parseRetryAfterMs(response.headers?.['retry-after'], nowMs());
			return openAiStatusError(response.status, text, retryAfterMs);
		},
		read: readSseStream,
	});
}

/** A tool call being assembled from its streamed pieces (OpenAI sends arguments in fragments). */
interface PartialToolCall {
	name: string;
	arguments: string;
}

/**
 * Reads an OpenAI SSE stream to its `[DONE]`: text from `choices[0].delta.content`, tool calls
 * assembled by index, `finish_reason`, and the usage chunk. Exported for tests.
 */
export async function readSseStream(
	body: AsyncIterable<Uint8Array | string>,
	onLine: (charsSoFar: number) => void = () => undefined,
	onDelta?: (text: string) => void,
): Promise<GenerateOutcome> {
	const parts: string[] = [];
	const thoughts: string[] = [];
	const tools = new Map<number, PartialToolCall>();
	let chars = 0;
	let usage: Usage = {
		prompt_tokens: 0,
		completion_tokens: 0,
		total_ms: 0,
		load_ms: 0,
		tokens_per_s: 0,
	};
	let finishReason: string | undefined;
	const template = new ChunkTemplate();
	for await (const line of readLines(body)) {
		// The common chunk (only its content differs from a chunk checked in full) is checked by parsing its content alone.
		const known = template.content(line);
		let delta: Delta;
		if (known !== undefined) {
			delta = { content: known, reasoning: '', toolCalls: NO_TOOL_CALLS };
		} else {
			const event = parseSseLine(line);
			if (event.type === 'skip') continue;
			if (event.type === 'done') {
				const toolCalls = [...tools.entries()]
					.sort(([a], [b]) => a - b)
					.map(([, t]) => toolCall(t));
				return {
					text: parts.join(''),
					usage,
					...(toolCalls.length > 0 ? { toolCalls } : {}),
					...(finishReason !== undefined ? { doneReason: finishReason } : {}),
					...(thoughts.length > 0 ? { thinking: thoughts.join('') } : {}),
				};
			}
			const chunk = event.json as { choices?: unknown; usage?: unknown; error?: unknown };
			if (wireError(chunk) !== undefined) throw streamError(chunk, event.line);
			delta = choiceDelta(chunk, event.line);
			if (chunk.usage !== undefined && chunk.usage !== null)
				usage = usageFrom(chunk.usage, event.line);
			template.learn(line, chunk);
		}
		const piece = delta.content;
		chars += piece.length + delta.reasoning.length;
		if (chars > MAX_REPLY_CHARS)
			throw new TransportError(
				'too_large',
				`reply longer than ${sizeLabel(MAX_REPLY_CHARS)} without [DONE] (reply too large)`,
			);
		if (piece.length > 0) parts.push(piece);
		if (delta.reasoning.length > 0) thoughts.push(delta.reasoning);
		for (const fragment of delta.toolCalls) {
			const partial = tools.get(fragment.index) ?? { name: '', arguments: '' };
			tools.set(fragment.index, {
				name: partial.name + fragment.name,
				arguments: partial.arguments + fragment.arguments,
			});
		}
		if (delta.finishReason !== undefined) finishReason = delta.finishReason;
		onLine(chars);
		if (piece.length > 0) onDelta?.(piece);
	}
	throw new TransportError(
		'truncated',
		`stream ended without "data: [DONE]" after ${chars} characters`,
	);
}

interface Delta {
	content: string;
	reasoning: string;
	finishReason?: string;
	toolCalls: Array<{ index: number; name: string; arguments: string }>;
}

const NO_TOOL_CALLS: Delta['toolCalls'] = [];

const garbage = (what: string, line: string) =>
	new TransportError(
		'garbage',
		`stream chunk's ${what}: "${line.length > 80 ? `${line.slice(0, 80)}…` : line}"`,
	);

/** The first choice's delta, checked: strings where strings belong. */
function choiceDelta(chunk: { choices?: unknown }, line: string): Delta {
	const empty: Delta = { content: '', reasoning: '', toolCalls: NO_TOOL_CALLS };
	if (chunk.choices === undefined || chunk.choices === null) return empty;
	if (!Array.isArray(chunk.choices)) throw garbage('"choices" is not an array', line);
	if (chunk.choices.length === 0) return empty; // the usage chunk
	const choice = chunk.choices[0] as { delta?: unknown; finish_reason?: unknown } | null;
	if (!choice || typeof choice !== 'object') throw garbage('choices[0] is not an object', line);
	const delta = (choice.delta ?? {}) as Record<string, unknown>;
	if (typeof delta !== 'object' || Array.isArray(delta))
		throw garbage('choices[0].delta is not an object', line);
	const content = deltaText(delta, 'content', line);
	const reasoning =
		deltaText(delta, 'reasoning_content', line) || deltaText(delta, 'reasoning', line);
	const toolCalls =
		delta.tool_calls === undefined ? NO_TOOL_CALLS : toolFragments(delta.tool_calls, line);
	return typeof choice.finish_reason === 'string'
		? { content, reasoning, toolCalls, finishReason: choice.finish_reason }
		: { content, reasoning, toolCalls };
}

/** A text field of a delta: '' when absent, a `garbage` failure when not a string. */
function deltaText(delta: Record<string, unknown>, field: string, line: string): string {
	const value = delta[field];
	if (value === undefined || value === null) return '';
	if (typeof value !== 'string') throw garbage(`delta.${field} is not a string`, line);
	return value;
}

function toolFragments(wire: unknown, line: string): Delta['toolCalls'] {
	if (wire === undefined || wire === null) return [];
	if (!Array.isArray(wire)) throw garbage('delta.tool_calls is not an array', line);
	return wire.map((entry: unknown, i) => {
		const e = (entry ?? {}) as {
			index?: unknown;
			function?: { name?: unknown; arguments?: unknown };
		};
		const index =
			typeof e.index === 'number' && Number.isInteger(e.index) && e.index >= 0 && e.index < 128
				? e.index
				: i;
		const name = e.function?.name;
		const args = e.function?.arguments;
		if (
			(name !== undefined && typeof name !== 'string') ||
			(args !== undefined && typeof args !== 'string')
		)
			throw garbage('tool call is not {name, arguments} text', line);
		return { index, name: name ?? '', arguments: args ?? '' };
	});
}

function toolCall(t: PartialToolCall): ToolCall {
	if (t.name === '')
		throw new TransportError('garbage', 'a streamed tool call has no function name');
	const parsed =
		t.arguments.trim() === '' ? { ok: true as const, value: {} } : parseJson(t.arguments);
	const value = parsed.ok ? parsed.value : { input: t.arguments };
	const args =
		value && typeof value === 'object' && !Array.isArray(value)
			? (value as Record<string, unknown>)
			: { input: value };
	return { function: { name: t.name, arguments: args } };
}

/** Counts above this are not believed (no context window holds a billion tokens). */
const MAX_TOKEN_COUNT = 1e9;

/** The usage chunk's token counts; a count that is not a whole number in 0..1e9 fails the call (its cost would be wrong). */
function usageFrom(wire: unknown, line: string): Usage {
	const u = wire as { prompt_tokens?: unknown; completion_tokens?: unknown };
	const count = (value: unknown, field: string): number => {
		if (value === undefined || value === null) return 0;
		if (
			typeof value !== 'number' ||
			!Number.isInteger(value) ||
			value < 0 ||
			value > MAX_TOKEN_COUNT
		)
			throw garbage(`usage.${field} is not a token count`, line);
		return value;
	};
	if (!u || typeof u !== 'object') throw garbage('"usage" is not an object', line);
	return {
		prompt_tokens: count(u.prompt_tokens, 'prompt_tokens'),
		completion_tokens: count(u.completion_tokens, 'completion_tokens'),
		total_ms: 0,
		load_ms: 0,
		tokens_per_s: 0,
	};
}
