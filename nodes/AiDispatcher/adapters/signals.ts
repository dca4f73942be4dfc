/**
 * Signals parameters → validated SignalsConfig and PolicyConfig. Every error names the field and the
 * bad value.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DispatcherError } from '../engine/errors';
import { DEFAULT_POLICY, GIB, type PolicyConfig } from '../engine/selection/policy';
import { DEFAULT_EXPORTER_NAMES, DEFAULT_SIGNALS_CONFIG } from '../engine/signals/queries';
import type { BuiltInSignal, QuerySettings, SignalsConfig } from '../engine/signals/types';
import { BUILT_IN_SIGNALS } from '../engine/signals/types';
import { show } from './config';

export interface SignalsSettings {
	config: SignalsConfig;
	policy: PolicyConfig;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = '\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*(?:=~|!~|!=|=)\\s*"(?:[^"\\\\]|\\\\.)*"\\s*';
const MATCHERS = new RegExp(`^(?:${MATCHER}(?:,${MATCHER})*)?$`);
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const CUSTOM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function configInvalid(message: string, hint?: string): DispatcherError {
	return new DispatcherError('CONFIG_INVALID', message, { hint });
}

function numberAtLeast(field: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
	if (value === undefined || value === null || value === '') return fallback;
	const n = typeof value === 'string' ? Number(value) : value;
	if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
		throw configInvalid(`${field} should be a number from ${min} to ${max === Number.MAX_SAFE_INTEGER ? '∞' : max}, got ${show(value)}`);
	}
	return n;
}

function matching(field: string, value: unknown, fallback: string, pattern: RegExp, example: string): string {
	if (value === undefined || value === null) return fallback;
	if (typeof value !== 'string' || !pattern.test(value.trim())) {
		throw configInvalid(`${field} should look like ${example}, got ${show(value)}`);
	}
	return value.trim();
}

/** Reads the Signals section for one item; undefined when live signals are switched off. */
export function readSignalsSettings(ctx: IExecuteFunctions, itemIndex: number): SignalsSettings | undefined {
	const enabled = ctx.getNodeParameter('useSignals', itemIndex, true);
	if (enabled === false) return undefined;
	if (enabled !== true) throw configInvalid(`useSignals should be true or false, got ${show(enabled)}`);
	const options = ctx.getNodeParameter('signalOptions', itemIndex, {}) as IDataObject;
	const queries = ctx.getNodeParameter('signalQueries', itemIndex, {}) as IDataObject;
	return parseSignalsSettings(options, queries);
}

/** Validates the Signal Options collection and the Signal Queries fixed collection. */
export function parseSignalsSettings(options: IDataObject, queries: IDataObject): SignalsSettings {
	const o = (key: string) => options[key];
	const f = (key: string) => `signalOptions.${key}`;
	const names = {
		queued: matching(f('queuedMetric'), o('queuedMetric'), DEFAULT_EXPORTER_NAMES.queued, METRIC_NAME, 'a metric name, e.g. ollama_requests_queued'),
		inFlight: matching(f('inFlightMetric'), o('inFlightMetric'), DEFAULT_EXPORTER_NAMES.inFlight, METRIC_NAME, 'a metric name'),
		durationHistogram: matching(f('durationHistogramMetric'), o('durationHistogramMetric'), DEFAULT_EXPORTER_NAMES.durationHistogram, METRIC_NAME, 'a histogram base name without _bucket'),
		requestsTotal: matching(f('requestsTotalMetric'), o('requestsTotalMetric'), DEFAULT_EXPORTER_NAMES.requestsTotal, METRIC_NAME, 'a metric name'),
		errorMatcher: matching(f('errorMatcher'), o('errorMatcher'), DEFAULT_EXPORTER_NAMES.errorMatcher, MATCHERS, 'status="error" or code=~"5.."'),
		modelLabel: matching(f('modelLabel'), o('modelLabel'), DEFAULT_EXPORTER_NAMES.modelLabel, LABEL_NAME, 'a label name, e.g. model'),
	};
	if (names.errorMatcher === '') throw configInvalid(`${f('errorMatcher')} is empty`, 'Give the matcher that selects failed requests, e.g. status="error".');
	const settings: QuerySettings = {
		names,
		nodeSelector: matching(f('nodeSelector'), o('nodeSelector'), '', MATCHERS, 'instance="host:9100" (comma-separated label matchers)'),
		exporterSelector: matching(f('exporterSelector'), o('exporterSelector'), '', MATCHERS, 'job="ollama" (comma-separated label matchers)'),
		rateWindow: matching(f('rateWindow'), o('rateWindow'), DEFAULT_SIGNALS_CONFIG.queries.rateWindow, DURATION, 'a Prometheus duration such as 1m or 30s'),
		...readQueries(queries),
	};
	const t = DEFAULT_POLICY.thresholds;
	return {
		config: {
			enabled: true,
			ttlMs: Math.round(numberAtLeast(f('cacheTtlSeconds'), o('cacheTtlSeconds'), DEFAULT_SIGNALS_CONFIG.ttlMs / 1000, 0, 86_400) * 1000),
			timeoutMs: numberAtLeast(f('timeoutMs'), o('timeoutMs'), DEFAULT_SIGNALS_CONFIG.timeoutMs, 50, 60_000),
			queries: settings,
		},
		policy: {
			...DEFAULT_POLICY,
			thresholds: {
				memAvailableMinBytes: numberAtLeast(f('memAvailableMinGiB'), o('memAvailableMinGiB'), t.memAvailableMinBytes / GIB, 0) * GIB,
				memAvailableMinPercent: numberAtLeast(f('memAvailableMinPercent'), o('memAvailableMinPercent'), t.memAvailableMinPercent, 0, 100),
				cpuBusyMaxPercent: numberAtLeast(f('cpuBusyMaxPercent'), o('cpuBusyMaxPercent'), t.cpuBusyMaxPercent, 0),
				loadPerCoreMax: numberAtLeast(f('loadPerCoreMax'), o('loadPerCoreMax'), t.loadPerCoreMax, 0),
				queueBacklogMax: numberAtLeast(f('queueBacklogMax'), o('queueBacklogMax'), t.queueBacklogMax, 0),
			},
		},
	};
}

function readQueries(raw: IDataObject): Pick<QuerySettings, 'overrides' | 'custom'> {
	const overrides: Partial<Record<BuiltInSignal, string>> = {};
	const custom: Record<string, string> = {};
	const list = (key: string): IDataObject[] => {
		const value = raw[key];
		if (value === undefined) return [];
		if (!Array.isArray(value)) throw configInvalid(`signalQueries.${key} should be a list, got ${show(value)}`);
		return value as IDataObject[];
	};
	list('override').forEach((entry, i) => {
		const field = `signalQueries.override[${i}]`;
		const signal = entry.signal;
		if (typeof signal !== 'string' || !(BUILT_IN_SIGNALS as readonly string[]).includes(signal)) {
			throw configInvalid(`${field}.signal should be one of ${BUILT_IN_SIGNALS.join(', ')}, got ${show(signal)}`);
		}
		if (signal in overrides) throw configInvalid(`${field}.signal ${show(signal)} is overridden twice`);
		overrides[signal as BuiltInSignal] = promql(`${field}.promql`, entry.promql);
	});
	list('custom').forEach((entry, i) => {
		const field = `signalQueries.custom[${i}]`;
		const name = typeof entry.name === 'string' ? entry.name.trim() : entry.name;
		if (typeof name !== 'string' || !CUSTOM_NAME.test(name)) {
			throw configInvalid(`${field}.name should be letters, digits and underscores, got ${show(entry.name)}`);
		}
		if (name in custom) throw configInvalid(`${field}.name ${show(name)} is used twice`);
		custom[name] = promql(`${field}.promql`, entry.promql);
	});
	return { overrides, custom };
}

function promql(field: string, value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '') throw configInvalid(`${field} should be a PromQL expression, got ${show(value)}`);
	return value.trim();
}
