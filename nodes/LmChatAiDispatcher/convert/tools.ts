/** The SDK's tools → Ollama's /api/chat `tools` (function definitions). Pure; type-only SDK imports. */
import type { FunctionTool, Tool } from '@n8n/ai-node-sdk';

/** One function definition as Ollama takes it. */
export interface OllamaTool extends Record<string, unknown> {
	type: 'function';
	function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** Converts a tool's input schema (JSON schema or Zod) into a JSON schema; the host SDK's `getParametersJsonSchema`. */
export type ToJsonSchema = (tool: FunctionTool) => Record<string, unknown>;

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/**
 * Function tools as Ollama function definitions. Provider tools (a vendor's built-in web search and
 * the like) have no Ollama equivalent and are left out; their names are returned so the caller can say so.
 */
export function toOllamaTools(
	tools: readonly Tool[],
	toJsonSchema: ToJsonSchema,
): { tools: OllamaTool[]; dropped: string[] } {
	const out: OllamaTool[] = [];
	const dropped: string[] = [];
	for (const tool of tools) {
		if (tool.type !== 'function') {
			dropped.push(tool.name);
			continue;
		}
		const schema =
			tool.inputSchema === undefined || tool.inputSchema === null
				? EMPTY_OBJECT_SCHEMA
				: toJsonSchema(tool);
		out.push({
			type: 'function',
			function: {
				name: tool.name,
				description: tool.description ?? '',
				parameters: withoutMeta(schema),
			},
		});
	}
	return { tools: out, dropped };
}

/** Drops `$schema` (Ollama's templates do not need it; some reject unknown keys). */
function withoutMeta(schema: Record<string, unknown>): Record<string, unknown> {
	const copy = { ...schema };
	delete copy.$schema;
	return copy;
}
