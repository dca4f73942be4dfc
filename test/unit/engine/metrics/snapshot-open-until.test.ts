/** The open-until gauge other n8n processes read back (see engine/signals/peers.ts). */
import { METRIC_DEFS, METRICS } from '../../../../nodes/AiDispatcher/engine/metrics/catalog';
import { MetricsRegistry } from '../../../../nodes/AiDispatcher/engine/metrics/registry';
import {
	snapshotProcess,
	type ProcessFacts,
} from '../../../../nodes/AiDispatcher/engine/metrics/snapshot';

const HOST = 'http://ollama:11434';
const facts = (
	breakers: ProcessFacts['breakers'],
	breakerSharedOpenings?: number,
): ProcessFacts => ({
	breakers,
	breakerOpenings: 1,
	breakerSharedOpenings,
	learnedTokensPerS: new Map(),
	signals: { refreshes: 0, failedRefreshes: 0 },
});

describe('snapshotProcess: breaker open-until', () => {
	it('exports open breakers only, in Unix seconds, and drops them once closed or half-open', () => {
		const metrics = new MetricsRegistry(METRIC_DEFS);
		snapshotProcess(
			metrics,
			facts(
				[
					{ model: 'a', host: HOST, state: 'open', untilMs: 1_800_000_030_000 },
					{ model: 'b', host: HOST, state: 'halfOpen' },
				],
				2,
			),
		);
		expect(metrics.read(METRICS.breakerOpenUntil).map((s) => [...s.labels, s.value])).toEqual([
			['a', HOST, 1_800_000_030],
		]);
		expect(metrics.valueOf(METRICS.breakerSharedOpenings)).toBe(2);
		snapshotProcess(metrics, facts([{ model: 'a', host: HOST, state: 'halfOpen' }]));
		expect(metrics.read(METRICS.breakerOpenUntil)).toEqual([]);
		expect(metrics.valueOf(METRICS.breakerSharedOpenings)).toBe(2); // a counter keeps its last total
	});
});
