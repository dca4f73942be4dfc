import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { errorItemJson, toNodeError } from '../adapters/errors';
import type { Operation } from '../adapters/config';
import * as generate from './generate.operation';
import * as selectModel from './selectModel.operation';
import { openSession } from './session';
import * as status from './status.operation';

/** Runs the chosen operation for every input item; one output item per input, paired, in order. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const operation = this.getNodeParameter('operation', 0) as Operation;
	const node = this.getNode();

	let session;
	try {
		session = await openSession(this);
	} catch (error) {
		const nodeError = toNodeError(node, error, 0);
		if (!this.continueOnFail()) throw nodeError;
		return [items.map((_, i) => ({ json: errorItemJson(nodeError, error), pairedItem: { item: i } }))];
	}

	if (operation === 'status') {
		const json = await status.execute(session);
		return [[{ json, pairedItem: items.map((_, i) => ({ item: i })) }]];
	}

	const run = operation === 'selectModel' ? selectModel.execute : generate.execute;
	const returnData: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		try {
			returnData.push({ json: await run(session, i), pairedItem: { item: i } });
		} catch (error) {
			const nodeError = toNodeError(node, error, i);
			if (!this.continueOnFail()) throw nodeError;
			returnData.push({ json: errorItemJson(nodeError, error), pairedItem: { item: i } });
		}
	}
	return [returnData];
}
