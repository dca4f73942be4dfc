import type { IDataObject } from 'n8n-workflow';

import { readRequest } from '../adapters/config';
import { readItem } from '../adapters/rules';
import { planItem, runPlan } from '../engine/plan';
import { readDispatchConfig } from './itemConfig';
import { generateJson, simplifyOutput } from './output';
import type { Session } from './session';

/** Generate: choose a model for the item and answer it, falling back through the candidates. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const { ctx, state, ports } = session;
	const request = readRequest(ctx, itemIndex, 'generate');
	const config = await readDispatchConfig(session, itemIndex);
	const plan = await planItem(request, config, state, ports, { item: readItem(ctx, itemIndex) });
	const result = await runPlan(plan, ports, state);
	return generateJson(result, simplifyOutput(ctx, itemIndex), plan);
}
