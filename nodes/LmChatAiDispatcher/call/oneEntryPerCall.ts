/**
 * One entry per model call in n8n's logs panel. The SDK's `supplyModel` attaches n8n's LLM tracing,
 * which logs every call too (messages → generated text, without the model, tier or reason), so each
 * call showed twice ("6 items total" for 3 calls). The context handed to `supplyModel` therefore
 * drops the tracing's log entries; everything else (token metadata, AI events, the failed-attempt
 * handler) reaches n8n unchanged, and `callLog` logs each call once with its decision.
 */
import type { ISupplyDataFunctions } from 'n8n-workflow';

type Entries = Pick<ISupplyDataFunctions, 'addInputData' | 'addOutputData'>;

/** `ctx` for the SDK's tracing: its own log entries dropped, every other member bound to `ctx`. */
export function withoutTracingEntries<T extends Entries>(ctx: T): T {
	const quiet: Entries = {
		addInputData: () => ({ index: 0 }),
		addOutputData: () => undefined,
	};
	return new Proxy(ctx, {
		get(target, property) {
			if (property === 'addInputData' || property === 'addOutputData') return quiet[property];
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function'
				? (value as (...args: unknown[]) => unknown).bind(target)
				: value;
		},
	});
}
