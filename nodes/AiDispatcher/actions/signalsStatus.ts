/** The Status operation's `signals` and `learned` fields. */
import type { IDataObject } from 'n8n-workflow';

import { readSignalsSettings } from '../adapters/signals';
import { isDispatcherError } from '../engine/errors';
import { firstLiveHost } from '../engine/resilience/liveness';
import { signalsJson } from '../adapters/output/signals';
import type { Session } from '../adapters/session';

/**
 * Current signals as items see them (the same Ollama host as `planItem`: the first not known to be
 * down), from the cache or a fresh round, with cache age and Prometheus breaker.
 */
export async function signalsStatus(session: Session): Promise<IDataObject> {
	let settings;
	try {
		settings = readSignalsSettings(session.ctx, 0);
	} catch (error) {
		return { enabled: true, error: isDispatcherError(error) ? error.message : String(error) };
	}
	if (!settings) return { enabled: false };
	const { ports, connection, state } = session;
	const ollamaUrl = firstLiveHost(state.resilience, connection.baseUrls, ports.clock.nowMs());
	const source = { ollamaUrl, prometheusUrl: connection.prometheusUrl };
	const read = await state.signals.read(source, settings.config, {
		ollama: ports.ollama,
		prometheus: ports.prometheus,
		clock: ports.clock,
	});
	const now = ports.clock.nowMs();
	return {
		enabled: true,
		prometheusUrl: connection.prometheusUrl,
		cacheAgeMs: Math.round(read.ageMs),
		cacheTtlMs: settings.config.ttlMs,
		prometheusBreaker: connection.prometheusUrl
			? state.signals.breaker(connection.prometheusUrl, now)
			: null,
		...signalsJson(read),
	};
}

/** Learned stats per Ollama host and model. */
export function learnedStatus(session: Session): IDataObject {
	return Object.fromEntries(
		session.connection.baseUrls.map((url) => [url, session.state.learned.json(url)]),
	);
}
