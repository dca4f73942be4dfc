/** How both nodes show the live signals a plan read. */
import {
	signalsJson,
	withSignalsJson,
} from '../../../../nodes/AiDispatcher/adapters/output/signals';
import type { Plan } from '../../../../nodes/AiDispatcher/engine/plan';
import { emptySnapshot } from '../../../../nodes/AiDispatcher/engine/signals/round';

const snapshot = () => {
	const s = emptySnapshot(1_000);
	s.prometheus = 'ok';
	s.roundMs = 42;
	s.queries = 7;
	s.host.cpuBusyPercent = 35;
	s.models.queueDepth = { total: 3, byModel: { 'phi3:mini': 2, 'qwen2.5:7b': 1 } };
	s.custom = { gpuTemp: 71 };
	s.unknown = { memAvailableBytes: 'no data' };
	s.loaded = [{ name: 'phi3:mini', sizeBytes: 1, sizeVramBytes: 1, expiresAt: '' }];
	return s;
};

describe('signalsJson', () => {
	it('shows the values used (host and per model), their age, the unknown ones and the loaded models', () => {
		const json = signalsJson({ snapshot: snapshot(), ageMs: 1234.4 });
		expect(json).toMatchObject({
			prometheus: 'ok',
			unavailableReason: null,
			ageMs: 1234,
			roundMs: 42,
			queries: 7,
			custom: { gpuTemp: 71 },
			unknown: { memAvailableBytes: 'no data' },
			loaded: ['phi3:mini'],
			loadedError: null,
		});
		expect(json.values).toMatchObject({
			cpuBusyPercent: 35,
			queueDepth: { total: 3, byModel: { 'phi3:mini': 2, 'qwen2.5:7b': 1 } },
		});
	});

	it('says why Prometheus was not used, and null loaded models when /api/ps failed', () => {
		const s = emptySnapshot(0);
		s.prometheus = 'unavailable';
		s.unavailableReason = 'connection refused';
		s.loadedError = 'HTTP 500';
		expect(signalsJson({ snapshot: s, ageMs: 0 })).toMatchObject({
			prometheus: 'unavailable',
			unavailableReason: 'connection refused',
			loaded: null,
			loadedError: 'HTTP 500',
		});
	});
});

describe('withSignalsJson', () => {
	it('adds `signals` when the plan read signals', () => {
		const plan = { signals: { snapshot: snapshot(), ageMs: 0, refreshed: true } } as Plan;
		const json = withSignalsJson({ model: 'phi3:mini' }, plan);
		expect(json.model).toBe('phi3:mini');
		expect(json.signals).toMatchObject({ prometheus: 'ok', roundMs: 42 });
	});

	it('leaves the item as it is without signals', () => {
		const item = { model: 'phi3:mini' };
		expect(withSignalsJson(item, {} as Plan)).toBe(item);
	});
});
