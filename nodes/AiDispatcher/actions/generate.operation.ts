import type { IDataObject } from 'n8n-workflow';

import { readRequest } from '../adapters/config';
import { readItem } from '../adapters/rules';
import { dispatch } from '../engine/dispatch';
import { firstLiveHost } from '../engine/resilience/liveness';
import { settle } from '../engine/result';
import { readDispatchConfig } from './itemConfig';
import { generateJson, simplifyOutput } from './output';
import type { Session } from './session';
import { itemSignals, learnFrom, trackedPorts } from './signals';

/** Generate: choose a model for the item and answer it, falling back through the candidates. */
export async function execute(session: Session, itemIndex: number): Promise<IDataObject> {
	const request = readRequest(session.ctx, itemIndex, 'generate');
	const config = await readDispatchConfig(session, itemIndex);
	// Live signals come from the first Ollama host that is not known to be down.
	const signalsHost = firstLiveHost(config.baseUrls, session.ports.clock.nowMs());
	const signals = await itemSignals(session, itemIndex, signalsHost);
	const context = { ...signals?.context, item: readItem(session.ctx, itemIndex) };
	const outcome = await settle(dispatch(request, config, trackedPorts(session.ports), context));
	learnFrom(signalsHost, outcome, session.ports.clock.nowMs());
	if (!outcome.ok) throw outcome.error;
	return generateJson(outcome.value, simplifyOutput(session.ctx, itemIndex), signals?.json);
}
