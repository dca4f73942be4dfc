/** Learned stats keep only finite, non-negative figures (issue 9: one NaN stayed for the whole process). */
import { LearnedStats } from '../../../../nodes/AiDispatcher/engine/signals/learned';
import type { Usage } from '../../../../nodes/AiDispatcher/engine/types';

const usage = (tokens_per_s: number): Usage => ({
	prompt_tokens: 1,
	completion_tokens: 1,
	total_ms: 1,
	load_ms: 0,
	tokens_per_s,
});

describe('LearnedStats rejects figures that would poison the averages', () => {
	it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1_000_000])(
		'ignores tokens/s %p and latency %p, still counting the success',
		(bad) => {
			const stats = new LearnedStats();
			stats.record('u', [{ model: 'a', ok: true, error: null, ms: bad }], usage(bad), 1);
			expect(stats.forHost('u').get('a')).toMatchObject({
				latencyMs: null,
				tokensPerS: null,
				successRate: 1,
				samples: 1,
			});
			stats.record('u', [{ model: 'a', ok: true, error: null, ms: 400 }], usage(40), 2);
			stats.record('u', [{ model: 'a', ok: true, error: null, ms: bad }], usage(bad), 3);
			expect(stats.json('u').a).toEqual({
				latencyMs: 400,
				tokensPerS: 40,
				successRate: 1,
				samples: 3,
				inFlight: 0,
			});
		},
	);
});
