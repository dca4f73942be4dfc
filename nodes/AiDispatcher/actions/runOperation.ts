import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItemJson, toNodeError } from '../adapters/errors';
import { pushAfterExecution } from '../adapters/metrics';
import type { Operation } from '../adapters/config';
import { withLayout } from '../adapters/layout';
import { readConcurrency, readItemOrder, type ItemOrder } from '../adapters/options';
import { linkCancel } from '../engine/cancel';
import { runPool } from '../engine/pool';
import { settle, type Settled } from '../engine/result';
import type { DispatcherState } from '../engine/state';
import * as generate from './generate.operation';
import { generateGrouped } from './generateGrouped';
import { addFallbackHint } from './hints';
import { progressReporter } from './progress';
import * as selectModel from './selectModel.operation';
import { openSession, type Session } from './session';
import * as status from './status.operation';

/**
 * Runs the chosen operation for every input item, up to "Concurrency" items at once; one output
 * item per input, paired, in input order. Generate plans every item first and answers them grouped
 * by model unless Item Order is "As Received" (see `generateGrouped.ts`). Without Continue On Fail, the first item to fail stops
 * the others (their requests are aborted) and its error is thrown.
 */
export async function runOperation(
	this: IExecuteFunctions,
	state: DispatcherState,
): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// Settings are read where either panel version keeps them (version 1.1 moved some under Options).
	const ctx = withLayout(this);
	const operation = ctx.getNodeParameter('operation', 0) as Operation;
	const node = this.getNode();

	let session: Session;
	let concurrency = 1;
	let order: ItemOrder = 'asReceived';
	try {
		session = await openSession(ctx, state);
		if (operation !== 'status') concurrency = readConcurrency(ctx);
		if (operation === 'generate') order = readItemOrder(ctx);
	} catch (error) {
		const nodeError = toNodeError(node, error, 0);
		if (!this.continueOnFail()) throw nodeError;
		return [
			items.map((_, i) => ({ json: errorItemJson(nodeError, error), pairedItem: { item: i } })),
		];
	}

	if (operation === 'status') {
		const json = await status.execute(session);
		return [[{ json, pairedItem: items.map((_, i) => ({ item: i })) }]];
	}

	const run = operation === 'selectModel' ? selectModel.execute : generate.execute;
	// The items' cancel: the execution's, or this run's own stop after a failure (not Continue On Fail).
	const stop = linkCancel([session.ports.cancel]);
	const itemSession: Session = { ...session, ports: { ...session.ports, cancel: stop.signal } };
	const continueOnFail = this.continueOnFail();
	let fatal: { index: number; error: unknown } | undefined;
	const progress = progressReporter(this, session.ports.clock, items.length);

	const track = <T>(i: number, settled: Settled<T>): Settled<T> => {
		progress.done(settled.ok);
		if (!settled.ok && !continueOnFail && !fatal) {
			fatal = { index: i, error: settled.error };
			stop.abort();
		}
		return settled;
	};
	const stopped = () => fatal !== undefined;
	const outcomes = await (
		order === 'grouped'
			? generateGrouped(itemSession, items.length, { concurrency, track, stopped })
			: runPool(
					items.length,
					concurrency,
					async (i) => track(i, await settle(run(itemSession, i))),
					stopped,
				)
	).finally(stop.dispose);
	progress.finish();
	// Answers kept only for this run's duplicates (Reuse Answers off) hold no memory past it.
	state.reuse.forgetExecution(session.reuse.executionId);
	await pushAfterExecution(this, state, session.connection, session.ports);
	if (fatal) throw toNodeError(node, fatal.error, fatal.index);

	if (operation === 'generate') {
		addFallbackHint(
			this,
			outcomes.flatMap((settled) => (settled?.ok ? [settled.value] : [])),
			items.length,
		);
	}
	const returnData: INodeExecutionData[] = outcomes.map((settled, i) => {
		if (settled?.ok) return { json: settled.value, pairedItem: { item: i } };
		const cause = settled ? settled.error : new Error('not run');
		return { json: errorItemJson(toNodeError(node, cause, i), cause), pairedItem: { item: i } };
	});
	return [returnData];
}
