/**
 * An OpenAI-compatible endpoint for tests (the "cloud" of the cloud-fallback tests, or a second
 * local server): `GET /v1/models` and `POST /v1/chat/completions`, streamed as server-sent events
 * with a usage chunk (`stream_options.include_usage`), Bearer keys checked, and faults: an error
 * status with OpenAI's error body and Retry-After, `context_length_exceeded`, an error mid-stream,
 * a stream cut before `[DONE]`. Token counts are words, so tests can compute costs exactly. With
 * `tools` and no tool result yet, it calls the first tool with the last user turn as its first
 * required (else first, else `input`) parameter; after a
 * tool result it answers "the tool said: <result>".
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type OpenAiFault =
	| { kind: 'status'; status: number; code?: string; message?: string; retryAfterS?: number }
	| { kind: 'context_length' }
	| { kind: 'mid_stream_error' }
	| { kind: 'truncated' };

export interface OpenAiSimOptions {
	/** The key clients must send as "Authorization: Bearer"; undefined: no key checked. */
	apiKey?: string;
	/** Model ids served (default: `cloud-small`, `cloud-large`). */
	models?: string[];
	/** The answer's text; default "cloud answer from <model>: ok". */
	reply?: (model: string, prompt: string) => string;
}

export interface OpenAiSimStats {
	/** `/chat/completions` requests per model (faulted ones included). */
	chatCalls: Record<string, number>;
	modelListCalls: number;
	/** Requests refused for a missing or wrong key. */
	unauthorized: number;
	/** The request bodies of `/chat/completions`, in order. */
	bodies: Array<Record<string, unknown>>;
}

export interface OpenAiSimulator {
	/** The base URL clients use, ending in /v1. */
	url: string;
	stats(): OpenAiSimStats;
	/** The fault for the next `times` chat calls (default: every call until cleared with null). */
	setFault(fault: OpenAiFault | null, times?: number): void;
	close(): Promise<void>;
}

/** Tokens as this simulator counts them: whitespace-separated words. */
export function simTokens(text: string): number {
	const trimmed = text.trim();
	return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

export async function startOpenAiSimulator(
	options: OpenAiSimOptions = {},
): Promise<OpenAiSimulator> {
	const models = options.models ?? ['cloud-small', 'cloud-large'];
	const stats: OpenAiSimStats = { chatCalls: {}, modelListCalls: 0, unauthorized: 0, bodies: [] };
	let fault: OpenAiFault | null = null;
	let faultLeft = Infinity;
	const sockets = new Set<Socket>();

	const sendJson = (
		res: http.ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {},
	) => {
		res.writeHead(status, { 'content-type': 'application/json', ...headers });
		res.end(JSON.stringify(body));
	};
	const errorBody = (message: string, type: string, code: string | null) => ({
		error: { message, type, param: null, code },
	});

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const path = (req.url ?? '').split('?')[0];
			if (
				options.apiKey !== undefined &&
				req.headers.authorization !== `Bearer ${options.apiKey}`
			) {
				stats.unauthorized++;
				return sendJson(
					res,
					401,
					errorBody('Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'),
				);
			}
			if (req.method === 'GET' && path === '/v1/models') {
				stats.modelListCalls++;
				return sendJson(res, 200, {
					object: 'list',
					data: models.map((id) => ({
						id,
						object: 'model',
						created: 1_700_000_000,
						owned_by: 'sim',
					})),
				});
			}
			if (req.method !== 'POST' || path !== '/v1/chat/completions')
				return sendJson(res, 404, errorBody(`Unknown path ${path}`, 'invalid_request_error', null));
			let body: Record<string, unknown>;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
			} catch {
				return sendJson(
					res,
					400,
					errorBody(
						'We could not parse the JSON body of your request.',
						'invalid_request_error',
						null,
					),
				);
			}
			stats.bodies.push(body);
			const model = String(body.model ?? '');
			stats.chatCalls[model] = (stats.chatCalls[model] ?? 0) + 1;
			if (!models.includes(model))
				return sendJson(
					res,
					404,
					errorBody(
						`The model \`${model}\` does not exist`,
						'invalid_request_error',
						'model_not_found',
					),
				);
			const active = faultLeft > 0 ? fault : null;
			if (active && --faultLeft <= 0) fault = null;
			if (active?.kind === 'status') {
				const headers: Record<string, string> =
					active.retryAfterS !== undefined ? { 'retry-after': String(active.retryAfterS) } : {};
				return sendJson(
					res,
					active.status,
					errorBody(
						active.message ?? `simulated ${active.status}`,
						'server_error',
						active.code ?? null,
					),
					headers,
				);
			}
			if (active?.kind === 'context_length') {
				return sendJson(
					res,
					400,
					errorBody(
						"This model's maximum context length is 8 tokens.",
						'invalid_request_error',
						'context_length_exceeded',
					),
				);
			}
			const messages = Array.isArray(body.messages)
				? (body.messages as Array<{ role?: unknown; content?: unknown }>)
				: [];
			const prompt = messages
				.map((m) => (typeof m.content === 'string' ? m.content : ''))
				.join(' ');
			const tools = Array.isArray(body.tools)
				? (body.tools as Array<{
						function?: {
							name?: unknown;
							parameters?: { properties?: Record<string, unknown>; required?: unknown };
						};
					}>)
				: [];
			const toolResult = messages.filter((m) => m.role === 'tool').at(-1);
			// Tools offered and none answered yet: call the first one with the last user turn as its query.
			if (tools.length > 0 && !toolResult && typeof tools[0].function?.name === 'string') {
				const lastUser = [...messages].reverse().find((m) => m.role === 'user');
				const params = tools[0].function.parameters;
				const required = Array.isArray(params?.required)
					? (params.required as unknown[]).filter((r): r is string => typeof r === 'string')
					: [];
				const field = required[0] ?? Object.keys(params?.properties ?? {})[0] ?? 'input';
				return streamToolCall(
					res,
					model,
					tools[0].function.name,
					JSON.stringify({
						[field]: typeof lastUser?.content === 'string' ? lastUser.content : '',
					}),
					simTokens(prompt),
				);
			}
			const text = toolResult
				? `the tool said: ${String(toolResult.content)}`
				: options.reply
					? options.reply(model, prompt)
					: `cloud answer from ${model}: ok`;
			streamReply(res, model, text, simTokens(prompt), active);
		});
	});
	server.on('connection', (socket: Socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as AddressInfo).port;
	return {
		url: `http://127.0.0.1:${port}/v1`,
		stats: () => ({ ...stats, chatCalls: { ...stats.chatCalls }, bodies: [...stats.bodies] }),
		setFault: (next, times) => {
			fault = next;
			faultLeft = times ?? Infinity;
		},
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Streams `text` word by word; the SSE lines are written split across writes, as proxies do. */
function streamReply(
	res: http.ServerResponse,
	model: string,
	text: string,
	promptTokens: number,
	fault: OpenAiFault | null,
): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const id = 'chatcmpl-sim';
	const chunk = (delta: Record<string, unknown>, finish: string | null) =>
		`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	const words = text.split(/(?<= )/);
	let out = `: keep-alive\n\n${chunk({ role: 'assistant', content: '' }, null)}`;
	for (const [i, word] of words.entries()) {
		out += chunk({ content: word }, null);
		if (fault?.kind === 'mid_stream_error' && i === 0) {
			out += `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } })}\n\n`;
			return writeSplit(res, out);
		}
	}
	if (fault?.kind === 'truncated') return writeSplit(res, out);
	out += chunk({}, 'stop');
	out += `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: simTokens(text), total_tokens: promptTokens + simTokens(text) } })}\n\n`;
	out += 'data: [DONE]\n\n';
	writeSplit(res, out);
}

/** Streams one tool call, its arguments in two fragments (as OpenAI does), then usage and [DONE]. */
function streamToolCall(
	res: http.ServerResponse,
	model: string,
	name: string,
	args: string,
	promptTokens: number,
): void {
	res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
	const chunk = (delta: Record<string, unknown>, finish: string | null) =>
		`data: ${JSON.stringify({ id: 'chatcmpl-sim', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
	const half = Math.floor(args.length / 2);
	let out = chunk(
		{
			role: 'assistant',
			content: null,
			tool_calls: [
				{
					index: 0,
					id: 'call_sim_1',
					type: 'function',
					function: { name, arguments: args.slice(0, half) },
				},
			],
		},
		null,
	);
	out += chunk({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] }, null);
	out += chunk({}, 'tool_calls');
	out += `data: ${JSON.stringify({ id: 'chatcmpl-sim', object: 'chat.completion.chunk', created: 1_700_000_000, model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: 10, total_tokens: promptTokens + 10 } })}\n\n`;
	out += 'data: [DONE]\n\n';
	writeSplit(res, out);
}

function writeSplit(res: http.ServerResponse, text: string): void {
	const cut = 17; // lines broken across TCP writes
	for (let i = 0; i < text.length; i += cut) res.write(text.slice(i, i + cut));
	res.end();
}
