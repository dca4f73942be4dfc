import type { IDataObject } from 'n8n-workflow';

import { readRequest } from '../adapters/config';
import { readItem } from '../adapters/rules';
import { planItem } from '../engine/plan';
import { planStory } from '../engine/story';
import { thinkingOnHost } from '../engine/thinking/plan';
import { readDispatchConfig } from '../adapters/itemConfig';
import { complexityJson, decisionJson, rulesField } from '../adapters/output/decision';
import { withSignalsJson } from '../adapters/output/signals';
import { simplifyOutput } from './output';
import type { Session } from '../adapters/session';

/** Select Model: the plan only, so another Ollama node can use {{ $json.model }} and {{ $json.baseUrl }}. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const { ctx, state, ports } = session;
	const request = readRequest(ctx, itemIndex, 'selectModel');
	const config = await readDispatchConfig(session, itemIndex);
	const plan = await planItem(request, config, state, ports, { item: readItem(ctx, itemIndex) });
	const json: IDataObject = {
		model: plan.decision.model,
		tier: plan.decision.tier,
		// The least busy host whose circuit for this model admits calls.
		baseUrl: plan.host ?? config.baseUrls[0],
		reason: planStory(plan),
		...rulesField(plan),
	};
	// The think to send with the chosen model (map {{ $json.thinking.think }} into an Ollama call).
	// Planning asks /api/show only of a host that answered lately; Select Model calls no model, so it asks here.
	const { decision, complexity, rules, config: planned, settings } = plan;
	let thinking = decision.model ? plan.thinking[decision.model] : undefined;
	if (decision.model && thinking?.capabilitiesUnknown) {
		const inputs = { decision, complexity, rules, models: planned.models };
		thinking = await thinkingOnHost(
			inputs,
			decision.model,
			json.baseUrl as string,
			state.capabilities,
			ports,
			settings.connectTimeoutMs,
		);
	}
	if (thinking?.think !== undefined) json.thinking = { ...thinking };
	if (simplifyOutput(ctx, itemIndex)) return json;
	return withSignalsJson(
		{ ...json, complexity: complexityJson(plan.complexity), decision: decisionJson(plan.decision) },
		plan,
	);
}
