/** One item's engine configuration, read from the node parameters (shared by Generate and Select Model). */
import { readTimeouts } from '../adapters/config';
import { readResilience } from '../adapters/resilienceConfig';
import { readRouterOptions } from '../adapters/router';
import { readRules, readTimeZone } from '../adapters/rules';
import type { DispatchConfig } from '../engine/dispatch';
import type { Session } from './session';

export async function readDispatchConfig(session: Session, itemIndex: number): Promise<DispatchConfig> {
	return {
		baseUrls: session.connection.baseUrls,
		models: await session.models(itemIndex),
		timeoutsMs: readTimeouts(session.ctx, itemIndex),
		rules: readRules(session.ctx, itemIndex),
		timeZone: readTimeZone(session.ctx),
		resilience: readResilience(session.ctx, itemIndex),
		router: readRouterOptions(session.ctx, itemIndex),
	};
}
