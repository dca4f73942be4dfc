import { renderExposition } from '../../../../nodes/AiDispatcher/engine/metrics/exposition';
import { MetricsRecorder } from '../../../../nodes/AiDispatcher/engine/metrics/recorder';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import { answerBytes } from '../../../../nodes/AiDispatcher/engine/reuse/store';

describe('reuse metrics', () => {
	it('exports hits, misses, evictions, model seconds saved, bytes and entries from the state’s store at push time', () => {
		const state = createDispatcherState({ maxReuseBytes: 3000 });
		const put = (key: string) => {
			const a = {
				key,
				model: 'm',
				tier: 'low' as const,
				optionsKey: '{}',
				text: 'x'.repeat(400),
				usage: {
					prompt_tokens: 1,
					completion_tokens: 1,
					total_ms: 2500,
					load_ms: 0,
					tokens_per_s: 1,
				},
				storedAtMs: 0,
				executionId: 'e',
				shared: true,
			};
			state.reuse.put({ ...a, bytes: answerBytes(a) });
		};
		for (const k of ['a', 'b', 'c', 'd']) put(k);
		state.reuse.hit(2500);
		state.reuse.hit(1500);
		state.reuse.miss();
		const text = renderExposition((state.metrics as MetricsRecorder).snapshot());
		const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
		expect(value('ai_dispatcher_reuse_hits_total')).toBe(2);
		expect(value('ai_dispatcher_reuse_misses_total')).toBe(1);
		expect(value('ai_dispatcher_reuse_saved_model_seconds_total')).toBe(4);
		expect(value('ai_dispatcher_reuse_evictions_total')).toBe(2);
		expect(value('ai_dispatcher_reuse_entries')).toBe(2);
		expect(value('ai_dispatcher_reuse_bytes')).toBe(state.reuse.stats().bytes);
		expect(text).toMatch(/# TYPE ai_dispatcher_reuse_hits_total counter/);
		expect(text).toMatch(/# TYPE ai_dispatcher_reuse_bytes gauge/);
	});

	it('exports zeros before any lookup, so a hit-ratio query has its series from the first push', () => {
		const text = renderExposition((createDispatcherState().metrics as MetricsRecorder).snapshot());
		expect(text).toMatch(/^ai_dispatcher_reuse_hits_total 0$/m);
		expect(text).toMatch(/^ai_dispatcher_reuse_misses_total 0$/m);
	});
});
