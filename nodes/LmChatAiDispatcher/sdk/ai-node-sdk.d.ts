/**
 * The part of `@n8n/ai-node-sdk` (0.30.1, shipped with n8n 2.40.7; "Preview") this node uses,
 * declared here for the compiler. The package itself is a peer dependency: at run time it resolves
 * to the host n8n's copy. It is not a dev dependency because installing it pulls n8n-workflow 2.40
 * and isolated-vm (a native build) into the dev tree. Shapes copied from
 * `@n8n/ai-utilities@0.33.1` `dist/cjs/types/{message,tool,output,chat-model}.d.ts`,
 * `chat-model/base.d.ts` and `suppliers/supplyModel.d.ts`.
 */
declare module '@n8n/ai-node-sdk' {
	import type { ISupplyDataFunctions, SupplyData } from 'n8n-workflow';

	export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';
	export interface ContentMetadata {
		providerMetadata?: Record<string, unknown>;
	}
	export type ContentText = ContentMetadata & { type: 'text'; text: string };
	export type ContentReasoning = ContentMetadata & { type: 'reasoning'; text: string };
	export type ContentFile = ContentMetadata & {
		type: 'file';
		mediaType?: string;
		data: string | Uint8Array;
	};
	export type ContentToolCall = ContentMetadata & {
		type: 'tool-call';
		toolCallId?: string;
		toolName: string;
		input: string;
	};
	export type ContentToolResult = ContentMetadata & {
		type: 'tool-result';
		toolCallId: string;
		result: unknown;
		isError?: boolean;
	};
	export type ContentInvalidToolCall = ContentMetadata & {
		type: 'invalid-tool-call';
		toolCallId?: string;
		error?: string;
		args?: string;
		name?: string;
	};
	export type ContentCitation = ContentMetadata & {
		type: 'citation';
		source?: string;
		url?: string;
		title?: string;
		text?: string;
	};
	export type ContentProvider = ContentMetadata & {
		type: 'provider';
		value: Record<string, unknown>;
	};
	export type MessageContent =
		| ContentText
		| ContentToolCall
		| ContentInvalidToolCall
		| ContentToolResult
		| ContentReasoning
		| ContentFile
		| ContentCitation
		| ContentProvider;
	export interface Message {
		role: MessageRole;
		content: MessageContent[];
		name?: string;
		id?: string;
	}

	export interface FunctionTool {
		type: 'function';
		name: string;
		description?: string;
		/** A JSON schema, or a Zod schema (an object with `_def`) that `getParametersJsonSchema` converts. */
		inputSchema: unknown;
		strict?: boolean;
		providerOptions?: Record<string, unknown>;
	}
	export interface ProviderTool {
		type: 'provider';
		name: string;
		args?: Record<string, unknown>;
	}
	export type Tool = FunctionTool | ProviderTool;

	export type FinishReason =
		'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';
	export interface TokenUsage {
		promptTokens: number;
		completionTokens: number;
		totalTokens: number;
		additionalMetadata?: Record<string, unknown>;
	}
	export interface GenerateResult {
		id?: string;
		finishReason?: FinishReason;
		usage?: TokenUsage;
		message: Message;
		providerMetadata?: Record<string, unknown>;
		rawResponse?: unknown;
	}
	export type StreamChunk = ContentMetadata &
		(
			| { type: 'text-delta'; id?: string; delta: string }
			| { type: 'reasoning-delta'; id?: string; delta: string }
			| { type: 'tool-call-delta'; id?: string; name?: string; argumentsDelta?: string }
			| { type: 'finish'; finishReason: FinishReason; usage?: TokenUsage }
			| { type: 'error'; error: unknown }
			| { type: 'content'; content: MessageContent; id?: string }
		);

	export interface ChatModelConfig {
		maxTokens?: number;
		temperature?: number;
		topP?: number;
		topK?: number;
		presencePenalty?: number;
		frequencyPenalty?: number;
		stopSequences?: string[];
		seed?: number;
		maxRetries?: number;
		timeout?: number;
		abortSignal?: AbortSignal;
		headers?: Record<string, string | undefined>;
	}
	export interface ChatModel<TConfig extends ChatModelConfig = ChatModelConfig> {
		provider: string;
		modelId: string;
		defaultConfig?: TConfig;
		generate(messages: Message[], config?: TConfig): Promise<GenerateResult>;
		stream(messages: Message[], config?: TConfig): AsyncIterable<StreamChunk>;
		withTools(tools: Tool[]): ChatModel<TConfig>;
	}
	export abstract class BaseChatModel<
		TConfig extends ChatModelConfig = ChatModelConfig,
	> implements ChatModel<TConfig> {
		provider: string;
		modelId: string;
		defaultConfig?: TConfig;
		protected tools: Tool[];
		constructor(provider: string, modelId: string, defaultConfig?: TConfig, tools?: Tool[]);
		abstract generate(messages: Message[], config?: TConfig): Promise<GenerateResult>;
		abstract stream(messages: Message[], config?: TConfig): AsyncIterable<StreamChunk>;
		withTools(tools: Tool[]): ChatModel<TConfig>;
		protected mergeConfig(config?: TConfig): ChatModelConfig;
	}

	export function supplyModel(ctx: ISupplyDataFunctions, model: ChatModel): SupplyData;
	/** A function tool's parameters as a JSON schema (converts Zod schemas). */
	export function getParametersJsonSchema(tool: FunctionTool): Record<string, unknown>;
}
