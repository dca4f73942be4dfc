/** Signals parameters: defaults, every option applied, errors naming field and value. */
import { parseSignalsSettings } from '../../../nodes/AiDispatcher/adapters/signals';
import { DEFAULT_POLICY, GIB } from '../../../nodes/AiDispatcher/engine/selection/policy';
import { DEFAULT_SIGNALS_CONFIG } from '../../../nodes/AiDispatcher/engine/signals/queries';

describe('parseSignalsSettings', () => {
	it('gives the documented defaults for an empty section', () => {
		const s = parseSignalsSettings({}, {});
		expect(s.config).toEqual(DEFAULT_SIGNALS_CONFIG);
		expect(s.policy).toEqual(DEFAULT_POLICY);
	});

	it('applies every option', () => {
		const s = parseSignalsSettings(
			{
				cacheTtlSeconds: 30,
				timeoutMs: 800,
				cpuBusyMaxPercent: 70,
				memAvailableMinGiB: 4,
				memAvailableMinPercent: 15,
				loadPerCoreMax: 2,
				queueBacklogMax: 10,
				rateWindow: '30s',
				nodeSelector: 'instance="h:9100"',
				exporterSelector: 'job="ollama", env!="dev"',
				queuedMetric: 'ollama_queue',
				inFlightMetric: 'ollama_active_requests',
				durationHistogramMetric: 'ollama_response_seconds',
				requestsTotalMetric: 'ollama_responses_total',
				errorMatcher: 'status_code=~"5.."',
				modelLabel: 'model_name',
			},
			{
				override: [{ signal: 'gpuFreeBytes', promql: ' sum(x) ' }],
				custom: [{ name: 'diskFree', promql: 'min(node_filesystem_avail_bytes)' }],
			},
		);
		expect(s.config).toMatchObject({ ttlMs: 30_000, timeoutMs: 800 });
		expect(s.config.queries).toMatchObject({
			rateWindow: '30s',
			nodeSelector: 'instance="h:9100"',
			exporterSelector: 'job="ollama", env!="dev"',
			names: {
				queued: 'ollama_queue',
				modelLabel: 'model_name',
				errorMatcher: 'status_code=~"5.."',
			},
			overrides: { gpuFreeBytes: 'sum(x)' },
			custom: { diskFree: 'min(node_filesystem_avail_bytes)' },
		});
		expect(s.policy.thresholds).toEqual({
			memAvailableMinBytes: 4 * GIB,
			memAvailableMinPercent: 15,
			cpuBusyMaxPercent: 70,
			loadPerCoreMax: 2,
			queueBacklogMax: 10,
		});
	});

	it.each([
		[
			{ cpuBusyMaxPercent: 'high' },
			{},
			'Signal Options › CPU Busy Max (%) should be a number ≥ 0, got "high"',
		],
		[
			{ timeoutMs: 10 },
			{},
			'Signal Options › Query Timeout (Ms) should be a number from 50 to 60000, got number 10',
		],
		[
			{ memAvailableMinPercent: 120 },
			{},
			'Signal Options › Memory Available Min (%) should be a number from 0 to 100, got number 120',
		],
		[
			{ modelLabel: 'model-name' },
			{},
			'Signal Options › Exporter Model Label should look like a label name, e.g. model, got "model-name"',
		],
		[
			{ queuedMetric: 'ollama queue' },
			{},
			'Signal Options › Exporter Queued Metric should look like a metric name, e.g. ollama_requests_queued, got "ollama queue"',
		],
		[
			{ nodeSelector: '{instance="x"}' },
			{},
			'Signal Options › Node Selector should look like instance="host:9100" (comma-separated label matchers), got "{instance=\\"x\\"}"',
		],
		[
			{ rateWindow: '1 minute' },
			{},
			'Signal Options › Rate Window should look like a Prometheus duration such as 1m or 30s, got "1 minute"',
		],
		[{ errorMatcher: '' }, {}, 'Signal Options › Exporter Error Matcher is empty'],
		[
			{},
			{ override: [{ signal: 'cpu', promql: 'x' }] },
			'Signal Queries › Override Built-In Query #1 › Signal should be one of memAvailableBytes',
		],
		[
			{},
			{
				override: [
					{ signal: 'cpuBusyPercent', promql: 'a' },
					{ signal: 'cpuBusyPercent', promql: 'b' },
				],
			},
			'Signal Queries › Override Built-In Query #2 › Signal "cpuBusyPercent" is overridden twice',
		],
		[
			{},
			{ custom: [{ name: 'disk free', promql: 'x' }] },
			'Signal Queries › Custom Query #1 › Name should be letters, digits and underscores, got "disk free"',
		],
		[
			{},
			{
				custom: [
					{ name: 'a', promql: 'x' },
					{ name: 'a', promql: 'y' },
				],
			},
			'Signal Queries › Custom Query #2 › Name "a" is used twice',
		],
	])('%j %j → %s', (options, queries, message) => {
		expect(() => parseSignalsSettings(options, queries)).toThrow(message);
	});
});
