import type { IDataObject } from 'n8n-workflow';

import { readRequest } from '../adapters/config';
import { readItem } from '../adapters/rules';
import { decide } from '../engine/dispatch';
import { openCircuits, pickHost } from '../engine/resilience/hosts';
import { firstLiveHost } from '../engine/resilience/liveness';
import { resolveResilience } from '../engine/resilience/settings';
import { readDispatchConfig } from './itemConfig';
import { complexityJson, decisionJson, simplifyOutput } from './output';
import type { Session } from './session';
import { itemSignals } from './signals';

/** Select Model: the decision only, so another Ollama node can use {{ $json.model }}. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const request = readRequest(session.ctx, itemIndex, 'selectModel');
	const config = await readDispatchConfig(session, itemIndex);
	const nowMs = session.ports.clock.nowMs();
	const signals = await itemSignals(session, itemIndex, firstLiveHost(config.baseUrls, nowMs));
	const { breaker } = resolveResilience(config.resilience);
	const circuits = openCircuits(config.baseUrls, config.models.map((m) => m.name), nowMs, breaker);
	const excluded = new Map([...(signals?.context.excluded ?? []), ...circuits]);
	const context = { ...signals?.context, excluded, item: readItem(session.ctx, itemIndex) };
	const { complexity, decision } = decide(request, config, nowMs, context);
	const host = decision.model ? pickHost(config.baseUrls, decision.model, nowMs, breaker) : null;
	const json: IDataObject = {
		model: decision.model,
		tier: decision.tier,
		// The least busy host whose circuit for this model admits calls.
		baseUrl: host ?? config.baseUrls[0],
		reason: decision.reason,
	};
	if (simplifyOutput(session.ctx, itemIndex)) return json;
	json.complexity = complexityJson(complexity);
	json.decision = decisionJson(decision);
	if (signals) json.signals = signals.json;
	return json;
}
