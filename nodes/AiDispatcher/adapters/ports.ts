/** n8n execution context → the engine's ports. */
import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import type { EnginePorts } from '../engine/ports';
import { createOllamaClient } from '../transport/ollama';
import { createPrometheusClient } from '../transport/prometheus';
import { n8nHttpPort } from './http';
import { abortableSleep } from './sleep';

export function enginePorts(ctx: IExecuteFunctions | ILoadOptionsFunctions): EnginePorts {
	const cancel = 'getExecutionCancelSignal' in ctx ? ctx.getExecutionCancelSignal() : undefined;
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
