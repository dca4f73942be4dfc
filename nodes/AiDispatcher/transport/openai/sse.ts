/**
 * Server-sent events of an OpenAI-compatible stream: `data: {json}` lines, `data: [DONE]` at the
 * end; comments (`: keep-alive`) and other fields (`event:`, `id:`, `retry:`) carry nothing here.
 * Lines come from `readLines` (body.ts: split chunks joined, line length capped).
 */
import { TransportError } from '../../engine/errors';
import { parseJson } from '../../engine/result';
import { excerpt } from '../body';

/** One SSE line's meaning: a JSON payload, the end marker, or nothing. */
export type SseEvent =
	{ type: 'data'; json: unknown; line: string } | { type: 'done' } | { type: 'skip' };

/** Interprets one line of an SSE stream; a `data:` line that is not JSON fails with kind `garbage`. */
export function parseSseLine(line: string): SseEvent {
	// The common case first: "data: {...}".
	if (line.startsWith('data: {')) return dataEvent(line.slice(6));
	if (line.startsWith(':')) return { type: 'skip' };
	const colon = line.indexOf(':');
	const field = colon < 0 ? line : line.slice(0, colon);
	if (field !== 'data') {
		if (field === 'event' || field === 'id' || field === 'retry') return { type: 'skip' };
		throw new TransportError(
			'garbage',
			`reply is not a server-sent event stream: "${excerpt(line, 80)}"`,
		);
	}
	let value = colon < 0 ? '' : line.slice(colon + 1);
	if (value.startsWith(' ')) value = value.slice(1);
	if (value.trim() === '[DONE]') return { type: 'done' };
	return dataEvent(value);
}

function dataEvent(value: string): SseEvent {
	const parsed = parseJson(value);
	if (
		!parsed.ok ||
		!parsed.value ||
		typeof parsed.value !== 'object' ||
		Array.isArray(parsed.value)
	) {
		throw new TransportError(
			'garbage',
			`stream event is not a JSON object: "${excerpt(value, 80)}"`,
		);
	}
	return { type: 'data', json: parsed.value, line: value };
}
