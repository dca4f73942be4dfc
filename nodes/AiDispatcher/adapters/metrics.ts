/**
 * n8n ⇄ metrics: one push per execution (`pushAfterExecution`) and the Status figures
 * (`metricsStatus`). Items are recorded by the engine itself (the `DispatcherState`'s observer, a
 * `MetricsRecorder` by default, sees every `runPlan`); both read what the observer offers as its
 * `figures`, whatever observer it is. Every workflow of this n8n process adds to the same cumulative
 * counters, as the Pushgateway expects.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from './context';
import { isTransportError } from '../engine/errors';
import { renderExposition } from '../engine/metrics/exposition';
import type { MetricsFigures } from '../engine/metrics/figures';
import { pushStatus, requestPush, PUSH_TIMEOUT_MS } from '../engine/metrics/pusher';
import type { MetricsRegistry } from '../engine/metrics/registry';
import type { EnginePorts } from '../engine/ports';
import type { DispatcherState } from '../engine/state';
import { pushGroupUrl, pushMetrics } from '../transport/pushgateway';
import type { ConnectionSettings } from './config';
import { n8nHttpPort } from './http';

/** The Pushgateway job every dispatcher process pushes under. */
export const METRICS_JOB = 'ai_dispatcher';

/** The figures the state's observer keeps; undefined when it keeps none (or there is no observer). */
function figuresOf(state: DispatcherState): MetricsFigures | undefined {
	return state.metrics?.figures;
}

/** A Pushgateway URL the node can push to, or why not. */
function pushTarget(connection: ConnectionSettings): { url: string } | { error: string } | null {
	const url = connection.pushgatewayUrl;
	if (url === null) return null;
	if (!/^https?:\/\/[^\s/]+/.test(url))
		return {
			error: `Pushgateway URL ${JSON.stringify(url)} is not an http(s) URL: metrics are not pushed`,
		};
	return { url };
}

/** The instance label: this n8n instance's id and a random per-process suffix (queue-mode workers differ). */
function instanceLabel(ctx: NodeContext): string {
	const id =
		typeof ctx.getInstanceId === 'function' ? String(ctx.getInstanceId() ?? '').slice(0, 12) : '';
	const suffix = Math.floor(Math.random() * 0xffffffff)
		.toString(16)
		.padStart(8, '0');
	return `${id || 'n8n'}-${suffix}`;
}

/** Written in the credential's Metrics Instance, stands for this process's own label. */
export const PROCESS_PLACEHOLDER = '{process}';

/**
 * The `instance` label this process pushes under: the credential's Metrics Instance with every
 * `{process}` replaced by this process's label (so queue-mode workers sharing the credential keep
 * one group each, e.g. `prod-{process}`), or this process's label when the field is empty. A fixed
 * name without `{process}` is used as it is (one n8n process only: processes would overwrite it).
 */
export function instanceFor(configured: string | null, processLabel: string): string {
	return configured === null
		? processLabel
		: configured.split(PROCESS_PLACEHOLDER).join(processLabel);
}

/**
 * The `instance` label this process pushes (or will push) under, drawing its per-process part now
 * if no push did yet; undefined when the state's observer keeps no figures and the label depends on them.
 */
export function ownInstance(
	ctx: NodeContext,
	state: DispatcherState,
	connection: ConnectionSettings,
): string | undefined {
	const figures = figuresOf(state);
	if (figures) {
		figures.instance ??= instanceLabel(ctx);
		return instanceFor(connection.metricsInstance, figures.instance);
	}
	const configured = connection.metricsInstance;
	return configured !== null && !configured.includes(PROCESS_PLACEHOLDER) ? configured : undefined;
}

/**
 * After an execution's items are done: pushes the figures when the credential names a Pushgateway.
 * Waits at most one push timeout, at most once per push interval; never throws.
 */
export async function pushAfterExecution(
	ctx: NodeContext,
	state: DispatcherState,
	connection: ConnectionSettings,
	ports: EnginePorts,
): Promise<void> {
	const figures = figuresOf(state);
	const target = pushTarget(connection);
	if (!figures || target === null) return;
	if ('error' in target) {
		figures.push.lastError = target.error;
		return;
	}
	figures.instance ??= instanceLabel(ctx);
	const url = pushGroupUrl(
		target.url,
		METRICS_JOB,
		instanceFor(connection.metricsInstance, figures.instance),
	);
	const http = n8nHttpPort(ctx);
	await requestPush(
		figures.push,
		{
			clock: ports.clock,
			sleep: ports.sleep,
			send: () => pushMetrics(http, url, renderExposition(figures.snapshot()), PUSH_TIMEOUT_MS),
			describe: (error) => {
				const text = withoutUserInfo(
					isTransportError(error)
						? `${error.kind}: ${error.message}`
						: error instanceof Error
							? error.message
							: String(error),
				);
				ports.log.warn('AI Dispatcher: pushing metrics failed', { error: text });
				return text;
			},
		},
		figures.intervalMs,
	);
}

function withoutUserInfo(text: string): string {
	return text.replace(/\/\/[^/@\s]+@/g, '//');
}

/** The Status operation's `metrics` field: where figures go, how the last push went, the figures. */
export function metricsStatus(
	state: DispatcherState,
	connection: ConnectionSettings,
	nowMs: number,
): IDataObject {
	const figures = figuresOf(state);
	if (!figures) return { enabled: false };
	const target = pushTarget(connection);
	const status = pushStatus(figures.push);
	const at = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
	return {
		enabled: true,
		pushgatewayUrl: connection.pushgatewayUrl,
		job: METRICS_JOB,
		instance:
			figures.instance === null
				? connection.metricsInstance
				: instanceFor(connection.metricsInstance, figures.instance),
		pushing: target !== null && !('error' in target),
		lastPushAt: at(status.lastPushAtMs),
		lastPushAgeMs: status.lastPushAtMs === null ? null : Math.max(0, nowMs - status.lastPushAtMs),
		lastAttemptAt: at(status.lastAttemptAtMs),
		lastError: target && 'error' in target ? target.error : status.lastError,
		lastErrorAt: at(status.lastErrorAtMs),
		pushes: status.pushes,
		failures: status.failures,
		deferred: status.deferred,
		figures: figuresJson(figures.snapshot()),
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
