/** Model health shared between n8n processes: reading peers' open breakers, adopting them. */
import type { PromQueryResult } from '../../../../nodes/AiDispatcher/engine/ports';
import {
	breakerJson,
	closedBreaker,
} from '../../../../nodes/AiDispatcher/engine/resilience/breaker';
import { circuitExclusion } from '../../../../nodes/AiDispatcher/engine/resilience/hosts';
import {
	adoptPeerBreakers,
	PEER_BREAKERS_PROMQL,
	PEER_SPEEDS_PROMQL,
	peerBreakersQuery,
	peerSpeedsQuery,
	readPeerBreakers,
	readPeerSpeeds,
} from '../../../../nodes/AiDispatcher/engine/signals/peers';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import { DEFAULT_BREAKER_OPTIONS } from '../../../../nodes/AiDispatcher/engine/resilience/breaker';

const A = 'http://a:11434';
const B = 'http://b:11434';
const NOW = 1_800_000_000_000;

const result = (...samples: Array<[Record<string, string>, number | null]>): PromQueryResult => ({
	resultType: 'vector',
	samples: samples.map(([labels, value]) => ({ labels, value })),
});

describe('PEER_BREAKERS_PROMQL', () => {
	it('reads the latest open-until time per model and host from the dispatcher job', () => {
		expect(PEER_BREAKERS_PROMQL).toBe(
			'max by (model, host) (ai_dispatcher_breaker_open_until_timestamp_seconds{job="ai_dispatcher"})',
		);
	});

	it("leaves this process's own group out, its label quoted as PromQL wants", () => {
		expect(peerBreakersQuery('prod-1a2b-0f3c')).toBe(
			'max by (model, host) (ai_dispatcher_breaker_open_until_timestamp_seconds{job="ai_dispatcher",instance!="prod-1a2b-0f3c"})',
		);
		expect(peerSpeedsQuery('a"b\\c')).toBe(
			'avg by (model, host) (ai_dispatcher_learned_tokens_per_second{job="ai_dispatcher",instance!="a\\"b\\\\c"})',
		);
	});
});

describe('readPeerBreakers', () => {
	it.each<[string, PromQueryResult, Array<{ model: string; host: string; untilMs: number }>]>([
		[
			'one breaker, seconds to ms',
			result([{ model: 'm', host: A }, 1_800_000_030.5]),
			[{ model: 'm', host: A, untilMs: 1_800_000_030_500 }],
		],
		[
			'several',
			result([{ model: 'm', host: A }, 10], [{ model: 'n', host: B }, 20]),
			[
				{ model: 'm', host: A, untilMs: 10_000 },
				{ model: 'n', host: B, untilMs: 20_000 },
			],
		],
		['no model label: skipped', result([{ host: A }, 10]), []],
		['no host label: skipped', result([{ model: 'm' }, 10]), []],
		['NaN / Inf (null): skipped', result([{ model: 'm', host: A }, null]), []],
		[
			'zero or negative: skipped',
			result([{ model: 'm', host: A }, 0], [{ model: 'n', host: A }, -5]),
			[],
		],
		['empty result', result(), []],
	])('%s', (_name, input, expected) => {
		expect(readPeerBreakers(input)).toEqual(expected);
	});
});

describe('adoptPeerBreakers', () => {
	it('opens a closed breaker until the reported time, marked as shared, counted apart from own openings', () => {
		const state = createDispatcherState();
		const adopted = adoptPeerBreakers(
			state.resilience,
			[{ model: 'm', host: A, untilMs: NOW + 20_000 }],
			[A],
			NOW,
		);
		expect(adopted).toEqual([{ model: 'm', host: A, untilMs: NOW + 20_000 }]);
		expect(state.resilience.getBreaker(A, 'm')).toEqual({
			state: 'open',
			sinceMs: NOW,
			untilMs: NOW + 20_000,
			sharedFrom: 'prometheus',
		});
		expect(state.resilience.counters()).toMatchObject({ breakerOpens: 0, sharedOpens: 1 });
		expect(breakerJson(state.resilience.getBreaker(A, 'm'))).toMatchObject({
			state: 'open',
			sharedFrom: 'prometheus',
		});
		expect(circuitExclusion(state.resilience, [A], 'm', NOW, DEFAULT_BREAKER_OPTIONS)).toBe(
			`circuit open on another n8n process (shared through Prometheus), retry after ${new Date(NOW + 20_000).toISOString()}`,
		);
		// Adopting the same report again changes nothing and counts nothing.
		expect(
			adoptPeerBreakers(
				state.resilience,
				[{ model: 'm', host: A, untilMs: NOW + 20_000 }],
				[A],
				NOW + 1,
			),
		).toEqual([]);
		expect(state.resilience.counters().sharedOpens).toBe(1);
	});

	it.each<[string, Parameters<typeof adoptPeerBreakers>[1], string[], number]>([
		[
			"a time already passed (a stopped worker's last push)",
			[{ model: 'm', host: A, untilMs: NOW }],
			[A],
			0,
		],
		['a host this credential does not use', [{ model: 'm', host: B, untilMs: NOW + 1 }], [A], 0],
		['one of two hosts', [{ model: 'm', host: B, untilMs: NOW + 1 }], [A, B], 1],
	])('%s', (_name, peers, baseUrls, count) => {
		const state = createDispatcherState();
		expect(adoptPeerBreakers(state.resilience, peers, baseUrls, NOW)).toHaveLength(count);
		expect(state.resilience.getBreaker(A, 'm')).toEqual(closedBreaker());
	});

	it('keeps an own breaker open at least as long, and a probe in flight; extends a shorter own opening', () => {
		const state = createDispatcherState();
		state.resilience.setBreaker(A, 'long', {
			state: 'open',
			sinceMs: NOW - 1,
			untilMs: NOW + 60_000,
		});
		state.resilience.setBreaker(A, 'probe', {
			state: 'halfOpen',
			sinceMs: NOW - 30_000,
			probeSinceMs: NOW - 1,
		});
		state.resilience.setBreaker(A, 'short', {
			state: 'open',
			sinceMs: NOW - 1,
			untilMs: NOW + 1_000,
		});
		const peers = ['long', 'probe', 'short'].map((model) => ({
			model,
			host: A,
			untilMs: NOW + 30_000,
		}));
		expect(adoptPeerBreakers(state.resilience, peers, [A], NOW).map((p) => p.model)).toEqual([
			'short',
		]);
		expect(state.resilience.getBreaker(A, 'long')).toMatchObject({ untilMs: NOW + 60_000 });
		expect(state.resilience.getBreaker(A, 'probe').state).toBe('halfOpen');
		expect(state.resilience.getBreaker(A, 'short')).toEqual({
			state: 'open',
			sinceMs: NOW,
			untilMs: NOW + 30_000,
			sharedFrom: 'prometheus',
		});
		// Extending an own open breaker is not a new opening.
		expect(state.resilience.counters()).toMatchObject({ breakerOpens: 2, sharedOpens: 0 });
	});
});

describe('readPeerSpeeds', () => {
	it('reads the mean learned tokens/s per host and model; skips incomplete or non-positive samples', () => {
		expect(PEER_SPEEDS_PROMQL).toBe(
			'avg by (model, host) (ai_dispatcher_learned_tokens_per_second{job="ai_dispatcher"})',
		);
		expect(
			readPeerSpeeds(
				result(
					[{ model: 'm', host: A }, 42.5],
					[{ model: 'n', host: A }, 12],
					[{ model: 'm', host: B }, 30],
					[{ model: 'x' }, 1],
					[{ model: 'y', host: A }, null],
					[{ model: 'z', host: A }, 0],
				),
			),
		).toEqual({ [A]: { m: 42.5, n: 12 }, [B]: { m: 30 } });
	});
});
