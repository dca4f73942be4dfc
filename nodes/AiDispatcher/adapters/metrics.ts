/**
 * n8n ⇄ metrics: one call per item (`recordItem`), one push per execution (`pushAfterExecution`),
 * the Status figures (`metricsStatus`). The registry and push state are process-wide (every
 * workflow of this n8n process adds to the same cumulative counters, as the Pushgateway expects).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { DispatchConfig } from '../engine/dispatch';
import { isTransportError } from '../engine/errors';
import { METRIC_DEFS, METRICS } from '../engine/metrics/catalog';
import { renderExposition } from '../engine/metrics/exposition';
import { observeItem } from '../engine/metrics/observe';
import { cancelPush, newPushState, pushStatus, requestPush, PUSH_INTERVAL_MS, PUSH_TIMEOUT_MS, type PushState } from '../engine/metrics/pusher';
import { MetricsRegistry } from '../engine/metrics/registry';
import { snapshotProcess } from '../engine/metrics/snapshot';
import type { EnginePorts } from '../engine/ports';
import { openBreakers, resilienceCounters } from '../engine/resilience/registry';
import type { Settled } from '../engine/result';
import { learnedStats } from '../engine/signals/learned';
import { signalsStore } from '../engine/signals/store';
import type { PrometheusState } from '../engine/signals/types';
import type { DispatchResult } from '../engine/types';
import { pushGroupUrl, pushMetrics } from '../transport/pushgateway';
import type { ConnectionSettings } from './config';
import { n8nHttpPort } from './http';

/** The Pushgateway job every dispatcher process pushes under. */
export const METRICS_JOB = 'ai_dispatcher';

export interface ProcessMetrics {
	registry: MetricsRegistry;
	push: PushState;
	/** The instance label of this process (set at the first push). */
	instance: string | null;
	/** Minimum time between push attempts, in ms (tests shorten it). */
	intervalMs: number;
}

// Process-wide until the one DispatcherState holds it (DESIGN.md, "State is declared").
let current: ProcessMetrics | undefined;

/** This process's metrics (created on first use). */
export function processMetrics(): ProcessMetrics {
	current ??= { registry: new MetricsRegistry(METRIC_DEFS), push: newPushState(), instance: null, intervalMs: PUSH_INTERVAL_MS };
	return current;
}

/** Forgets every figure (tests). */
export function resetProcessMetrics(): void {
	if (current) cancelPush(current.push);
	current = undefined;
}

/** Records one dispatched item (answered or failed). Never throws. */
export function recordItem(outcome: Settled<DispatchResult>, config: Pick<DispatchConfig, 'models' | 'thresholds'>, signals?: IDataObject): void {
	observeItem(processMetrics().registry, {
		outcome,
		models: config.models,
		thresholds: config.thresholds,
		tokensPerS: (model, host) => (host ? (learnedStats.forHost(host).get(model)?.tokensPerS ?? null) : null),
		signals: signals ? { state: signals.prometheus as PrometheusState, ageMs: Number(signals.ageMs) || 0 } : undefined,
	});
}

/** A Pushgateway URL the node can push to, or why not. */
function pushTarget(connection: ConnectionSettings): { url: string } | { error: string } | null {
	const url = connection.pushgatewayUrl;
	if (url === null) return null;
	if (!/^https?:\/\/[^\s/]+/.test(url)) return { error: `Pushgateway URL ${JSON.stringify(url)} is not an http(s) URL: metrics are not pushed` };
	return { url };
}

/** The instance label: this n8n instance's id and a random per-process suffix (queue-mode workers differ). */
function instanceLabel(ctx: IExecuteFunctions): string {
	const id = typeof ctx.getInstanceId === 'function' ? String(ctx.getInstanceId() ?? '').slice(0, 12) : '';
	const suffix = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
	return `${id || 'n8n'}-${suffix}`;
}

/** The exposition text of this process's figures, with the gauges snapshotted now. */
export function metricsText(): string {
	return renderExposition(snapshotNow());
}

/** Takes the push-time gauges (breakers, learned speeds, signals rounds) into the registry. */
function snapshotNow(): MetricsRegistry {
	const { registry } = processMetrics();
	snapshotProcess(registry, {
		breakers: openBreakers(),
		breakerOpenings: resilienceCounters().breakerOpens,
		learnedTokensPerS: learnedRates(),
		signals: { refreshes: signalsStore.rounds, failedRefreshes: signalsStore.failedRounds },
	});
	return registry;
}

/** Learned tokens/s by host, for the hosts this process has called. */
function learnedRates(): Map<string, Map<string, number | null>> {
	const hosts = new Set<string>();
	for (const s of processMetrics().registry.read(METRICS.calls)) if (s.labels[1]) hosts.add(s.labels[1]);
	return new Map([...hosts].map((host) => [host, new Map([...learnedStats.forHost(host)].map(([m, s]) => [m, s.tokensPerS]))]));
}

/**
 * After an execution's items are done: pushes the figures when the credential names a Pushgateway.
 * Waits at most one push timeout, at most once per push interval; never throws.
 */
export async function pushAfterExecution(ctx: IExecuteFunctions, connection: ConnectionSettings, ports: EnginePorts): Promise<void> {
	const target = pushTarget(connection);
	if (target === null) return;
	const metrics = processMetrics();
	if ('error' in target) {
		metrics.push.lastError = target.error;
		return;
	}
	metrics.instance ??= instanceLabel(ctx);
	const url = pushGroupUrl(target.url, METRICS_JOB, connection.metricsInstance ?? metrics.instance);
	const http = n8nHttpPort(ctx);
	await requestPush(
		metrics.push,
		{
			clock: ports.clock,
			sleep: ports.sleep,
			send: () => pushMetrics(http, url, metricsText(), PUSH_TIMEOUT_MS),
			describe: (error) => {
				const text = isTransportError(error) ? `${error.kind}: ${error.message}` : error instanceof Error ? error.message : String(error);
				ports.log.warn('AI Dispatcher: pushing metrics failed', { error: withoutUserInfo(text) });
				return withoutUserInfo(text);
			},
		},
		metrics.intervalMs,
	);
}

function withoutUserInfo(text: string): string {
	return text.replace(/\/\/[^/@\s]+@/g, '//');
}

/** The Status operation's `metrics` field: where figures go, how the last push went, the figures. */
export function metricsStatus(connection: ConnectionSettings, nowMs: number): IDataObject {
	const metrics = processMetrics();
	const target = pushTarget(connection);
	const status = pushStatus(metrics.push);
	const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
	return {
		pushgatewayUrl: connection.pushgatewayUrl,
		job: METRICS_JOB,
		instance: connection.metricsInstance ?? metrics.instance,
		pushing: target !== null && !('error' in target),
		lastPushAt: at(status.lastPushAtMs),
		lastPushAgeMs: status.lastPushAtMs === null ? null : Math.max(0, nowMs - status.lastPushAtMs),
		lastAttemptAt: at(status.lastAttemptAtMs),
		lastError: target && 'error' in target ? target.error : status.lastError,
		lastErrorAt: at(status.lastErrorAtMs),
		pushes: status.pushes,
		failures: status.failures,
		deferred: status.deferred,
		figures: figuresJson(snapshotNow()),
	};
}

/** Every series as { labels, value } (histograms: count and sum), by metric name. */
function figuresJson(registry: MetricsRegistry): IDataObject {
	const out: IDataObject = {};
	for (const def of registry.definitions()) {
		const series = registry.read(def);
		if (series.length === 0) continue;
		out[def.name] = series.map((s) => ({
			...Object.fromEntries(def.labels.map((name, i) => [name, s.labels[i]])),
			...(s.histogram ? { count: s.histogram.count, sum: s.histogram.sum } : { value: s.value }),
		}));
	}
	return out;
}
