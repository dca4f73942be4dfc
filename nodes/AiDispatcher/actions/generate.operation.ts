import type { IDataObject } from 'n8n-workflow';

import { readRequest } from '../adapters/config';
import { readItem } from '../adapters/rules';
import { planItem, runPlan, type Plan } from '../engine/plan';
import { readDispatchConfig } from '../adapters/itemConfig';
import { generateJson, simplifyOutput } from './output';
import type { Session } from '../adapters/session';

/** Generate: choose a model for the item and answer it, falling back through the candidates. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	return await answer(session, itemIndex, await plan(session, itemIndex));
}

/** Generate's first half: reads the item and plans it (no model is called). */
export async function plan(session: Session, itemIndex: number): Promise<Plan> {
	const { ctx, state, ports } = session;
	const request = readRequest(ctx, itemIndex, 'generate');
	const config = await readDispatchConfig(session, itemIndex);
	return await planItem(request, config, state, ports, { item: readItem(ctx, itemIndex) });
}

/** Generate's second half: answers a planned item and builds its output. */
export async function answer(
	session: Session,
	itemIndex: number,
	planned: Plan,
): Promise<IDataObject> {
	const result = await runPlan(planned, session.ports, session.state);
	return generateJson(result, simplifyOutput(session.ctx, itemIndex), planned);
}
