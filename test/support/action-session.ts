/**
 * A Session for testing one module of `nodes/AiDispatcher/actions/` on its own: the n8n stand-in
 * context (`n8n-context.ts`), the node's real `openSession`, and, when given, scripted engine ports
 * in place of the HTTP ones (`fakes.ts`). Defaults: Generate on a Model List (`MODEL_LIST`),
 * parameters where a version-1 node keeps them, live signals off, Simplify Output on.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { openSession, type Session } from '../../nodes/AiDispatcher/adapters/session';
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import { createDispatcherState, type DispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { createContext, type ContextOptions } from './n8n-context';
import { MODEL_LIST } from './node-run';

export interface NodeContextOptions extends Omit<ContextOptions, 'items'> {
	/** One item per prompt (`prompt` is mapped to the item's prompt); one empty item by default. */
	prompts?: string[];
	items?: INodeExecutionData[];
}

/** The n8n stand-in context of an AI Dispatcher node with the defaults above; `params` override them. */
export function nodeContext(options: NodeContextOptions = {}): ReturnType<typeof createContext> {
	const prompts = options.prompts ?? [];
	const items = prompts.length > 0 ? prompts.map((prompt) => ({ json: { prompt } })) : undefined;
	return createContext({
		...options,
		items: options.items ?? items,
		params: {
			operation: 'generate',
			inputMode: 'prompt',
			prompt: (i: number) => prompts[i],
			modelSource: 'list',
			models: MODEL_LIST,
			options: {},
			useSignals: false,
			simplifyOutput: true,
			...options.params,
		},
	});
}

export interface ActionSessionOptions extends NodeContextOptions {
	/** Engine ports to use instead of the HTTP ones built from the context. */
	ports?: EnginePorts;
	state?: DispatcherState;
}

export async function actionSession(options: ActionSessionOptions = {}): Promise<{
	session: Session;
	ctx: ReturnType<typeof createContext>;
	state: DispatcherState;
}> {
	const ctx = nodeContext(options);
	const state = options.state ?? createDispatcherState();
	const opened = await openSession(ctx.execute, state);
	const session = options.ports ? { ...opened, ports: options.ports } : opened;
	return { session, ctx, state };
}
