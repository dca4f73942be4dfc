import type { INodeProperties } from 'n8n-workflow';

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

/** Thresholds of the load policy and the signals round (Signal Options; from 1.1 Options › Live Signal Thresholds). */
export const THRESHOLD_FIELDS: INodeProperties[] = [
	{
		displayName: 'Cache TTL (Seconds)',
		name: 'cacheTtlSeconds',
		type: 'number',
		default: 15,
		typeOptions: { minValue: 0 },
		description:
			'How long one round of signals is reused by every item, execution and workflow on this credential',
	},
	{
		displayName: 'CPU Busy Max (%)',
		name: 'cpuBusyMaxPercent',
		type: 'number',
		default: 85,
		typeOptions: { minValue: 0 },
		description:
			'Above this CPU busy share the host is under pressure and the smallest adequate model is chosen',
	},
	{
		displayName: 'Load per Core Max',
		name: 'loadPerCoreMax',
		type: 'number',
		default: 1,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description: 'Above this 1-minute load average per CPU core the host is under pressure',
	},
	{
		displayName: 'Memory Available Min (%)',
		name: 'memAvailableMinPercent',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0 },
		description: 'Below this share of memory available the host is under pressure',
	},
	{
		displayName: 'Memory Available Min (GiB)',
		name: 'memAvailableMinGiB',
		type: 'number',
		default: 2,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description: 'Below this much memory available the host is under pressure',
	},
	{
		displayName: 'Query Timeout (Ms)',
		name: 'timeoutMs',
		type: 'number',
		default: 1500,
		typeOptions: { minValue: 50 },
		description: 'Limit for each query of a round (all run in parallel), and for /api/ps',
	},
	{
		displayName: 'Queue Backlog Max',
		name: 'queueBacklogMax',
		type: 'number',
		default: 3,
		typeOptions: { minValue: 0 },
		description: 'Above this many queued requests, items not marked high go one tier down',
	},
];

/** Prometheus-only settings: exporter metric names and selectors, model health shared across workers (Signal Options; from 1.1 Options › Prometheus Settings). */
export const EXPORTER_FIELDS: INodeProperties[] = [
	{
		displayName: 'Exporter Duration Histogram',
		name: 'durationHistogramMetric',
		type: 'string',
		default: 'ollama_request_duration_seconds',
		description:
			"Base name (without _bucket) of the Ollama exporter's request duration histogram, in seconds",
	},
	{
		displayName: 'Exporter Error Matcher',
		name: 'errorMatcher',
		type: 'string',
		default: 'status="error"',
		description:
			'Label matcher that selects failed requests in the requests counter, e.g. status_code=~"5.."',
	},
	{
		displayName: 'Exporter In-Flight Metric',
		name: 'inFlightMetric',
		type: 'string',
		default: 'ollama_requests_in_flight',
	},
	{
		displayName: 'Exporter Model Label',
		name: 'modelLabel',
		type: 'string',
		default: 'model',
		description:
			'Name of the label that carries the model name in the exporter metrics, e.g. model_name',
	},
	{
		displayName: 'Exporter Queued Metric',
		name: 'queuedMetric',
		type: 'string',
		default: 'ollama_requests_queued',
	},
	{
		displayName: 'Exporter Requests Counter',
		name: 'requestsTotalMetric',
		type: 'string',
		default: 'ollama_requests_total',
	},
	{
		displayName: 'Exporter Selector',
		name: 'exporterSelector',
		type: 'string',
		default: '',
		placeholder: 'job="ollama"',
		description:
			'Label matchers added to every exporter metric, when Prometheus watches several Ollama hosts',
	},
	{
		displayName: 'Node Selector',
		name: 'nodeSelector',
		type: 'string',
		default: '',
		placeholder: 'instance="ollama-host:9100"',
		description:
			'Label matchers added to node_exporter metrics, when Prometheus watches several hosts',
	},
	{
		displayName: 'Rate Window',
		name: 'rateWindow',
		type: 'string',
		default: '1m',
		description: 'Range for rate() and the p95 histogram; at least 4× the scrape interval',
	},
	{
		displayName: 'Share Model Health Across Workers',
		name: 'shareModelHealth',
		type: 'boolean',
		default: true,
		description:
			"Whether to skip a model whose breaker another n8n process (a queue-mode worker) pushed as open, read back from Prometheus. Needs the credential's Prometheus URL and Pushgateway URL, with Prometheus scraping that Pushgateway.",
	},
];

/** Version 1 only: from 1.1 these live under Options (Live Signal Thresholds, Prometheus Settings, Signal Queries). */
const withSignals = { show: { useSignals: [true], ...V1 } };

export const signalProperties: INodeProperties[] = [
	{
		displayName: 'Use Live Signals',
		name: 'useSignals',
		type: 'boolean',
		default: true,
		description:
			"Whether to choose by the host's live state too: Prometheus (from the credential), Ollama's loaded models and what the node has learned about each model. Without a Prometheus URL only /api/ps and learned stats are used.",
		// Under Options from version 1.1 (no field depends on it there).
		displayOptions: { show: V1 },
	},
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
					{
						displayName: 'Name',
						name: 'name',
						type: 'string',
						default: '',
						placeholder: 'diskFreeBytes',
						description: 'Letters, digits and underscores',
					},
					{
						displayName: 'PromQL',
						name: 'promql',
						type: 'string',
						default: '',
						placeholder: 'min(node_filesystem_avail_bytes{mountpoint="/"})',
						description: 'Must return one number (a scalar or a one-series vector)',
					},
				],
			},
			{
				name: 'override',
				displayName: 'Override Built-In Query',
				values: [
					{
						displayName: 'Signal',
						name: 'signal',
						type: 'options',
						options: SIGNAL_OPTIONS,
						default: 'memAvailableBytes',
					},
					{
						displayName: 'PromQL',
						name: 'promql',
						type: 'string',
						default: '',
						description: 'Per-model signals must keep the model label in the result',
					},
				],
			},
		],
	},
];
