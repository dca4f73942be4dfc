/** Fakes for the engine's ports: a scripted Ollama, a manual clock, a no-op logger. */
import { TransportError } from '../../nodes/AiDispatcher/engine/errors';
import type {
	EnginePorts,
	GenerateCall,
	GenerateOutcome,
	OllamaPort,
} from '../../nodes/AiDispatcher/engine/ports';
import type { FailureKind } from '../../nodes/AiDispatcher/engine/types';

export type Script = Record<
	string,
	Array<
		| string
		| { fail: FailureKind; message?: string }
		| ({ text: string } & Pick<GenerateOutcome, 'toolCalls' | 'doneReason' | 'thinking'>)
	>
>;

/** An OllamaPort whose replies per model are scripted (text, or a reply with tool calls, done reason, thinking); the last entry repeats. Records every call. */
export function scriptedOllama(script: Script) {
	const calls: GenerateCall[] = [];
	const counts = new Map<string, number>();
	const ollama: OllamaPort = {
		async generate(call): Promise<GenerateOutcome> {
			calls.push(call);
			const steps = script[call.model] ?? [
				{ fail: 'not_found', message: `HTTP 404: model '${call.model}' not found` },
			];
			const n = counts.get(call.model) ?? 0;
			counts.set(call.model, n + 1);
			const step = steps[Math.min(n, steps.length - 1)];
			if (typeof step === 'object' && 'fail' in step)
				throw new TransportError(step.fail, step.message ?? step.fail);
			const reply = typeof step === 'string' ? { text: step } : step;
			return {
				...reply,
				usage: {
					prompt_tokens: 10,
					completion_tokens: 5,
					total_ms: 12,
					load_ms: 1,
					tokens_per_s: 400,
				},
			};
		},
		tags: async () => [],
		ps: async () => [],
		version: async () => '0.0.0',
		ping: async () => undefined,
	};
	return { ollama, calls };
}

export function fakePorts(ollama: OllamaPort, extra: Partial<EnginePorts> = {}): EnginePorts {
	let now = 1_700_000_000_000;
	return {
		ollama,
		clock: { nowMs: () => (now += 5) },
		sleep: async () => undefined,
		log: { debug: () => undefined, warn: () => undefined },
		random: () => 0.5,
		...extra,
	};
}
