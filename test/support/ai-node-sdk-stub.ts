/**
 * A stand-in for `@n8n/ai-node-sdk` in unit tests (the real one comes with the host n8n and is not a
 * dev dependency; see nodes/LmChatAiDispatcher/sdk/ai-node-sdk.d.ts). BaseChatModel behaves like
 * `@n8n/ai-utilities@0.33.1` `dist/cjs/chat-model/base.js`; supplyModel returns the model itself
 * instead of wrapping it in the LangChain adapter. The e2e tests run the real SDK inside n8n.
 * Use: jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), { virtual: true });
 */
import type { ChatModelConfig, Tool } from '@n8n/ai-node-sdk';

export abstract class BaseChatModel {
	provider: string;
	modelId: string;
	defaultConfig?: ChatModelConfig;
	protected tools: Tool[];

	constructor(
		provider: string,
		modelId: string,
		defaultConfig?: ChatModelConfig,
		tools: Tool[] = [],
	) {
		this.provider = provider;
		this.modelId = modelId;
		this.defaultConfig = defaultConfig;
		this.tools = tools;
	}

	withTools(tools: Tool[]): this {
		const copy = Object.create(Object.getPrototypeOf(this)) as this;
		Object.assign(copy, this);
		copy.tools = [...this.tools, ...tools];
		return copy;
	}
}

export function supplyModel(_ctx: unknown, model: unknown): { response: unknown } {
	return { response: model };
}

/** The real one converts Zod schemas; the tests pass JSON schemas. */
export function getParametersJsonSchema(tool: { inputSchema: unknown }): Record<string, unknown> {
	return tool.inputSchema as Record<string, unknown>;
}
