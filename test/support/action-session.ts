/**
 * A Session for testing one module of `nodes/AiDispatcher/actions/` on its own: the n8n stand-in
 * context (`n8n-context.ts`), the node's real `openSession`, and, when given, scripted engine ports
 * in place of the HTTP ones (`fakes.ts`). Defaults: Model List (`MODEL_LIST`), parameters as a
 * version-1 node keeps them, Simplify Output on.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { openSession, type Session } from '../../nodes/AiDispatcher/actions/session';
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import { createDispatcherState, type DispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { createContext, type ContextOptions } from './n8n-context';
import { MODEL_LIST } from './node-run';

export interface ActionSessionOptions extends Omit<ContextOptions, 'items'> {
	/** One item per prompt (`prompt` is mapped to the item's prompt); one empty item by default. */
	prompts?: string[];
	items?: INodeExecutionData[];
	/** Engine ports to use instead of the HTTP ones built from the context. */
	ports?: EnginePorts;
	state?: DispatcherState;
}

export async function actionSession(options: ActionSessionOptions = {}): Promise<{
	session: Session;
	ctx: ReturnType<typeof createContext>;
	state: DispatcherState;
}> {
	const prompts = options.prompts ?? [];
	const ctx = createContext({
		...options,
		items:
			options.items ??
			(prompts.length > 0 ? prompts.map((prompt) => ({ json: { prompt } })) : undefined),
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
	const state = options.state ?? createDispatcherState();
	const opened = await openSession(ctx.execute, state);
	const session = options.ports ? { ...opened, ports: options.ports } : opened;
	return { session, ctx, state };
}
