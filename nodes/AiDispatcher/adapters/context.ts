/**
 * The part of n8n's node context the n8n-facing readers and ports use. Both nodes' contexts have it
 * as they are: the AI Dispatcher's `IExecuteFunctions` and the chat model's `ISupplyDataFunctions`
 * (no cast between them), so one session, one set of readers and one output shaping serve both.
 */
import type { IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

/** n8n's HTTP helper with the credential's authentication (n8n's proxy and TLS settings apply). */
export interface HttpHelper {
	helpers: {
		/** Called with the context as `this`: n8n's helper reads the credential through it. */
		httpRequestWithAuthentication(
			credentialsType: string,
			requestOptions: IHttpRequestOptions,
		): Promise<unknown>;
	};
}

/** What a node context offers the readers (parameters, credentials, input item) and the engine's ports. */
export type NodeContext = HttpHelper &
	Pick<
		IExecuteFunctions,
		| 'getNodeParameter'
		| 'getCredentials'
		| 'getNode'
		| 'getInputData'
		| 'getExecutionId'
		| 'getInstanceId'
		| 'getTimezone'
		| 'getExecutionCancelSignal'
		| 'logger'
	>;
