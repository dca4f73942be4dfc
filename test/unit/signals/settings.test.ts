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
				cacheTtlSeconds: 30, timeoutMs: 800, cpuBusyMaxPercent: 70, memAvailableMinGiB: 4, memAvailableMinPercent: 15,
				loadPerCoreMax: 2, queueBacklogMax: 10, rateWindow: '30s', nodeSelector: 'instance="h:9100"', exporterSelector: 'job="ollama", env!="dev"',
				queuedMetric: 'ollama_queue', inFlightMetric: 'ollama_active_requests', durationHistogramMetric: 'ollama_response_seconds',
				requestsTotalMetric: 'ollama_responses_total', errorMatcher: 'status_code=~"5.."', modelLabel: 'model_name',
			},
			{ override: [{ signal: 'gpuFreeBytes', promql: ' sum(x) ' }], custom: [{ name: 'diskFree', promql: 'min(node_filesystem_avail_bytes)' }] },
		);
		expect(s.config).toMatchObject({ ttlMs: 30_000, timeoutMs: 800 });
		expect(s.config.queries).toMatchObject({
			rateWindow: '30s', nodeSelector: 'instance="h:9100"', exporterSelector: 'job="ollama", env!="dev"',
			names: { queued: 'ollama_queue', modelLabel: 'model_name', errorMatcher: 'status_code=~"5.."' },
			overrides: { gpuFreeBytes: 'sum(x)' }, custom: { diskFree: 'min(node_filesystem_avail_bytes)' },
		});
		expect(s.policy.thresholds).toEqual({ memAvailableMinBytes: 4 * GIB, memAvailableMinPercent: 15, cpuBusyMaxPercent: 70, loadPerCoreMax: 2, queueBacklogMax: 10 });
	});

	it.each([
		[{ cpuBusyMaxPercent: 'high' }, {}, 'signalOptions.cpuBusyMaxPercent should be a number from 0 to ∞, got "high"'],
		[{ timeoutMs: 10 }, {}, 'signalOptions.timeoutMs should be a number from 50 to 60000, got number 10'],
		[{ memAvailableMinPercent: 120 }, {}, 'signalOptions.memAvailableMinPercent should be a number from 0 to 100, got number 120'],
		[{ modelLabel: 'model-name' }, {}, 'signalOptions.modelLabel should look like a label name, e.g. model, got "model-name"'],
		[{ queuedMetric: 'ollama queue' }, {}, 'signalOptions.queuedMetric should look like a metric name, e.g. ollama_requests_queued, got "ollama queue"'],
		[{ nodeSelector: '{instance="x"}' }, {}, 'signalOptions.nodeSelector should look like instance="host:9100" (comma-separated label matchers), got "{instance=\\"x\\"}"'],
		[{ rateWindow: '1 minute' }, {}, 'signalOptions.rateWindow should look like a Prometheus duration such as 1m or 30s, got "1 minute"'],
		[{ errorMatcher: '' }, {}, 'signalOptions.errorMatcher is empty'],
		[{}, { override: [{ signal: 'cpu', promql: 'x' }] }, 'signalQueries.override[0].signal should be one of memAvailableBytes'],
		[{}, { override: [{ signal: 'cpuBusyPercent', promql: ' ' }] }, 'signalQueries.override[0].promql should be a PromQL expression, got " "'],
		[{}, { custom: [{ name: 'disk free', promql: 'x' }] }, 'signalQueries.custom[0].name should be letters, digits and underscores, got "disk free"'],
		[{}, { custom: [{ name: 'a', promql: 'x' }, { name: 'a', promql: 'y' }] }, 'signalQueries.custom[1].name "a" is used twice'],
	])('%j %j → %s', (options, queries, message) => {
		expect(() => parseSignalsSettings(options, queries)).toThrow(message);
	});
});
