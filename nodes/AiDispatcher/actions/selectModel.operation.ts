import type { IDataObject } from 'n8n-workflow';

import { readRequest, readTimeouts } from '../adapters/config';
import { readItem, readRules, readTimeZone } from '../adapters/rules';
import { decide } from '../engine/dispatch';
import { complexityJson, decisionJson } from './output';
import type { Session } from './session';
import { itemSignals } from './signals';

/** Select Model: the decision only, so another Ollama node can use {{ $json.model }}. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const request = readRequest(session.ctx, itemIndex, 'selectModel');
	const config = {
		baseUrl: session.connection.baseUrls[0],
		models: await session.models(itemIndex),
		timeoutsMs: readTimeouts(session.ctx, itemIndex),
		rules: readRules(session.ctx, itemIndex),
		timeZone: readTimeZone(session.ctx),
	};
	const signals = await itemSignals(session, itemIndex, config.baseUrl);
	const context = { ...signals?.context, item: readItem(session.ctx, itemIndex) };
	const { complexity, decision } = decide(request, config, session.ports.clock.nowMs(), context);
	const json: IDataObject = {
		model: decision.model,
		tier: decision.tier,
		baseUrl: config.baseUrl,
		complexity: complexityJson(complexity),
		decision: decisionJson(decision),
	};
	if (signals) json.signals = signals.json;
	return json;
}
