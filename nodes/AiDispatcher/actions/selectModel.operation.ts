import type { IDataObject } from 'n8n-workflow';

import { readRequest, readTimeouts } from '../adapters/config';
import { decide } from '../engine/dispatch';
import { complexityJson, decisionJson } from './output';
import type { Session } from './session';

/** Select Model: the decision only, so another Ollama node can use {{ $json.model }}. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const request = readRequest(session.ctx, itemIndex, 'selectModel');
	const config = {
		baseUrls: session.connection.baseUrls,
		models: await session.models(itemIndex),
		timeoutsMs: readTimeouts(session.ctx, itemIndex),
	};
	const { complexity, decision } = decide(request, config, session.ports.clock.nowMs());
	return {
		model: decision.model,
		tier: decision.tier,
		baseUrl: config.baseUrls[0],
		complexity: complexityJson(complexity),
		decision: decisionJson(decision),
	};
}
