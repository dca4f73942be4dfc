import type { IDataObject } from 'n8n-workflow';

import { readRequest, readTimeouts } from '../adapters/config';
import { readResilience } from '../adapters/resilienceConfig';
import { dispatch } from '../engine/dispatch';
import { resultJson } from './output';
import type { Session } from './session';

/** Generate: choose a model for the item and answer it, falling back through the candidates. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const request = readRequest(session.ctx, itemIndex, 'generate');
	const config = {
		baseUrls: session.connection.baseUrls,
		models: await session.models(itemIndex),
		timeoutsMs: readTimeouts(session.ctx, itemIndex),
		resilience: readResilience(session.ctx, itemIndex),
	};
	return resultJson(await dispatch(request, config, session.ports));
}
