/**
 * Signals parameters → validated SignalsConfig and PolicyConfig. Every error names the field as the
 * panel shows it and the bad value; query rows left empty are ignored.
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from './context';
import { DEFAULT_POLICY, GIB, type PolicyConfig } from '../engine/selection/policy';
import { DEFAULT_EXPORTER_NAMES, DEFAULT_SIGNALS_CONFIG } from '../engine/signals/queries';
import type { BuiltInSignal, QuerySettings, SignalsConfig } from '../engine/signals/types';
import { BUILT_IN_SIGNALS } from '../engine/signals/types';
import {
	configInvalid,
	fieldLabel,
	filledRows,
	labelOf,
	readBoolean,
	readNumber,
	readPattern,
	show,
	type Field,
	type FieldPath,
} from './fields';

export interface SignalsSettings {
	config: SignalsConfig;
	policy: PolicyConfig;
	/**
	 * "Share Model Health Across Workers" (default on): read back the breakers other processes pushed.
	 * Takes effect only with a Pushgateway URL in the credential (see `withSharedHealth`).
	 */
	shareModelHealth: boolean;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = '\\s*[a-zA-Z_][a-zA-Z0-9_]*\\s*(?:=~|!~|!=|=)\\s*"(?:[^"\\\\]|\\\\.)*"\\s*';
const MATCHERS = new RegExp(`^(?:${MATCHER}(?:,${MATCHER})*)?$`);
const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const CUSTOM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function numberAtLeast(
	field: Field,
	value: unknown,
	fallback: number,
	min: number,
	max?: number,
): number {
	return readNumber(field, value, { min, max }) ?? fallback;
}

function matching(
	field: Field,
	value: unknown,
	fallback: string,
	pattern: RegExp,
	example: string,
): string {
	return readPattern(field, value, pattern, example) ?? fallback;
}

/** Reads the Signals section for one item; undefined when live signals are switched off. */
export function readSignalsSettings(
	ctx: NodeContext,
	itemIndex: number,
): SignalsSettings | undefined {
	const enabled =
		readBoolean(['useSignals'], ctx.getNodeParameter('useSignals', itemIndex, true)) ?? true;
	if (!enabled) return undefined;
	const options = ctx.getNodeParameter('signalOptions', itemIndex, {}) as IDataObject;
	const queries = ctx.getNodeParameter('signalQueries', itemIndex, {}) as IDataObject;
	return parseSignalsSettings(options, queries);
}

/** Validates the Signal Options collection and the Signal Queries fixed collection. */
export function parseSignalsSettings(options: IDataObject, queries: IDataObject): SignalsSettings {
	const o = (key: string) => options[key];
	const f = (key: string): Field => ['signalOptions', key];
	const names = {
		queued: matching(
			f('queuedMetric'),
			o('queuedMetric'),
			DEFAULT_EXPORTER_NAMES.queued,
			METRIC_NAME,
			'a metric name, e.g. ollama_requests_queued',
		),
		inFlight: matching(
			f('inFlightMetric'),
			o('inFlightMetric'),
			DEFAULT_EXPORTER_NAMES.inFlight,
			METRIC_NAME,
			'a metric name',
		),
		durationHistogram: matching(
			f('durationHistogramMetric'),
			o('durationHistogramMetric'),
			DEFAULT_EXPORTER_NAMES.durationHistogram,
			METRIC_NAME,
			'a histogram base name without _bucket',
		),
		requestsTotal: matching(
			f('requestsTotalMetric'),
			o('requestsTotalMetric'),
			DEFAULT_EXPORTER_NAMES.requestsTotal,
			METRIC_NAME,
			'a metric name',
		),
		errorMatcher: matching(
			f('errorMatcher'),
			o('errorMatcher'),
			DEFAULT_EXPORTER_NAMES.errorMatcher,
			MATCHERS,
			'status="error" or code=~"5.."',
		),
		modelLabel: matching(
			f('modelLabel'),
			o('modelLabel'),
			DEFAULT_EXPORTER_NAMES.modelLabel,
			LABEL_NAME,
			'a label name, e.g. model',
		),
	};
	if (names.errorMatcher === '')
		throw configInvalid(
			`${labelOf(f('errorMatcher'))} is empty`,
			'Give the matcher that selects failed requests, e.g. status="error".',
		);
	const settings: QuerySettings = {
		names,
		nodeSelector: matching(
			f('nodeSelector'),
			o('nodeSelector'),
			'',
			MATCHERS,
			'instance="host:9100" (comma-separated label matchers)',
		),
		exporterSelector: matching(
			f('exporterSelector'),
			o('exporterSelector'),
			'',
			MATCHERS,
			'job="ollama" (comma-separated label matchers)',
		),
		rateWindow: matching(
			f('rateWindow'),
			o('rateWindow'),
			DEFAULT_SIGNALS_CONFIG.queries.rateWindow,
			DURATION,
			'a Prometheus duration such as 1m or 30s',
		),
		...readQueries(queries),
	};
	const t = DEFAULT_POLICY.thresholds;
	return {
		shareModelHealth: readBoolean(f('shareModelHealth'), o('shareModelHealth')) ?? true,
		config: {
			ttlMs: Math.round(
				numberAtLeast(
					f('cacheTtlSeconds'),
					o('cacheTtlSeconds'),
					DEFAULT_SIGNALS_CONFIG.ttlMs / 1000,
					0,
					86_400,
				) * 1000,
			),
			timeoutMs: numberAtLeast(
				f('timeoutMs'),
				o('timeoutMs'),
				DEFAULT_SIGNALS_CONFIG.timeoutMs,
				50,
				60_000,
			),
			queries: settings,
		},
		policy: {
			...DEFAULT_POLICY,
			thresholds: {
				memAvailableMinBytes:
					numberAtLeast(
						f('memAvailableMinGiB'),
						o('memAvailableMinGiB'),
						t.memAvailableMinBytes / GIB,
						0,
					) * GIB,
				memAvailableMinPercent: numberAtLeast(
					f('memAvailableMinPercent'),
					o('memAvailableMinPercent'),
					t.memAvailableMinPercent,
					0,
					100,
				),
				cpuBusyMaxPercent: numberAtLeast(
					f('cpuBusyMaxPercent'),
					o('cpuBusyMaxPercent'),
					t.cpuBusyMaxPercent,
					0,
				),
				loadPerCoreMax: numberAtLeast(
					f('loadPerCoreMax'),
					o('loadPerCoreMax'),
					t.loadPerCoreMax,
					0,
				),
				queueBacklogMax: numberAtLeast(
					f('queueBacklogMax'),
					o('queueBacklogMax'),
					t.queueBacklogMax,
					0,
				),
			},
		},
	};
}

/**
 * The signals config with `sharedHealth` on when the node shares model health and the process
 * pushes its own breakers (a Pushgateway URL in the credential): the processes that push are the
 * ones whose breakers are worth reading back. `ownInstance` (this process's `instance` label) is
 * left out of what is read back.
 */
export function withSharedHealth(
	settings: SignalsSettings,
	pushgatewayUrl: string | null,
	ownInstance?: () => string | undefined,
): SignalsConfig {
	if (!settings.shareModelHealth || pushgatewayUrl === null) return settings.config;
	const own = ownInstance?.();
	return {
		...settings.config,
		queries: {
			...settings.config.queries,
			sharedHealth: true,
			...(own ? { ownInstance: own } : {}),
		},
	};
}

function readQueries(raw: IDataObject): Pick<QuerySettings, 'overrides' | 'custom'> {
	const overrides: Partial<Record<BuiltInSignal, string>> = {};
	const custom: Record<string, string> = {};
	const at = (...path: Array<string | number>): FieldPath => ['signalQueries', ...path];
	const label = (...path: Array<string | number>) => fieldLabel(at(...path));
	for (const { row, index } of filledRows<IDataObject>(at('override'), raw.override, ['promql'])) {
		const signal = row.signal;
		if (typeof signal !== 'string' || !(BUILT_IN_SIGNALS as readonly string[]).includes(signal)) {
			throw configInvalid(
				`${label('override', index, 'signal')} should be one of ${BUILT_IN_SIGNALS.join(', ')}, got ${show(signal)}`,
			);
		}
		if (signal in overrides)
			throw configInvalid(
				`${label('override', index, 'signal')} ${show(signal)} is overridden twice`,
			);
		overrides[signal as BuiltInSignal] = promql(at('override', index, 'promql'), row.promql);
	}
	for (const { row, index } of filledRows<IDataObject>(at('custom'), raw.custom, [
		'name',
		'promql',
	])) {
		const name = typeof row.name === 'string' ? row.name.trim() : row.name;
		if (typeof name !== 'string' || !CUSTOM_NAME.test(name)) {
			throw configInvalid(
				`${label('custom', index, 'name')} should be letters, digits and underscores, got ${show(row.name)}`,
			);
		}
		if (name in custom)
			throw configInvalid(`${label('custom', index, 'name')} ${show(name)} is used twice`);
		custom[name] = promql(at('custom', index, 'promql'), row.promql);
	}
	return { overrides, custom };
}

function promql(field: Field, value: unknown): string {
	if (typeof value !== 'string' || value.trim() === '')
		throw configInvalid(`${labelOf(field)} should be a PromQL expression, got ${show(value)}`);
	return value.trim();
}
