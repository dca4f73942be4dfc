import {
	countsAgainstBreaker,
	isTransient,
	worthAnotherHost,
} from '../../../../nodes/AiDispatcher/engine/resilience/retry';
import type { FailureKind } from '../../../../nodes/AiDispatcher/engine/types';

describe('failure classification', () => {
	it.each<[FailureKind, boolean, boolean, boolean]>([
		// kind, retried on the same model, counts against the breaker, another host may help
		['busy', true, true, true],
		['rate_limited', true, true, true],
		['connection', true, true, true],
		['http_5xx', true, true, true],
		['stream_error', true, true, true],
		['truncated', true, true, true],
		['garbage', true, true, true],
		['empty', true, true, true],
		['timeout', false, true, true],
		['not_found', false, true, true],
		['bad_request', false, false, false],
		['invalid_json', false, false, false],
		['aborted', false, false, false],
		['circuit_open', false, false, true],
	])('%s: transient %p, breaker %p, another host %p', (kind, transient, breaker, host) => {
		expect(isTransient(kind)).toBe(transient);
		expect(countsAgainstBreaker(kind)).toBe(breaker);
		expect(worthAnotherHost(kind)).toBe(host);
	});
});
