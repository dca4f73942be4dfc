/** An HttpPort over Node's fetch, with the same deadline semantics as the n8n adapter. */
import type { HttpPort } from '../../nodes/AiDispatcher/engine/ports';
import { settle } from '../../nodes/AiDispatcher/engine/result';
import {
	beforeDeadline,
	guardBody,
	startDeadline,
} from '../../nodes/AiDispatcher/transport/deadline';

export function fetchHttpPort(headers: Record<string, string> = {}): HttpPort {
	return async (request) => {
		const deadline = startDeadline(request);
		const sent = await settle(
			beforeDeadline(
				deadline,
				fetch(request.url, {
					method: request.method,
					headers: { 'content-type': 'application/json', ...headers, ...request.headers },
					body:
						request.body === undefined || typeof request.body === 'string'
							? request.body
							: JSON.stringify(request.body),
					signal: deadline.signal,
				}),
			),
		);
		if (!sent.ok) {
			deadline.clear();
			throw sent.error;
		}
		const response = sent.value;
		const stream = response.body;
		const body: AsyncIterable<Uint8Array> = stream
			? (stream as unknown as AsyncIterable<Uint8Array>)
			: (async function* () {})();
		return {
			status: response.status,
			headers: headersOf(response.headers),
			body: guardBody(deadline, body, () => void stream?.cancel().catch(() => undefined)),
		};
	};
}

function headersOf(headers: Headers): Record<string, string> {
	const out: Record<string, string> = {};
	headers.forEach((value, name) => (out[name.toLowerCase()] = value));
	return out;
}
