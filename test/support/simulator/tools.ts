/**
 * Tool calling for the Ollama simulator (completion.ts and listing.ts call these):
 *
 * - capabilities per model, as `/api/show` reports them: `tools` for every family but `phi3`
 *   (Phi-3's template has no tool support, as in the real library), unless the model lists its own;
 * - a chat request with `tools` for a model without the capability fails as Ollama's does:
 *   HTTP 400 `{"error":"registry.ollama.ai/library/<model> does not support tools"}`;
 * - otherwise the reply to a request with tools is deterministic: while no tool result follows the
 *   last user turn, one call of the first tool, its string arguments filled from the user turn (a
 *   ticket key such as `OPS-142` when there is one, else the turn's first words); once a `role: tool`
 *   message follows it, a final text answer quoting the tool result.
 *
 * Node standard library only.
 */

/** What the simulator's request parsing keeps of a chat request, for these functions. */
export interface ToolTurnRequest {
	messages?: Array<{ role: string; content: string }>;
	tools?: unknown[];
}

/** One tool call as Ollama sends it in `message.tool_calls`. */
export interface SimToolCall {
	function: { name: string; arguments: Record<string, unknown> };
}

/** What the model says in this turn: tool calls, or the text of its answer. */
export type ToolTurn =
	{ toolCalls: SimToolCall[]; text: '' } | { toolCalls?: undefined; text: string };

const NO_TOOLS_FAMILIES = new Set(['phi3']);
const WORDS = 12;

/** `/api/show` `capabilities` of a model. */
export function simCapabilities(model: { family: string; capabilities?: string[] }): string[] {
	if (model.capabilities) return [...model.capabilities];
	return NO_TOOLS_FAMILIES.has(model.family) ? ['completion'] : ['completion', 'tools'];
}

/** The HTTP 400 error text when `request` offers tools the model cannot use, else null. */
export function unsupportedToolsError(
	request: ToolTurnRequest,
	model: { name: string; family: string; capabilities?: string[] },
): string | null {
	if (!request.tools || request.tools.length === 0) return null;
	if (simCapabilities(model).includes('tools')) return null;
	const tagged = model.name.includes(':') ? model.name : `${model.name}:latest`;
	return `registry.ollama.ai/library/${tagged} does not support tools`;
}

/** The model's turn for a chat request that offers tools; null when it offers none. */
export function toolTurn(request: ToolTurnRequest, model: string): ToolTurn | null {
	const tools = (request.tools ?? []).map(functionOf).filter((f): f is ToolFunction => f !== null);
	if (tools.length === 0) return null;
	const messages = request.messages ?? [];
	const lastUser = lastIndex(messages, (m) => m.role === 'user');
	const result = lastIndex(messages, (m) => m.role === 'tool');
	if (result > lastUser) {
		return {
			text: `[${model}] From the tool result: ${firstWords(messages[result].content, WORDS * 2)}`,
		};
	}
	const userText = lastUser >= 0 ? messages[lastUser].content : '';
	const tool = tools[0];
	return {
		toolCalls: [{ function: { name: tool.name, arguments: argumentsFor(tool, userText) } }],
		text: '',
	};
}

interface ToolFunction {
	name: string;
	properties: Record<string, { type?: unknown }>;
}

function functionOf(tool: unknown): ToolFunction | null {
	const fn = (
		tool as { function?: { name?: unknown; parameters?: { properties?: unknown } } } | null
	)?.function;
	if (!fn || typeof fn.name !== 'string') return null;
	const properties = fn.parameters?.properties;
	return {
		name: fn.name,
		properties:
			properties && typeof properties === 'object'
				? (properties as ToolFunction['properties'])
				: {},
	};
}

function argumentsFor(tool: ToolFunction, userText: string): Record<string, unknown> {
	const key = /\b[A-Z][A-Z0-9]+-\d+\b/.exec(userText)?.[0];
	const args: Record<string, unknown> = {};
	for (const [name, schema] of Object.entries(tool.properties)) {
		const type = schema?.type;
		if (type === 'number' || type === 'integer') args[name] = 1;
		else if (type === 'boolean') args[name] = true;
		else args[name] = key ?? firstWords(userText, WORDS);
	}
	return args;
}

function lastIndex<T>(list: T[], test: (item: T) => boolean): number {
	for (let i = list.length - 1; i >= 0; i--) if (test(list[i])) return i;
	return -1;
}

function firstWords(text: string, count: number): string {
	return text
		.split(/\s+/)
		.filter((w) => w.length > 0)
		.slice(0, count)
		.join(' ');
}
