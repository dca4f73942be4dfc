/** n8n execution context → the engine's ports. */
import { sleepWithAbort, type IExecuteFunctions, type ILoadOptionsFunctions } from 'n8n-workflow';

import type { EnginePorts } from '../engine/ports';
import { createOllamaClient } from '../transport/ollama';
import { n8nHttpPort } from './http';

export function enginePorts(ctx: IExecuteFunctions | ILoadOptionsFunctions): EnginePorts {
	const signal = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
	return {
		ollama: createOllamaClient(n8nHttpPort(ctx)),
		clock: { nowMs: () => Date.now() },
		// sleepWithAbort never removes its abort listener: give it a short-lived derived signal so
		// backoffs do not pile listeners onto the execution's signal.
		sleep: async (ms, abort) => await sleepWithAbort(ms, abort ? AbortSignal.any([abort]) : undefined),
		log: {
			debug: (message, meta) => ctx.logger.debug(message, meta),
			warn: (message, meta) => ctx.logger.warn(message, meta),
		},
		random: Math.random,
		signal,
	};
}
