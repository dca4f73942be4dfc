import type { IDataObject } from 'n8n-workflow';

import { readRequest } from '../adapters/config';
import { readItem } from '../adapters/rules';
import { planItem } from '../engine/plan';
import { readDispatchConfig } from './itemConfig';
import { complexityJson, decisionJson, simplifyOutput, withSignalsJson } from './output';
import type { Session } from './session';

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
		reason: plan.decision.reason,
	};
	// The think to send with the chosen model (map {{ $json.thinking.think }} into an Ollama call).
	const thinking = plan.decision.model ? plan.thinking[plan.decision.model] : undefined;
	if (thinking?.think !== undefined) json.thinking = { ...thinking };
	if (simplifyOutput(ctx, itemIndex)) return json;
	return withSignalsJson({ ...json, complexity: complexityJson(plan.complexity), decision: decisionJson(plan.decision) }, plan);
}
