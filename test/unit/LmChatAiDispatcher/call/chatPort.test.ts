/**
 * The chat call's Ollama port: tools and call options added to every generation, text forwarded as
 * it streams, a failure after streamed text ends the call (StreamBrokenError), and the reply handed
 * back as it came (a tool-calls-only reply keeps its empty text).
 */
import { TransportError } from '../../../../nodes/AiDispatcher/engine/errors';
import type {
	GenerateCall,
	GenerateOutcome,
	OllamaPort,
} from '../../../../nodes/AiDispatcher/engine/ports';
import type { ToolCall } from '../../../../nodes/AiDispatcher/engine/types';
import { chatPort, StreamBrokenError } from '../../../../nodes/LmChatAiDispatcher/call/chatPort';
import { LOOKUP_TOOL } from '../../../support/chat-call';
import { scriptedOllama } from '../../../support/fakes';

const USAGE = { prompt_tokens: 1, completion_tokens: 1, total_ms: 1, load_ms: 0, tokens_per_s: 1 };
const lookup: ToolCall = { function: { name: 'lookup_ticket', arguments: { key: 'OPS-142' } } };

const call = (extra: Partial<GenerateCall> = {}): GenerateCall => ({
	baseUrl: 'http://o:11434',
	model: 'phi3:mini',
	messages: [{ role: 'user', content: 'hi' }],
	format: { type: 'text' },
	options: { temperature: 0.2, num_ctx: 4096 },
	timeoutMs: 1000,
	...extra,
});

/** A port that streams `pieces`, then fails with `failure` or answers with the reply. */
function streaming(
	pieces: string[],
	end: { failure: unknown } | Partial<GenerateOutcome> = {},
): OllamaPort & { seen: GenerateCall[] } {
	const seen: GenerateCall[] = [];
	return {
		...scriptedOllama({}).ollama,
		seen,
		async generate(c) {
			seen.push(c);
			for (const piece of pieces) c.onDelta?.(piece);
			if ('failure' in end) throw end.failure;
			return { text: pieces.join(''), usage: USAGE, ...end };
		},
	};
}

describe('chatPort', () => {
	it('adds the tools and the call’s options (over the model’s) to each generation', async () => {
		const base = streaming(['ok']);
		const port = chatPort(base, {
			tools: [LOOKUP_TOOL],
			options: { temperature: 0.9, stop: ['\n'] },
		});
		await port.generate(call());
		expect(base.seen[0].tools).toEqual([LOOKUP_TOOL]);
		expect(base.seen[0].options).toEqual({ temperature: 0.9, num_ctx: 4096, stop: ['\n'] });
	});

	it('sends no tools field when the call offers none', async () => {
		const base = streaming(['ok']);
		await chatPort(base, { tools: [], options: {} }).generate(call());
		expect(base.seen[0]).not.toHaveProperty('tools');
	});

	it('forwards the text as it streams in, and returns the reply as it came', async () => {
		const deltas: string[] = [];
		const port = chatPort(streaming(['Hel', 'lo']), {
			tools: [],
			options: {},
			onDelta: (t) => deltas.push(t),
		});
		expect(await port.generate(call())).toEqual({ text: 'Hello', usage: USAGE });
		expect(deltas).toEqual(['Hel', 'lo']);
	});

	it('hands a tool-calls-only reply back with its empty text (no invented text)', async () => {
		const port = chatPort(streaming([], { text: '', toolCalls: [lookup] }), {
			tools: [LOOKUP_TOOL],
			options: {},
		});
		expect(await port.generate(call())).toEqual({ text: '', usage: USAGE, toolCalls: [lookup] });
	});

	it('a transport failure after streamed text ends the call naming the model and what was sent', async () => {
		const failure = new TransportError('connection', 'socket hang up');
		const port = chatPort(streaming(['Hel', 'lo'], { failure }), {
			tools: [],
			options: {},
			onDelta: () => undefined,
		});
		const error = await port.generate(call()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(StreamBrokenError);
		expect(error).toMatchObject({ model: 'phi3:mini', sentChars: 5 });
		expect((error as Error).message).toContain('socket hang up');
	});

	it('a failure before any text is the transport error itself (the engine may try another model)', async () => {
		const failure = new TransportError('connection', 'refused');
		const port = chatPort(streaming([], { failure }), {
			tools: [],
			options: {},
			onDelta: () => undefined,
		});
		await expect(port.generate(call())).rejects.toBe(failure);
	});

	it('keeps the other calls of the port (tags, ps, version)', async () => {
		const base = streaming([]);
		const port = chatPort(base, { tools: [], options: {} });
		expect(port.tags).toBe(base.tags);
		expect(await port.version('http://o:11434', 1000)).toBe('0.0.0');
	});
});
