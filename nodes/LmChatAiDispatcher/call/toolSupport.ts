/**
 * Which models can take a call that carries tools, from Ollama's /api/show `capabilities`. Asked
 * once per model for the life of one chat-model instance (one execution of its root node). A model
 * whose capabilities cannot be read is not excluded: if it then answers HTTP 400 "does not support
 * tools", the engine moves on to the next candidate (a 400 does not count against its breaker).
 */
import type { HttpPort } from '../../AiDispatcher/engine/ports';
import { settle } from '../../AiDispatcher/engine/result';
import { capabilities } from '../../AiDispatcher/transport/ollama';

/** Why a model is excluded from a call that offers tools. */
export const NO_TOOL_SUPPORT =
	'no tool support (Ollama /api/show lists no "tools" capability); this call offers tools';

export interface ToolSupport {
	/** The models among `models` that lack tool support, each with the reason, checked on `baseUrl`. */
	lacking(models: readonly string[], baseUrl: string): Promise<Map<string, string>>;
}

export function toolSupport(http: HttpPort, timeoutMs: number, cancel?: AbortSignal): ToolSupport {
	const known = new Map<string, Promise<string[] | null>>();
	const capabilitiesOf = (model: string, baseUrl: string) => {
		const key = `${baseUrl}\n${model}`;
		let entry = known.get(key);
		if (!entry) {
			entry = settle(capabilities(http, baseUrl, model, timeoutMs, cancel)).then((s) =>
				s.ok ? s.value : null,
			);
			known.set(key, entry);
		}
		return entry;
	};
	return {
		async lacking(models, baseUrl) {
			const listed = await Promise.all(
				models.map(async (m) => [m, await capabilitiesOf(m, baseUrl)] as const),
			);
			return new Map(
				listed
					.filter(([, caps]) => caps !== null && !caps.includes('tools'))
					.map(([m]) => [m, NO_TOOL_SUPPORT]),
			);
		},
	};
}
