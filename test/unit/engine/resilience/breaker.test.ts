import {
	admit,
	breakerJson,
	closedBreaker,
	DEFAULT_BREAKER_OPTIONS,
	onAbandon,
	onFailure,
	onSuccess,
	validateBreakerOptions,
	type BreakerOptions,
	type BreakerState,
} from '../../../../nodes/AiDispatcher/engine/resilience/breaker';

const options: BreakerOptions = { ...DEFAULT_BREAKER_OPTIONS, cooldownMs: 1_000 };
const T = 1_800_000_000_000;

/** Applies a list of outcomes ('ok' | 'fail') at time T. */
function run(
	outcomes: Array<'ok' | 'fail'>,
	opts = options,
	state: BreakerState = closedBreaker(),
): BreakerState {
	return outcomes.reduce<BreakerState>(
		(s, o) => (o === 'ok' ? onSuccess(s, opts) : onFailure(s, T, opts)),
		state,
	);
}

describe('breaker transitions', () => {
	it.each<[string, Array<'ok' | 'fail'>, BreakerState['state']]>([
		['stays closed below the threshold', ['fail', 'fail'], 'closed'],
		['opens after 3 consecutive failures', ['fail', 'fail', 'fail'], 'open'],
		['a success resets the consecutive count', ['fail', 'fail', 'ok', 'fail', 'fail'], 'closed'],
		[
			'stays closed when failures alternate below the ratio window',
			['fail', 'ok', 'fail', 'ok', 'fail', 'ok'],
			'closed',
		],
		[
			'opens on the failure ratio once the window has enough calls',
			['fail', 'ok', 'fail', 'ok', 'fail', 'ok', 'fail', 'ok', 'fail', 'ok', 'fail'],
			'open',
		],
	])('%s', (_name, outcomes, expected) => {
		expect(run(outcomes).state).toBe(expected);
	});

	it('opens with since/until and refuses calls until the cooldown has passed', () => {
		const open = run(['fail', 'fail', 'fail']);
		expect(open).toEqual({ state: 'open', sinceMs: T, untilMs: T + 1_000 });
		expect(admit(open, T + 999, options)).toEqual({ allowed: false, probe: false, next: open });
	});

	it('lets exactly one probe through after the cooldown (half-open), refusing the others', () => {
		const open = run(['fail', 'fail', 'fail']);
		const first = admit(open, T + 1_000, options);
		expect(first).toMatchObject({
			allowed: true,
			probe: true,
			next: { state: 'halfOpen', sinceMs: T, probeSinceMs: T + 1_000 },
		});
		expect(admit(first.next, T + 1_001, options).allowed).toBe(false);
	});

	it('closes when the probe succeeds and re-opens for another cooldown when it fails', () => {
		const half = admit(run(['fail', 'fail', 'fail']), T + 1_000, options).next;
		expect(onSuccess(half, options)).toEqual(closedBreaker());
		expect(onFailure(half, T + 1_500, options)).toEqual({
			state: 'open',
			sinceMs: T + 1_500,
			untilMs: T + 2_500,
		});
	});

	it('lets a new probe through when the previous one was lost or abandoned', () => {
		const half = admit(run(['fail', 'fail', 'fail']), T + 1_000, options).next;
		expect(admit(half, T + 2_000, options).allowed).toBe(true); // lost for a whole cooldown
		const abandoned = onAbandon(half, T + 1_200);
		expect(abandoned).toEqual({ state: 'open', sinceMs: T, untilMs: T + 1_200 });
		expect(admit(abandoned, T + 1_200, options).probe).toBe(true);
	});

	it('serialises to JSON with ISO times', () => {
		expect(breakerJson(run(['fail', 'fail', 'fail']))).toEqual({
			state: 'open',
			since: new Date(T).toISOString(),
			retryAfter: new Date(T + 1_000).toISOString(),
		});
		expect(JSON.parse(JSON.stringify(closedBreaker()))).toEqual({
			state: 'closed',
			failures: 0,
			window: [],
		});
	});

	it.each<[Partial<BreakerOptions>, RegExp]>([
		[{ failureThreshold: 0 }, /failureThreshold should be a positive integer, got 0/],
		[{ failureRatio: 1.5 }, /failureRatio should be in \(0, 1\], got 1.5/],
		[{ windowSize: 2.5 }, /windowSize should be a positive integer, got 2.5/],
		[{ cooldownMs: -1 }, /cooldownMs should be ≥ 0, got -1/],
	])('rejects %j', (bad, message) => {
		expect(() => validateBreakerOptions({ ...options, ...bad })).toThrow(message);
	});
});
