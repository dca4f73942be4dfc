/**
 * The nested tries, named once: `callModel` (all tries of one model for one item) → `tryHost` (one
 * try on one host: its adaptive limits and in-flight slot) → `callOnce` (the caller's one call, see
 * `engine/run.ts`).
 *
 * `callModel` tries one model across its hosts (least busy healthy first, each host
 * once), then retries with backoff while the failure is transient and the breakers allow. Before a
 * call, the host's liveness is checked (see `liveness.ts`): a host that does not answer `GET /`
 * within the connect timeout fails the try at once, as a refused connection would.
 */
import type { TransportError } from '../errors';
import type { EnginePorts, GenerateOutcome } from '../ports';
import { settle } from '../result';
import type { Attempt } from '../types';
import { backoffDelayMs } from './backoff';
import { admit, onAbandon, onFailure, onSuccess } from './breaker';
import { circuitExclusion, pickHost } from './hosts';
import { afterCall, checkHost } from './liveness';
import type { ResilienceRegistry } from './registry';
import { countsAgainstBreaker, isTransient, worthAnotherHost } from './retry';
import type { ResilienceSettings } from './settings';
import { adaptiveTotalMs, firstTokenMs } from './timeouts';

/** Limits for one call, in milliseconds. */
export interface CallLimits {
	totalMs: number;
	firstTokenMs: number;
	/** Longest wait between two streamed lines after the first. */
	stallMs: number;
}

export type CallResult =
	{ ok: true; outcome: GenerateOutcome; response: unknown } | { ok: false; error: TransportError };

/** Makes one call of the model on `baseUrl` within `limits`. */
export type CallOnce = (baseUrl: string, limits: CallLimits) => Promise<CallResult>;

export interface ModelCall {
	model: string;
	baseUrls: readonly string[];
	/** Configured limits for the model's tier (the total one is the adaptive timeout's ceiling). */
	limits: CallLimits;
	settings: ResilienceSettings;
	ports: EnginePorts;
	/** Breakers, latencies, host load and liveness (the `DispatcherState`'s). */
	registry: ResilienceRegistry;
}

export type ModelOutcome =
	| { ok: true; host: string; outcome: GenerateOutcome; response: unknown; attempts: Attempt[] }
	| { ok: false; aborted: boolean; attempts: Attempt[] };

/** Tries one model until it answers, its hosts and retries are used up, or the execution stops. */
export async function callModel(spec: ModelCall, callOnce: CallOnce): Promise<ModelOutcome> {
	const { model, baseUrls, settings, ports, registry } = spec;
	const attempts: Attempt[] = [];
	const tried = new Set<string>();
	let retries = 0;

	while (true) {
		let host = pickHost(registry, baseUrls, model, ports.clock.nowMs(), settings.breaker, tried);
		let retry = false;
		if (host === null) {
			const last = attempts[attempts.length - 1];
			if (!last?.kind || !isTransient(last.kind) || retries >= settings.retry.maxRetries) break;
			// A Retry-After longer than the call's own limit would outlive the item's deadline: fall back instead.
			if (last.retryAfterMs !== undefined && last.retryAfterMs > spec.limits.totalMs) break;
			retries++;
			retry = true;
			const delayMs = Math.max(
				backoffDelayMs(retries, settings.backoff, ports.random),
				last.retryAfterMs ?? 0,
			);
			const slept = await settle(ports.sleep(delayMs, ports.cancel));
			if (ports.cancel?.aborted) return { ok: false, aborted: true, attempts };
			// A sleep that broke without a cancel must not lose the item: retry without the pause.
			if (!slept.ok)
				ports.log.warn('AI Dispatcher: backoff sleep failed; retrying at once', {
					error: String(slept.error),
				});
			host = pickHost(registry, baseUrls, model, ports.clock.nowMs(), settings.breaker);
			if (host === null) break;
		}
		const admission = admit(
			registry.getBreaker(host, model),
			ports.clock.nowMs(),
			settings.breaker,
		);
		registry.setBreaker(host, model, admission.next);
		if (!admission.allowed) {
			tried.add(host); // another item holds the half-open probe
			continue;
		}

		const tag = { host, ...(retry ? { retry: retries } : {}) };
		const checkStarted = ports.clock.nowMs();
		const live = await checkHost(registry, host, settings, ports);
		const checkMs = Math.round(ports.clock.nowMs() - checkStarted);
		if (!live.ok) {
			if (live.kind === 'aborted') {
				registry.setBreaker(
					host,
					model,
					onAbandon(registry.getBreaker(host, model), ports.clock.nowMs()),
				);
				return { ok: false, aborted: true, attempts };
			}
			// Not called: the host did not answer. It counts against the breaker like a refused connection.
			registry.setBreaker(
				host,
				model,
				onFailure(registry.getBreaker(host, model), ports.clock.nowMs(), settings.breaker),
			);
			attempts.push({ model, ok: false, error: live.error, kind: live.kind, ms: checkMs, ...tag });
			tried.add(host);
			ports.log.debug('AI Dispatcher: host failed its liveness check', {
				model,
				host,
				kind: live.kind,
				retry: retries,
			});
			continue;
		}

		const result = await tryHost(spec, host, callOnce);
		afterCall(registry, host, result.ok ? undefined : result.error.kind, ports.clock.nowMs());
		const ms = result.ms + checkMs; // what this try cost the item, liveness check included
		if (result.ok) {
			registry.setBreaker(
				host,
				model,
				onSuccess(registry.getBreaker(host, model), settings.breaker),
			);
			registry.recordLatency(host, model, result.ms);
			attempts.push({ model, ok: true, error: null, ms, ...tag });
			return { ok: true, host, outcome: result.outcome, response: result.response, attempts };
		}
		const { kind, message, retryAfterMs } = result.error;
		if (kind === 'aborted') {
			registry.setBreaker(
				host,
				model,
				onAbandon(registry.getBreaker(host, model), ports.clock.nowMs()),
			);
			return { ok: false, aborted: true, attempts };
		}
		const breaker = registry.getBreaker(host, model);
		registry.setBreaker(
			host,
			model,
			countsAgainstBreaker(kind)
				? onFailure(breaker, ports.clock.nowMs(), settings.breaker)
				: onSuccess(breaker, settings.breaker),
		);
		attempts.push({
			model,
			ok: false,
			error: message,
			kind,
			ms,
			...tag,
			...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
		});
		tried.add(host);
		ports.log.debug('AI Dispatcher: attempt failed', { model, host, kind, retry: retries });
		if (!worthAnotherHost(kind)) break;
	}
	if (attempts.length === 0) {
		// Opened by another item since the decision was made.
		const why =
			circuitExclusion(registry, baseUrls, model, ports.clock.nowMs(), settings.breaker) ??
			'circuit open (probe in flight)';
		attempts.push({ model, ok: false, error: why, kind: 'circuit_open', ms: 0 });
	}
	return { ok: false, aborted: false, attempts };
}

/** One try of the model on `host`: adaptive limits, the host's in-flight slot held during the call. */
async function tryHost(
	spec: ModelCall,
	host: string,
	callOnce: CallOnce,
): Promise<CallResult & { ms: number }> {
	const totalMs = adaptiveTotalMs(
		spec.limits.totalMs,
		spec.registry.latencies(host, spec.model),
		spec.settings.adaptiveTimeout,
	);
	const limits = {
		totalMs,
		firstTokenMs: firstTokenMs(spec.limits.firstTokenMs, totalMs),
		stallMs: firstTokenMs(spec.limits.stallMs, totalMs),
	};
	const release = spec.registry.acquireHost(host);
	const started = spec.ports.clock.nowMs();
	const settled = await settle(callOnce(host, limits));
	release();
	if (!settled.ok) throw settled.error; // a bug, not a failed call: let it surface
	return { ...settled.value, ms: Math.round(spec.ports.clock.nowMs() - started) };
}
