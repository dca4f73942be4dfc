/**
 * The engine's `GenerateCall` → an OpenAI `/chat/completions` request body: messages (a prompt
 * becomes one user turn), tools as function definitions, tool calls with ids and JSON-string
 * arguments, JSON output as `response_format`, and the options OpenAI knows (Ollama-only options
 * such as `num_gpu` are not sent). Always streamed, with the usage chunk asked for.
 */
import type { GenerateCall } from '../../engine/ports';
import type { ChatMessage } from '../../engine/types';

interface WireToolCall {
	id: string;
	type: 'function';
	function: { name: string; arguments: string };
}

interface WireMessage {
	role: ChatMessage['role'];
	content: string;
	tool_calls?: WireToolCall[];
	tool_call_id?: string;
}

/** The request body for `call`, in OpenAI's naming. */
export function chatBody(call: GenerateCall): Record<string, unknown> {
	const body: Record<string, unknown> = {
		model: call.model,
		messages: wireMessages(call),
		stream: true,
		stream_options: { include_usage: true },
	};
	const o = call.options;
	if (o.temperature !== undefined) body.temperature = o.temperature;
	if (o.top_p !== undefined) body.top_p = o.top_p;
	if (o.num_predict !== undefined && o.num_predict > 0) body.max_tokens = o.num_predict;
	if (o.frequency_penalty !== undefined) body.frequency_penalty = o.frequency_penalty;
	if (o.presence_penalty !== undefined) body.presence_penalty = o.presence_penalty;
	if (call.format.type === 'json') body.response_format = { type: 'json_object' };
	if (call.format.type === 'jsonSchema')
		body.response_format = {
			type: 'json_schema',
			json_schema: { name: 'output', schema: call.format.schema },
		};
	if (call.tools && call.tools.length > 0) body.tools = call.tools;
	return body;
}

/** The conversation in OpenAI's form; each tool result is tied to the id of the call it answers. */
function wireMessages(call: GenerateCall): WireMessage[] {
	const out: WireMessage[] = call.system ? [{ role: 'system', content: call.system }] : [];
	if (!call.messages || call.messages.length === 0)
		return [...out, { role: 'user', content: call.prompt ?? '' }];
	const pending: Array<{ id: string; name: string }> = [];
	call.messages.forEach((message, m) => {
		if (message.role === 'assistant' && message.tool_calls && message.tool_calls.length > 0) {
			const tool_calls = message.tool_calls.map((tc, i): WireToolCall => {
				const id = `call_${m}_${i}`;
				pending.push({ id, name: tc.function.name });
				return {
					id,
					type: 'function',
					function: { name: tc.function.name, arguments: JSON.stringify(tc.function.arguments) },
				};
			});
			out.push({ role: 'assistant', content: message.content, tool_calls });
			return;
		}
		if (message.role === 'tool') {
			const at = pending.findIndex((p) => p.name === message.tool_name);
			const match = at >= 0 ? pending.splice(at, 1)[0] : pending.shift();
			out.push({ role: 'tool', content: message.content, tool_call_id: match?.id ?? `call_${m}` });
			return;
		}
		out.push({ role: message.role, content: message.content });
	});
	return out;
}
