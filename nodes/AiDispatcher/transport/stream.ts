/** One streamed generation request: the part the Ollama and the OpenAI-compatible transports share. */
import type { GenerateCall, GenerateOutcome, HttpPort, HttpResponse } from '../engine/ports';
import { settle } from '../engine/result';
import { networkError } from './errors';
import { startProgressWatch, withinProgress } from './firstToken';

export interface StreamRequest {
	url: string;
	body: unknown;
	/** The error a reply with status 300 or more rejects with (read from its body). */
	statusError: (response: HttpResponse) => Promise<Error>;
	/** Reads the streamed reply, calling `onLine` for every line received. */
	read: (
		body: HttpResponse['body'],
		onLine: (charsSoFar: number) => void,
		onDelta?: (text: string) => void,
	) => Promise<GenerateOutcome>;
}

/**
 * POSTs `request` and reads its streamed reply within the call's limits: `timeoutMs` in all (the
 * HttpPort's deadline), `firstTokenTimeoutMs` to the first line, `stallTimeoutMs` between lines.
 * Failures reject with a `TransportError`.
 */
export async function streamGeneration(
	http: HttpPort,
	call: GenerateCall,
	request: StreamRequest,
): Promise<GenerateOutcome> {
	const watch = startProgressWatch(
		{ firstTokenMs: call.firstTokenTimeoutMs, stallMs: call.stallTimeoutMs },
		call.cancel,
	);
	const outcome = await settle(
		withinProgress(
			watch,
			(async () => {
				const response = await http({
					method: 'POST',
					url: request.url,
					body: request.body,
					timeoutMs: call.timeoutMs,
					abort: watch.signal,
				});
				if (response.status >= 300) throw await request.statusError(response);
				return await request.read(response.body, watch.progressed, call.onDelta);
			})(),
		),
	);
	if (!outcome.ok) throw networkError(outcome.error, call.cancel?.aborted === true);
	return outcome.value;
}
