/**
 * The connect timeout, as a liveness check per Ollama host. n8n's HTTP helper has no socket-level
 * connect timeout, and Ollama sends its response headers only with the first token, so a host that
 * accepts TCP but never answers (a hung proxy, a wedged Ollama) would otherwise cost a whole
 * first-token wait. Instead, before a call on a host that has not answered anything lately, the
 * host is asked `GET /` (Ollama answers "Ollama is running" at once, whatever its models do) within
 * the connect timeout.
 *
 * - A host that answered (a ping, or a reply to a generation, even an HTTP error) within
 *   `LIVENESS_WINDOW_MS` is called directly: a busy healthy host costs no extra request.
 * - A host never seen, not heard from for the window, or whose last call failed with `connection`
 *   or `timeout`, is pinged first. Concurrent items share one ping per host.
 * - A failed ping marks the host down for the window: calls on it fail at once (kind `connection`
 *   or `timeout`), without another ping, until the window has passed.
 * - Any HTTP reply to the ping (even a 404 from a proxy that forwards only /api/*) counts as alive:
 *   the check is about answering, not about the endpoint.
 *
 * The state lives in the `ResilienceRegistry` passed in (one per `DispatcherState`); the wait is bounded by the HttpPort's own deadline
 * (`AbortSignal.timeout`), and each waiter leaves at once when its execution is stopped.
 */
import { unlessCancelled } from '../cancel';
import { TransportError } from '../errors';
import type { EnginePorts } from '../ports';
import { settle } from '../result';
import type { FailureKind } from '../types';
import type { HostLiveness, PingFailure, PingOutcome, ResilienceRegistry } from './registry';

/** How long an answer from a host (or a failed check of it) is trusted, in milliseconds. */
export const LIVENESS_WINDOW_MS = 10_000;

/** Default wait for a host to answer `GET /`, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

/** What to do before a call on a host: nothing, ping it, or fail at once (it failed a check lately). */
export type LivenessNeed =
	{ need: 'none' } | { need: 'ping' } | { need: 'down'; failure: PingFailure };

/** Decides from `state` at `nowMs` whether a call on the host needs a check first. Pure. */
export function livenessNeed(
	state: HostLiveness,
	nowMs: number,
	windowMs = LIVENESS_WINDOW_MS,
): LivenessNeed {
	if (state.failed && nowMs - state.failed.atMs < windowMs)
		return { need: 'down', failure: state.failed };
	if (!state.suspect && state.answeredAtMs !== null && nowMs - state.answeredAtMs < windowMs)
		return { need: 'none' };
	return { need: 'ping' };
}

/** The host answered at `nowMs`: fresh, not suspect, no failure remembered. Pure. */
export function answered(state: HostLiveness, nowMs: number): HostLiveness {
	return {
		answeredAtMs: Math.max(nowMs, state.answeredAtMs ?? nowMs),
		suspect: false,
		failed: null,
	};
}

/** A call on the host failed with `connection` or `timeout`: check it before the next call. Pure. */
export function suspected(state: HostLiveness): HostLiveness {
	return { ...state, suspect: true };
}

/** A liveness check failed: the host is down for the window. Pure. */
export function pingFailed(state: HostLiveness, failure: PingFailure): HostLiveness {
	return { ...state, suspect: true, failed: failure };
}

/** Failures that say nothing about whether the host answers. */
const SILENT: ReadonlySet<FailureKind> = new Set<FailureKind>(['aborted', 'circuit_open']);

/**
 * Updates the host's liveness after a generation ended at `nowMs`: success (`kind` undefined) or
 * any failure that came with a reply (HTTP error, broken stream, bad JSON…) means it answers;
 * `connection` or `timeout` make it suspect; a stopped workflow says nothing.
 */
export function afterCall(
	registry: ResilienceRegistry,
	baseUrl: string,
	kind: FailureKind | undefined,
	nowMs: number,
): void {
	if (kind !== undefined && SILENT.has(kind)) return;
	const state = registry.getLiveness(baseUrl);
	if (kind === 'connection' || kind === 'timeout') registry.setLiveness(baseUrl, suspected(state));
	else registry.setLiveness(baseUrl, answered(state, nowMs));
}

/** The outcome of `checkHost`: go ahead, or fail this try with `kind` and `error`. */
export type LiveCheck =
	{ ok: true } | { ok: false; kind: 'connection' | 'timeout' | 'aborted'; error: string };

/**
 * Makes sure `baseUrl` answers before a call on it: returns at once when it answered lately, fails at
 * once when a check failed lately, else waits for the (shared) `GET /` check, at most
 * `connectTimeoutMs` (or until the execution is stopped: kind `aborted`). "Lately" is
 * `livenessWindowMs`, by default `LIVENESS_WINDOW_MS`.
 */
export async function checkHost(
	registry: ResilienceRegistry,
	baseUrl: string,
	limits: { connectTimeoutMs: number; livenessWindowMs?: number },
	ports: EnginePorts,
): Promise<LiveCheck> {
	const { connectTimeoutMs, livenessWindowMs = LIVENESS_WINDOW_MS } = limits;
	if (ports.cancel?.aborted) return cancelled();
	const nowMs = ports.clock.nowMs();
	const need = livenessNeed(registry.getLiveness(baseUrl), nowMs, livenessWindowMs);
	if (need.need === 'none') return { ok: true };
	if (need.need === 'down') {
		const ago = Math.max(0, Math.round(nowMs - need.failure.atMs));
		return {
			ok: false,
			kind: need.failure.kind,
			error: `${need.failure.error} (checked ${ago} ms ago)`,
		};
	}
	const shared =
		registry.pingInFlight(baseUrl) ?? startPing(registry, baseUrl, connectTimeoutMs, ports);
	// The check goes on for others when this execution stops waiting.
	return await unlessCancelled(shared, ports.cancel, cancelled);
}

function cancelled(): LiveCheck {
	return { ok: false, kind: 'aborted', error: 'request cancelled' };
}

function startPing(
	registry: ResilienceRegistry,
	baseUrl: string,
	connectTimeoutMs: number,
	ports: EnginePorts,
): Promise<PingOutcome> {
	// No caller's cancel: the check is shared by items of other executions; its own deadline bounds it.
	const ping = async (): Promise<PingOutcome> => {
		let settled = await settle(ports.ollama.ping(baseUrl, connectTimeoutMs));
		// A pooled keep-alive socket the host closed while idle fails at once with a reset: one more try, on a fresh socket.
		if (!settled.ok && wasReset(settled.error))
			settled = await settle(ports.ollama.ping(baseUrl, connectTimeoutMs));
		if (settled.ok) return { ok: true };
		return classify(settled.error, connectTimeoutMs);
	};
	return registry.sharePing(baseUrl, ping, (outcome) => {
		const state = registry.getLiveness(baseUrl);
		const atMs = ports.clock.nowMs();
		if (outcome.ok) registry.setLiveness(baseUrl, answered(state, atMs));
		else
			registry.setLiveness(
				baseUrl,
				pingFailed(state, { atMs, kind: outcome.kind, error: outcome.error }),
			);
		if (!outcome.ok)
			ports.log.debug('AI Dispatcher: host did not answer its liveness check', {
				host: baseUrl,
				error: outcome.error,
			});
	});
}

/** A connection reset (ECONNRESET), as a socket reused after the server closed it fails. */
function wasReset(error: unknown): boolean {
	return (
		error instanceof TransportError &&
		error.kind === 'connection' &&
		/ECONNRESET|socket hang up/i.test(error.message)
	);
}

/** A failed ping as a liveness outcome; an HTTP reply of any status means the host answers. */
function classify(error: unknown, connectTimeoutMs: number): PingOutcome {
	const kind = error instanceof TransportError ? error.kind : 'connection';
	if (error instanceof TransportError && error.status !== undefined) return { ok: true };
	if (kind === 'timeout') {
		return {
			ok: false,
			kind: 'timeout',
			error: `host did not answer GET / within ${connectTimeoutMs} ms (connect timeout)`,
		};
	}
	const why = error instanceof Error ? error.message : String(error);
	return { ok: false, kind: 'connection', error: `host did not answer GET / (${why})` };
}

/**
 * The host whose view the live signals should use: the first one not known to be down (a failed
 * connect check within the window), else the first. Keeps a dead primary from stalling every
 * signals refresh on its timeout.
 */
export function firstLiveHost(
	registry: ResilienceRegistry,
	baseUrls: readonly string[],
	nowMs: number,
	windowMs = LIVENESS_WINDOW_MS,
): string {
	return (
		baseUrls.find(
			(url) => livenessNeed(registry.getLiveness(url), nowMs, windowMs).need !== 'down',
		) ?? baseUrls[0]
	);
}
