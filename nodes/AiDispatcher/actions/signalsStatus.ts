/** The Status operation's `signals` and `learned` fields. */
import type { IDataObject } from 'n8n-workflow';

import { readSignalsSettings } from '../adapters/signals';
import { isDispatcherError } from '../engine/errors';
import { learnedStats } from '../engine/signals/learned';
import { signalsStore } from '../engine/signals/store';
import type { Session } from './session';
import { signalsJson } from './signals';

/** Current signals of the primary Ollama host (a cached round, or a fresh one), cache age and breaker. */
export async function signalsStatus(session: Session): Promise<IDataObject> {
	let settings;
	try {
		settings = readSignalsSettings(session.ctx, 0);
	} catch (error) {
		return { enabled: true, error: isDispatcherError(error) ? error.message : String(error) };
	}
	if (!settings) return { enabled: false };
	const { ports, connection } = session;
	const source = { ollamaUrl: connection.baseUrls[0], prometheusUrl: connection.prometheusUrl };
	const read = await signalsStore.read(source, settings.config, { ollama: ports.ollama, prometheus: ports.prometheus, clock: ports.clock });
	const now = ports.clock.nowMs();
	return {
		enabled: true,
		prometheusUrl: connection.prometheusUrl,
		cacheAgeMs: Math.round(read.ageMs),
		cacheTtlMs: settings.config.ttlMs,
		prometheusBreaker: connection.prometheusUrl ? signalsStore.breaker(connection.prometheusUrl, now) : null,
		...signalsJson(read),
	};
}

/** Learned stats per Ollama host and model. */
export function learnedStatus(session: Session): IDataObject {
	return Object.fromEntries(session.connection.baseUrls.map((url) => [url, learnedStats.json(url)]));
}
