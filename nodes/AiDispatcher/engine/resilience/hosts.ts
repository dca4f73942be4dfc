/**
 * Several Ollama hosts serving the same model form a pool: the least busy host whose breaker admits
 * calls serves; hosts not yet tried for this item come first.
 */
import { breakerJson, isAdmitting, type BreakerOptions } from './breaker';
import type { ResilienceRegistry } from './registry';

/**
 * The host to call next for `model` at `nowMs`, or null when none admits a call. Skips `exclude`
 * (hosts already tried for this item); ties go to configuration order (the first URL is primary).
 */
export function pickHost(
	registry: ResilienceRegistry,
	baseUrls: readonly string[],
	model: string,
	nowMs: number,
	options: BreakerOptions,
	exclude: ReadonlySet<string> = new Set(),
): string | null {
	let best: string | null = null;
	for (const url of baseUrls) {
		if (exclude.has(url) || !isAdmitting(registry.getBreaker(url, model), nowMs, options)) continue;
		if (best === null || registry.inFlight(url) < registry.inFlight(best)) best = url;
	}
	return best;
}

/**
 * Why `model` cannot be tried at `nowMs`, when its circuit is open on every host; null otherwise.
 * E.g. `circuit open since 2026-11-22T05:10:00.000Z, retry after 2026-11-22T05:10:30.000Z`.
 */
export function circuitExclusion(
	registry: ResilienceRegistry,
	baseUrls: readonly string[],
	model: string,
	nowMs: number,
	options: BreakerOptions,
): string | null {
	if (pickHost(registry, baseUrls, model, nowMs, options) !== null) return null;
	const parts = baseUrls.map((url) => {
		const json = breakerJson(registry.getBreaker(url, model));
		const when = json.sharedFrom
			? `on another n8n process (shared through Prometheus), retry after ${json.retryAfter}`
			: json.retryAfter
				? `since ${json.since}, retry after ${json.retryAfter}`
				: `since ${json.since}, probe in flight`;
		return baseUrls.length > 1 ? `${url} ${when}` : when;
	});
	return baseUrls.length > 1
		? `circuit open on every host (${parts.join('; ')})`
		: `circuit open ${parts[0]}`;
}

/** Models whose circuit is open on every host at `nowMs`, with the reason (excluded from the decision). */
export function openCircuits(
	registry: ResilienceRegistry,
	baseUrls: readonly string[],
	models: readonly string[],
	nowMs: number,
	options: BreakerOptions,
): Map<string, string> {
	const open = new Map<string, string>();
	for (const model of models) {
		const why = circuitExclusion(registry, baseUrls, model, nowMs, options);
		if (why) open.set(model, why);
	}
	return open;
}
