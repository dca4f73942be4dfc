/**
 * Model health shared between n8n processes (queue-mode workers) without a service of ours: every
 * process pushes, with its metrics, the time until which each open breaker stays open
 * (`ai_dispatcher_breaker_open_until_timestamp_seconds{model, host}`, one Pushgateway group per
 * process); the live-signals round reads the latest of them back from the Prometheus that scrapes
 * the Pushgateway, and `adoptPeerBreakers` opens the same breakers here until the same time. From
 * then on the breaker works as if this process had opened it: at `untilMs` one probe call is let
 * through, its success closes the circuit, its failure opens it again for a cooldown.
 *
 * The pushed value is an absolute time, so a report expires by itself: a stopped worker's last push
 * cannot keep a model out once its time has passed. Clocks of the processes are assumed in step
 * (NTP); a skew of s seconds moves the reopening by s seconds.
 */
import type { PromQueryResult } from '../ports';
import type { OpenState } from '../resilience/breaker';
import type { ResilienceRegistry } from '../resilience/registry';

/** The Pushgateway job the node pushes under (`adapters/metrics.ts`), and so the job to read back. */
export const PEER_JOB = 'ai_dispatcher';

/** A PromQL label value in double quotes. */
function quoted(value: string): string {
	return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** The dispatcher's groups, without this process's own (`ownInstance`, its `instance` label) when known. */
function peersSelector(ownInstance?: string): string {
	return ownInstance
		? `{job="${PEER_JOB}",instance!=${quoted(ownInstance)}}`
		: `{job="${PEER_JOB}"}`;
}

/**
 * The latest open-until time the other processes reported, per model and Ollama host. A process
 * leaves its own group out: it holds its breakers in memory, and a restarted process that kept its
 * label starts empty, as it always did.
 */
export function peerBreakersQuery(ownInstance?: string): string {
	return `max by (model, host) (ai_dispatcher_breaker_open_until_timestamp_seconds${peersSelector(ownInstance)})`;
}

/** `peerBreakersQuery` over every group. */
export const PEER_BREAKERS_PROMQL = peerBreakersQuery();

/** The decode speed the other processes learned, per model and Ollama host (their mean). */
export function peerSpeedsQuery(ownInstance?: string): string {
	return `avg by (model, host) (ai_dispatcher_learned_tokens_per_second${peersSelector(ownInstance)})`;
}

/** `peerSpeedsQuery` over every group. */
export const PEER_SPEEDS_PROMQL = peerSpeedsQuery();

/** Learned tokens per second by Ollama host, then model. */
export type PeerSpeeds = Record<string, Record<string, number>>;

/** The speeds in a query result; samples without a model, a host or a positive finite value are skipped. */
export function readPeerSpeeds(result: PromQueryResult): PeerSpeeds {
	const speeds: PeerSpeeds = {};
	for (const sample of result.samples) {
		const { model, host } = sample.labels;
		if (!model || !host || sample.value === null || !(sample.value > 0)) continue;
		(speeds[host] ??= {})[model] = sample.value;
	}
	return speeds;
}

/** One breaker another process reports open. */
export interface PeerBreaker {
	model: string;
	/** The Ollama URL, as the credential names it (the `host` label). */
	host: string;
	/** Until when it stays open, epoch milliseconds. */
	untilMs: number;
}

/** The open breakers in a query result; samples without a model, a host or a finite time are skipped. */
export function readPeerBreakers(result: PromQueryResult): PeerBreaker[] {
	const breakers: PeerBreaker[] = [];
	for (const sample of result.samples) {
		const { model, host } = sample.labels;
		if (!model || !host || sample.value === null || !(sample.value > 0)) continue;
		breakers.push({ model, host, untilMs: Math.round(sample.value * 1000) });
	}
	return breakers;
}

/**
 * Opens here, until the reported time, each breaker a peer reports open on one of `baseUrls` whose
 * time has not passed at `nowMs`, unless this process already holds it open as long or longer, or
 * has its probe in flight. Returns the breakers it opened.
 */
export function adoptPeerBreakers(
	registry: ResilienceRegistry,
	peers: readonly PeerBreaker[],
	baseUrls: readonly string[],
	nowMs: number,
): PeerBreaker[] {
	const adopted: PeerBreaker[] = [];
	for (const peer of peers) {
		if (peer.untilMs <= nowMs || !baseUrls.includes(peer.host)) continue;
		const current = registry.getBreaker(peer.host, peer.model);
		if (current.state === 'halfOpen') continue;
		if (current.state === 'open' && current.untilMs >= peer.untilMs) continue;
		const next: OpenState = {
			state: 'open',
			sinceMs: nowMs,
			untilMs: peer.untilMs,
			sharedFrom: 'prometheus',
		};
		registry.adoptBreaker(peer.host, peer.model, next);
		adopted.push(peer);
	}
	return adopted;
}
