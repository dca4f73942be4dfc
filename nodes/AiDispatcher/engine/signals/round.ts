/**
 * One refresh: every Prometheus query, /api/ps and /api/tags in ONE parallel round, each with the
 * same short timeout. Never throws for a failing source: failures become unknowns with reasons.
 */
import { isTransportError } from '../errors';
import type { Clock, OllamaPort, PrometheusPort } from '../ports';
import { settle } from '../result';
import { perModelValue, singleValue } from './normalise';
import { peerBreakersQuery, peerSpeedsQuery, readPeerBreakers, readPeerSpeeds } from './peers';
import { buildQueries } from './queries';
import type {
	HostSignal,
	ModelSignal,
	PerModelValue,
	PrometheusState,
	SignalSnapshot,
	SignalsConfig,
	SignalsSource,
} from './types';
import { HOST_SIGNALS, MODEL_SIGNALS } from './types';

export interface RoundPorts {
	ollama: OllamaPort;
	prometheus?: PrometheusPort;
	clock: Clock;
	cancel?: AbortSignal;
}

export interface RoundResult {
	snapshot: SignalSnapshot;
	/** True when Prometheus was queried and every query failed (feeds the breaker). */
	prometheusFailed: boolean;
}

/** Why Prometheus is skipped this round (breaker open), if it is. */
export type SkipReason = string | undefined;

function reasonOf(error: unknown): string {
	return isTransportError(error)
		? error.message
		: error instanceof Error
			? error.message
			: String(error);
}

export function emptySnapshot(nowMs: number): SignalSnapshot {
	const host = Object.fromEntries(HOST_SIGNALS.map((s) => [s, null])) as Record<
		HostSignal,
		number | null
	>;
	const models = Object.fromEntries(
		MODEL_SIGNALS.map((s) => [s, { total: null, byModel: {} }]),
	) as Record<ModelSignal, PerModelValue>;
	return {
		takenAtMs: nowMs,
		roundMs: 0,
		queries: 0,
		prometheus: 'not configured',
		host,
		models,
		custom: {},
		unknown: {},
		loaded: null,
		installedBytes: null,
	};
}

/** Runs one round. `skip` (breaker open) or a missing Prometheus URL leaves Prometheus out. */
export async function runRound(
	source: SignalsSource,
	config: SignalsConfig,
	ports: RoundPorts,
	skip: SkipReason,
): Promise<RoundResult> {
	const started = ports.clock.nowMs();
	const timeoutMs = config.timeoutMs;
	const queries = buildQueries(config.queries);
	const usePrometheus =
		source.prometheusUrl !== null && ports.prometheus !== undefined && skip === undefined;

	const peers = usePrometheus && config.queries.sharedHealth === true;
	const peerQuery = (promql: string) =>
		settle(
			(ports.prometheus as PrometheusPort).query(
				source.prometheusUrl as string,
				promql,
				timeoutMs,
				ports.cancel,
			),
		);
	const [ps, tags, peerAnswer, speedAnswer, ...answers] = await Promise.all([
		settle(ports.ollama.ps(source.ollamaUrl, timeoutMs, ports.cancel)),
		settle(ports.ollama.tags(source.ollamaUrl, timeoutMs, ports.cancel)),
		peers ? peerQuery(peerBreakersQuery(config.queries.ownInstance)) : undefined,
		peers ? peerQuery(peerSpeedsQuery(config.queries.ownInstance)) : undefined,
		...(usePrometheus
			? queries.map(
					async (q) =>
						await settle(
							(ports.prometheus as PrometheusPort).query(
								source.prometheusUrl as string,
								q.promql,
								timeoutMs,
								ports.cancel,
							),
						),
				)
			: []),
	]);

	const snapshot = emptySnapshot(0);
	if (ps.ok) snapshot.loaded = ps.value;
	else snapshot.loadedError = reasonOf(ps.error);
	if (tags.ok)
		snapshot.installedBytes = Object.fromEntries(tags.value.map((t) => [t.name, t.sizeBytes]));
	if (peerAnswer) {
		// Not a signal of the policy: its failure leaves the round's state alone and each process decides alone.
		snapshot.peerBreakers = peerAnswer.ok ? readPeerBreakers(peerAnswer.value) : null;
		if (!peerAnswer.ok)
			snapshot.unknown.peerBreakers = `query failed: ${reasonOf(peerAnswer.error)}`;
	}
	if (speedAnswer) {
		snapshot.peerTokensPerS = speedAnswer.ok ? readPeerSpeeds(speedAnswer.value) : null;
		if (!speedAnswer.ok)
			snapshot.unknown.peerTokensPerS = `query failed: ${reasonOf(speedAnswer.error)}`;
	}

	let failed = 0;
	let firstError: string | undefined;
	queries.forEach((q, i) => {
		const answer = answers[i];
		if (!usePrometheus || !answer) return;
		if (!answer.ok) {
			failed++;
			firstError ??= reasonOf(answer.error);
			snapshot.unknown[q.key] = `query failed: ${reasonOf(answer.error)}`;
			if (q.key.startsWith('custom.')) snapshot.custom[q.key.slice(7)] = null;
			return;
		}
		if (q.perModel) {
			const n = perModelValue(answer.value, config.queries.names.modelLabel);
			snapshot.models[q.key as ModelSignal] = n.value;
			if (n.unknown) snapshot.unknown[q.key] = n.unknown;
			return;
		}
		const n = singleValue(answer.value);
		if (q.key.startsWith('custom.')) snapshot.custom[q.key.slice(7)] = n.value;
		else snapshot.host[q.key as HostSignal] = n.value;
		if (n.unknown) snapshot.unknown[q.key] = n.unknown;
	});

	const prometheusFailed = usePrometheus && failed === queries.length;
	let state: PrometheusState = 'ok';
	if (source.prometheusUrl === null || !ports.prometheus) state = 'not configured';
	else if (skip !== undefined) state = 'unavailable';
	else if (prometheusFailed) state = 'unavailable';
	else if (failed > 0) state = 'partial';
	snapshot.prometheus = state;
	if (skip !== undefined) snapshot.unavailableReason = skip;
	else if (prometheusFailed) snapshot.unavailableReason = firstError;
	if (!usePrometheus) {
		const why =
			state === 'not configured'
				? 'no Prometheus URL in the credential'
				: `Prometheus unavailable: ${skip}`;
		for (const q of queries) {
			snapshot.unknown[q.key] = why;
			if (q.key.startsWith('custom.')) snapshot.custom[q.key.slice(7)] = null;
		}
	}
	const finished = ports.clock.nowMs();
	snapshot.takenAtMs = finished;
	snapshot.roundMs = Math.round(finished - started);
	snapshot.queries = usePrometheus ? queries.length + (peers ? 2 : 0) : 0;
	return { snapshot, prometheusFailed };
}
