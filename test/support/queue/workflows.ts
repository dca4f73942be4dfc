/**
 * The webhook workflows of the queue-mode e2e. Each is Webhook (POST, answered by the Respond node)
 * → Split Out (`body.items`, one item per entry) → the AI Dispatcher node, or a Basic LLM Chain with
 * the AI Dispatcher Chat Model → Respond to Webhook with `{ executionId, answers }`, so the caller
 * learns which execution answered (and, from the workers' logs, which worker ran it).
 */
export const CREDENTIAL = { id: 'aiDispatcherQueue', name: 'AI Dispatcher (queue mode)' };
export const MODELS = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{ name: 'qwen2.5:7b', tier: 'high' },
	],
};

/** One entry of a webhook call's `items`. */
export interface QueueItem {
	id: string;
	text: string;
}

/** What every workflow's Respond node sends back. */
export interface QueueResponse {
	executionId: string;
	answers: Array<{
		model?: string;
		response?: string;
		text?: string;
		reason?: string;
		attempts?: Array<{ model: string; ok: boolean; kind?: string }>;
	}>;
}

const PROMPT = "={{ 'Summarize item ' + $json.id + ' for the digest: ' + $json.text }}";

function webhookWorkflow(
	id: string,
	path: string,
	middle: Array<Record<string, unknown>>,
	middleName: string,
	extraConnections: Record<string, unknown> = {},
): Record<string, unknown> {
	return {
		id,
		name: id,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{
				id: `${id}-hook`,
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: `${id}-hook`,
				parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
			},
			{
				id: `${id}-split`,
				name: 'Split Out',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [220, 0],
				parameters: { fieldToSplitOut: 'body.items', options: {} },
			},
			...middle,
			{
				id: `${id}-respond`,
				name: 'Respond',
				type: 'n8n-nodes-base.respondToWebhook',
				typeVersion: 1.1,
				position: [660, 0],
				parameters: {
					respondWith: 'json',
					responseBody:
						'={{ JSON.stringify({ executionId: $execution.id, answers: $input.all().map(i => ({ model: i.json.model, response: i.json.response, text: i.json.text, reason: i.json.reason, attempts: i.json.attempts })) }) }}',
					options: {},
				},
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'Split Out', type: 'main', index: 0 }]] },
			'Split Out': { main: [[{ node: middleName, type: 'main', index: 0 }]] },
			[middleName]: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] },
			...extraConnections,
		},
	};
}

/** Webhook → AI Dispatcher (Generate, the full decision in each item) → Respond. */
export function dispatcherWorkflow(
	id: string,
	path: string,
	options: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
): Record<string, unknown> {
	return webhookWorkflow(
		id,
		path,
		[
			{
				id: `${id}-dispatcher`,
				name: 'AI Dispatcher',
				type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
				typeVersion: 1,
				position: [440, 0],
				credentials: { aiDispatcherApi: CREDENTIAL },
				parameters: {
					operation: 'generate',
					inputMode: 'prompt',
					prompt: PROMPT,
					taskType: 'auto',
					complexity: 'auto',
					outputFormat: 'text',
					modelSource: 'list',
					models: MODELS,
					simplifyOutput: false,
					options,
					...extra,
				},
			},
		],
		'AI Dispatcher',
	);
}

/** Webhook → Basic LLM Chain with the AI Dispatcher Chat Model → Respond. */
export function chainWorkflow(id: string, path: string): Record<string, unknown> {
	return webhookWorkflow(
		id,
		path,
		[
			{
				id: `${id}-chain`,
				name: 'Summarize',
				type: '@n8n/n8n-nodes-langchain.chainLlm',
				typeVersion: 1.9,
				position: [440, 0],
				parameters: { promptType: 'define', text: PROMPT, batching: {} },
			},
			{
				id: `${id}-model`,
				name: 'AI Dispatcher Chat Model',
				type: 'n8n-nodes-ai-dispatcher.lmChatAiDispatcher',
				typeVersion: 1,
				position: [440, 220],
				credentials: { aiDispatcherApi: CREDENTIAL },
				parameters: { modelSource: 'list', models: MODELS, options: {} },
			},
		],
		'Summarize',
		{
			'AI Dispatcher Chat Model': {
				ai_languageModel: [[{ node: 'Summarize', type: 'ai_languageModel', index: 0 }]],
			},
		},
	);
}

/** `count` items of call `call`: ids `c<call>-<i>`, each with a short text. */
export function itemsOf(call: number, count: number): QueueItem[] {
	return Array.from({ length: count }, (_, i) => ({
		id: `c${call}-${i}`,
		text: `Please confirm the meeting number ${i} of batch ${call} by Friday.`,
	}));
}

/** POSTs `{ items }` to the main's production webhook and returns the Respond node's body. */
export async function callWebhook(
	baseUrl: string,
	path: string,
	items: QueueItem[],
	timeoutMs = 120_000,
): Promise<QueueResponse> {
	const res = await fetch(`${baseUrl}/webhook/${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ items }),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const text = await res.text();
	if (!res.ok)
		throw new Error(`POST /webhook/${path} answered HTTP ${res.status}: ${text.slice(0, 2000)}`);
	return JSON.parse(text) as QueueResponse;
}
