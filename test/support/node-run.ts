/** Runs the real AI Dispatcher node's execute against simulators, as the scenario tests need. */
import type { INodeExecutionData } from 'n8n-workflow';

import { AiDispatcher } from '../../nodes/AiDispatcher/AiDispatcher.node';
import { createDispatcherState, type DispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { createContext, type ContextOptions } from './n8n-context';

export const MODEL_LIST = {
	model: [
		{ name: 'phi3:mini', tier: 'low' },
		{ name: 'llama3.2:3b', tier: 'medium' },
		{ name: 'qwen2.5:7b', tier: 'high' },
	],
};

export interface NodeRun extends Omit<ContextOptions, 'items'> {
	baseUrl: string;
	prompts: unknown[];
	/** Node options (the "Options" collection). */
	options?: Record<string, unknown>;
	/** What the node remembers across runs; a fresh one when absent. */
	state?: DispatcherState;
}

/** Executes the node for `prompts` (one item each) with the Generate operation and a Model List. */
export function runNode(run: NodeRun): {
	result: Promise<INodeExecutionData[][]>;
	ctx: ReturnType<typeof createContext>;
} {
	const ctx = createContext({
		...run,
		credentials: run.credentials ?? { baseUrl: run.baseUrl },
		items: run.prompts.map((prompt) => ({ json: { prompt: prompt as string } })),
		params: {
			operation: 'generate',
			inputMode: 'prompt',
			prompt: (i: number) => run.prompts[i],
			modelSource: 'list',
			models: MODEL_LIST,
			options: run.options ?? {},
			// Scenario tests read the full decision (every attempt, candidates, usage).
			simplifyOutput: false,
			...run.params,
		},
	});
	const node = new AiDispatcher(run.state ?? createDispatcherState());
	return { ctx, result: node.execute.call(ctx.execute) };
}

/** Milliseconds `promise` took, with its value. */
export async function timed<T>(promise: Promise<T>): Promise<{ value: T; ms: number }> {
	const started = performance.now();
	const value = await promise;
	return { value, ms: Math.round(performance.now() - started) };
}
