/** One item's engine configuration, read from the node parameters (shared by Generate and Select Model). */
import { readCostConfig } from './endpoint';
import { readItemOptions } from './options';
import { readReuseConfig } from './reuse';
import { readAnalyser, readRouterOptions } from './routerOptions';
import { readRules, readTimeZone } from './rules';
import { ownInstance } from './metrics';
import { readSignalsSettings, withSharedHealth } from './signals';
import type { DispatchConfig } from '../engine/decision';
import type { Session } from './session';

export async function readDispatchConfig(
	session: Session,
	itemIndex: number,
): Promise<DispatchConfig> {
	const signals = readSignalsSettings(session.ctx, itemIndex);
	// Queue mode: read back the breakers the other n8n processes pushed, leaving this process's own group out.
	const signalsConfig =
		signals &&
		withSharedHealth(signals, session.connection.pushgatewayUrl, () =>
			ownInstance(session.ctx, session.state, session.connection),
		);
	const { timeoutsMs, resilience } = readItemOptions(session.ctx, itemIndex);
	return {
		baseUrls: session.connection.baseUrls,
		models: await session.models(itemIndex),
		timeoutsMs,
		rules: readRules(session.ctx, itemIndex, session.rulesCache),
		timeZone: readTimeZone(session.ctx),
		resilience,
		...(signals && signalsConfig
			? {
					signals: {
						config: signalsConfig,
						policy: signals.policy,
						prometheusUrl: session.connection.prometheusUrl,
					},
				}
			: {}),
		analyser: readAnalyser(session.ctx, itemIndex),
		router: readRouterOptions(session.ctx, itemIndex),
		reuse: readReuseConfig(session.ctx, itemIndex, session.reuse),
		...(session.endpoint
			? {
					cost: readCostConfig(session.ctx, itemIndex, session.endpoint, session.reuse.executionId),
				}
			: {}),
	};
}
