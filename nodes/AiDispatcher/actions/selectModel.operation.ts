import type { IDataObject } from 'n8n-workflow';

import { readRequest, readTimeouts } from '../adapters/config';
import { readResilience } from '../adapters/resilienceConfig';
import { decide } from '../engine/dispatch';
import { openCircuits, pickHost } from '../engine/resilience/hosts';
import { resolveResilience } from '../engine/resilience/settings';
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
	const nowMs = session.ports.clock.nowMs();
	const { breaker } = resolveResilience(readResilience(session.ctx, itemIndex));
	const excluded = openCircuits(config.baseUrls, config.models.map((m) => m.name), nowMs, breaker);
	const { complexity, decision } = decide(request, config, nowMs, { excluded });
	const host = decision.model ? pickHost(config.baseUrls, decision.model, nowMs, breaker) : null;
	return {
		model: decision.model,
		tier: decision.tier,
		// The least busy host whose circuit for this model admits calls.
		baseUrl: host ?? config.baseUrls[0],
		complexity: complexityJson(complexity),
		decision: decisionJson(decision),
	};
}
