/**
 * What the chat-model unit tests share: the simulator of the file ({@link useChatSimulator}), the chat
 * model the sub-node supplies over a fake n8n sub-node context (parameters, credential, HTTP through
 * fetch, logs-panel recorder), prompts and a stream reader.
 * Test files must first mock the SDK (jest hoists the call only in the test file itself):
 * jest.mock('@n8n/ai-node-sdk', () => jest.requireActual('../../support/ai-node-sdk-stub'), { virtual: true });
 */
import type { ChatModel, Message } from '@n8n/ai-node-sdk';
import type { INodeExecutionData, ISupplyDataFunctions } from 'n8n-workflow';

import type { DispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { LmChatAiDispatcher } from '../../nodes/LmChatAiDispatcher/LmChatAiDispatcher.node';
import { createContext } from './n8n-context';
import { MODEL_LIST } from './node-run';
import { startOllamaSimulator, type OllamaSimulator } from './simulator';

/**
 * One simulator for the test file (4 slots, fast), closed after it; faults and stats cleared before
 * each test. `onStart` receives it (the file keeps it in its own `sim`).
 */
export function useChatSimulator(onStart: (sim: OllamaSimulator) => void): void {
	let sim: OllamaSimulator | undefined;
	beforeAll(async () => {
		sim = await startOllamaSimulator({ timeScale: 0.002, numParallel: 4 });
		onStart(sim);
	});
	afterAll(async () => {
		await sim?.close();
	});
	beforeEach(() => {
		sim?.clearFaults();
		sim?.resetStats();
	});
}

export interface LogEntry {
	input: unknown;
	output?: unknown;
	error?: Error;
}

/** The sub-node's model for `baseUrl`, remembering into `state` (breakers, learned stats, metrics); undefined: as n8n builds it. */
export async function supplyChatModel(
	state: DispatcherState | undefined,
	baseUrl: string,
	params: Record<string, unknown> = {},
	openAiCredentials?: Record<string, unknown>,
) {
	const base = createContext({
		credentials: { baseUrl },
		...(openAiCredentials ? { openAiCredentials: openAiCredentials as never } : {}),
		params: { modelSource: 'list', models: MODEL_LIST, options: {}, useSignals: false, ...params },
	});
	const entries: LogEntry[] = [];
	const ctx = {
		...(base.execute as unknown as Record<string, unknown>),
		addInputData: (_type: string, data: INodeExecutionData[][]) => {
			entries.push({ input: data[0][0].json });
			return { index: entries.length - 1 };
		},
		addOutputData: (_type: string, index: number, data: INodeExecutionData[][] | Error) => {
			if (data instanceof Error) entries[index].error = data;
			else entries[index].output = data[0][0].json;
		},
	} as unknown as ISupplyDataFunctions;
	const supplied = await (
		state ? new LmChatAiDispatcher(state) : new LmChatAiDispatcher()
	).supplyData.call(ctx, 0);
	return {
		model: supplied.response as ChatModel,
		entries,
		requests: base.requests,
		close: supplied.closeFunction,
	};
}

export const user = (text: string): Message => ({
	role: 'user',
	content: [{ type: 'text', text }],
});

export const SIMPLE = 'Thank Dana for sending the meeting notes.';
export const COMPLEX = [
	'Production incident: the payments API returns HTTP 500 since the 14:02 deploy. Analyse the stack trace,',
	'explain the root cause step by step, compare two fixes (rollback vs hotfix) with their risks, and write',
	'the corrected Java code.',
	'',
	'```java',
	'public Payment charge(Order o) { return gateway.charge(o.total().multiply(rate)); }',
	'```',
	'java.lang.NullPointerException: Cannot invoke "java.math.BigDecimal.multiply(java.math.BigDecimal)"',
	'	at com.shop.payments.ChargeService.charge(ChargeService.java:88)',
	'	at com.shop.payments.ChargeController.post(ChargeController.java:41)',
	'	at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)',
	'	at org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:166)',
	'1. Why did it start at 14:02? 2. Which customers are affected? 3. How do we prevent it with tests?',
].join('\n');

/** Reads a stream to the end: its chunks, and the error it threw, if any. */
export async function drain<T>(stream: AsyncIterable<T>): Promise<{ chunks: T[]; error?: Error }> {
	const chunks: T[] = [];
	try {
		for await (const chunk of stream) chunks.push(chunk);
		return { chunks };
	} catch (error) {
		return { chunks, error: error as Error };
	}
}
