/**
 * `NodeContext`: the calls of n8n's node context the shared layer uses. Both nodes' contexts are one
 * as they are (checked by the type checker below), and n8n's HTTP helper still gets the context as
 * `this` (n8n's helper reads the credential through it).
 */
import type { IExecuteFunctions, IHttpRequestOptions, ISupplyDataFunctions } from 'n8n-workflow';

import type { NodeContext } from '../../../nodes/AiDispatcher/adapters/context';
import { enginePorts } from '../../../nodes/AiDispatcher/adapters/ports';

// Compile-time: each node's context is a NodeContext without a cast (`npm run typecheck` fails otherwise).
const fromExecute = (ctx: IExecuteFunctions): NodeContext => ctx;
const fromSupplyData = (ctx: ISupplyDataFunctions): NodeContext => ctx;

/** A context whose helper needs its own `this`, as n8n's does. */
class ClassContext {
	readonly seen: Array<{ self: unknown; type: string; url: string }> = [];
	readonly cancel = new AbortController();
	readonly helpers = {
		httpRequestWithAuthentication: async function (
			this: ClassContext,
			credentialsType: string,
			requestOptions: IHttpRequestOptions,
		) {
			this.seen.push({ self: this, type: credentialsType, url: requestOptions.url });
			return { statusCode: 200, headers: {}, body: '{"version":"0.9.0"}' };
		},
	};
	readonly logger = {
		debug: () => undefined,
		info: () => undefined,
		warn: () => undefined,
		error: () => undefined,
	};
	getExecutionCancelSignal(): AbortSignal {
		return this.cancel.signal;
	}
}

describe('NodeContext', () => {
	it('the engine’s ports call n8n’s HTTP helper with the context as `this`, and take its cancel', async () => {
		const ctx = new ClassContext();
		// The fake stands in for the chat model's context; from there on no cast.
		const ports = enginePorts(fromSupplyData(ctx as unknown as ISupplyDataFunctions));
		expect(ports.cancel).toBe(ctx.cancel.signal);
		expect(await ports.ollama.version('http://o:11434', 1000)).toBe('0.9.0');
		expect(ctx.seen).toEqual([
			{ self: ctx, type: 'aiDispatcherApi', url: 'http://o:11434/api/version' },
		]);
	});

	it('a context without a cancel signal (loading options) gives ports without one', () => {
		const { helpers, logger } = new ClassContext();
		expect(enginePorts({ helpers, logger }).cancel).toBeUndefined();
		const main = new ClassContext();
		expect(enginePorts(fromExecute(main as unknown as IExecuteFunctions)).cancel).toBe(
			main.cancel.signal,
		);
	});
});
