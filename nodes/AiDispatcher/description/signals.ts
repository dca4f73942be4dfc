import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_POLICY, GIB } from '../engine/selection/policy';
import { DEFAULT_SIGNALS_CONFIG } from '../engine/signals/queries';
import { booleanField, choiceField, numberField, stringField } from './fields';

import { V1 } from './versions';

const SIGNAL_OPTIONS = [
	{ name: 'Container Working Set (Bytes)', value: 'containerWorkingSetBytes' },
	{ name: 'CPU Busy (%)', value: 'cpuBusyPercent' },
	{ name: 'Error Rate per Model (%)', value: 'errorRatePercent' },
	{ name: 'GPU Free Memory (Bytes)', value: 'gpuFreeBytes' },
	{ name: 'In-Flight Requests per Model', value: 'inFlight' },
	{ name: 'Load per Core', value: 'load1PerCore' },
	{ name: 'Memory Available (%)', value: 'memAvailablePercent' },
	{ name: 'Memory Available (Bytes)', value: 'memAvailableBytes' },
	{ name: 'P95 Duration per Model (Seconds)', value: 'p95DurationSeconds' },
	{ name: 'Queue Depth per Model', value: 'queueDepth' },
];

/** The engine's defaults, shown as the fields' defaults. */
const PRESSURE = DEFAULT_POLICY.thresholds;

/** Thresholds of the load policy and the signals round (Signal Options; from 1.1 Options › Live Signal Thresholds). */
export const THRESHOLD_FIELDS: INodeProperties[] = [
	numberField('Cache TTL (Seconds)', 'cacheTtlSeconds', DEFAULT_SIGNALS_CONFIG.ttlMs / 1000, {
		typeOptions: { minValue: 0 },
		description:
			'How long one round of signals is reused by every item, execution and workflow on this credential',
	}),
	numberField('CPU Busy Max (%)', 'cpuBusyMaxPercent', PRESSURE.cpuBusyMaxPercent, {
		typeOptions: { minValue: 0 },
		description:
			'Above this CPU busy share the host is under pressure and the smallest adequate model is chosen',
	}),
	numberField('Load per Core Max', 'loadPerCoreMax', PRESSURE.loadPerCoreMax, {
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description: 'Above this 1-minute load average per CPU core the host is under pressure',
	}),
	numberField(
		'Memory Available Min (%)',
		'memAvailableMinPercent',
		PRESSURE.memAvailableMinPercent,
		{
			typeOptions: { minValue: 0 },
			description: 'Below this share of memory available the host is under pressure',
		},
	),
	numberField(
		'Memory Available Min (GiB)',
		'memAvailableMinGiB',
		PRESSURE.memAvailableMinBytes / GIB,
		{
			typeOptions: { minValue: 0, numberPrecision: 2 },
			description: 'Below this much memory available the host is under pressure',
		},
	),
	numberField('Query Timeout (Ms)', 'timeoutMs', DEFAULT_SIGNALS_CONFIG.timeoutMs, {
		typeOptions: { minValue: 50 },
		description: 'Limit for each query of a round (all run in parallel), and for /api/ps',
	}),
	numberField('Queue Backlog Max', 'queueBacklogMax', PRESSURE.queueBacklogMax, {
		typeOptions: { minValue: 0 },
		description: 'Above this many queued requests, items not marked high go one tier down',
	}),
];

/** Prometheus-only settings: exporter metric names and selectors, model health shared across workers (Signal Options; from 1.1 Options › Prometheus Settings). */
export const EXPORTER_FIELDS: INodeProperties[] = [
	stringField(
		'Exporter Duration Histogram',
		'durationHistogramMetric',
		'ollama_request_duration_seconds',
		{
			description:
				"Base name (without _bucket) of the Ollama exporter's request duration histogram, in seconds",
		},
	),
	stringField('Exporter Error Matcher', 'errorMatcher', 'status="error"', {
		description:
			'Label matcher that selects failed requests in the requests counter, e.g. status_code=~"5.."',
	}),
	stringField('Exporter In-Flight Metric', 'inFlightMetric', 'ollama_requests_in_flight'),
	stringField('Exporter Model Label', 'modelLabel', 'model', {
		description:
			'Name of the label that carries the model name in the exporter metrics, e.g. model_name',
	}),
	stringField('Exporter Queued Metric', 'queuedMetric', 'ollama_requests_queued'),
	stringField('Exporter Requests Counter', 'requestsTotalMetric', 'ollama_requests_total'),
	stringField('Exporter Selector', 'exporterSelector', '', {
		placeholder: 'job="ollama"',
		description:
			'Label matchers added to every exporter metric, when Prometheus watches several Ollama hosts',
	}),
	stringField('Node Selector', 'nodeSelector', '', {
		placeholder: 'instance="ollama-host:9100"',
		description:
			'Label matchers added to node_exporter metrics, when Prometheus watches several hosts',
	}),
	stringField('Rate Window', 'rateWindow', '1m', {
		description: 'Range for rate() and the p95 histogram; at least 4× the scrape interval',
	}),
	booleanField('Share Model Health Across Workers', 'shareModelHealth', true, {
		description:
			"Whether to skip a model whose breaker another n8n process (a queue-mode worker) pushed as open, read back from Prometheus. Needs the credential's Prometheus URL and Pushgateway URL, with Prometheus scraping that Pushgateway.",
	}),
];

/** Version 1 only: from 1.1 these live under Options (Live Signal Thresholds, Prometheus Settings, Signal Queries). */
const withSignals = { show: { useSignals: [true], ...V1 } };

export const signalProperties: INodeProperties[] = [
	// Under Options from version 1.1 (no field depends on it there).
	booleanField('Use Live Signals', 'useSignals', true, {
		description:
			"Whether to choose by the host's live state too: Prometheus (from the credential), Ollama's loaded models and what the node has learned about each model. Without a Prometheus URL only /api/ps and learned stats are used.",
		displayOptions: { show: V1 },
	}),
	{
		displayName: 'Signal Options',
		name: 'signalOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: withSignals,
		// Sorted by name, as n8n lists a collection's options.
		options: [...THRESHOLD_FIELDS, ...EXPORTER_FIELDS].sort((x, y) =>
			x.displayName.localeCompare(y.displayName),
		),
	},
	{
		displayName: 'Signal Queries',
		name: 'signalQueries',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Query',
		default: {},
		displayOptions: withSignals,
		description:
			'Replace a built-in query, or add your own named queries (usable in rules as signals.custom.NAME)',
		options: [
			{
				name: 'custom',
				displayName: 'Custom Query',
				values: [
					stringField('Name', 'name', '', {
						placeholder: 'diskFreeBytes',
						description: 'Letters, digits and underscores',
					}),
					stringField('PromQL', 'promql', '', {
						placeholder: 'min(node_filesystem_avail_bytes{mountpoint="/"})',
						description: 'Must return one number (a scalar or a one-series vector)',
					}),
				],
			},
			{
				name: 'override',
				displayName: 'Override Built-In Query',
				values: [
					choiceField('Signal', 'signal', 'memAvailableBytes', { options: SIGNAL_OPTIONS }),
					stringField('PromQL', 'promql', '', {
						description: 'Per-model signals must keep the model label in the result',
					}),
				],
			},
		],
	},
];
