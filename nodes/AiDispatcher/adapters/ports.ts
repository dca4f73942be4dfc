/** n8n node context → the engine's ports. */
import type { EnginePorts } from '../engine/ports';
import { createOllamaClient } from '../transport/ollama';
import { createPrometheusClient } from '../transport/prometheus';
import type { NodeContext } from './context';
import { n8nHttpPort } from './http';
import { abortableSleep } from './sleep';

/** The ports of a node's context; a context without a cancel signal (loading options) gives none. */
export function enginePorts(
	ctx: Pick<NodeContext, 'helpers' | 'logger'> &
		Partial<Pick<NodeContext, 'getExecutionCancelSignal'>>,
): EnginePorts {
	const cancel = ctx.getExecutionCancelSignal?.();
	const http = n8nHttpPort(ctx);
	return {
		ollama: createOllamaClient(http),
		prometheus: createPrometheusClient(http),
		clock: { nowMs: () => Date.now() },
		sleep: abortableSleep,
		log: {
			debug: (message, meta) => ctx.logger.debug(message, meta),
			warn: (message, meta) => ctx.logger.warn(message, meta),
		},
		random: Math.random,
		cancel,
	};
}
