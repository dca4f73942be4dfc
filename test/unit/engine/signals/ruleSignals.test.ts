import { decide } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { parseRules } from '../../../../nodes/AiDispatcher/engine/rules/validate';
import { emptySnapshot } from '../../../../nodes/AiDispatcher/engine/signals/round';
import { ruleSignals } from '../../../../nodes/AiDispatcher/engine/signals/ruleSignals';
import type { ModelSpec } from '../../../../nodes/AiDispatcher/engine/types';

const GIB = 1024 ** 3;

function snapshot() {
	const s = emptySnapshot(0);
	s.prometheus = 'ok';
	s.host = {
		...s.host,
		cpuBusyPercent: 93,
		memAvailableBytes: 6 * GIB,
		memAvailablePercent: 40,
		load1PerCore: 0.5,
		gpuFreeBytes: null,
	};
	s.models.queueDepth = { total: 5, byModel: { 'qwen2.5:7b': 5 } };
	s.custom = { ollama_vram_headroom: 1.5 };
	return s;
}

describe('ruleSignals (live signals as rule conditions see them)', () => {
	it('maps short names into rule units, keeps built-in names and custom queries, and unknown stays null', () => {
		const record = ruleSignals(snapshot());
		expect(record).toMatchObject({
			cpu: 93,
			memory: 6,
			memoryPercent: 40,
			load: 0.5,
			queue: 5,
			gpuFree: null,
			cpuBusyPercent: 93,
			memAvailableBytes: 6 * GIB,
			queueDepth: 5,
			ollama_vram_headroom: 1.5,
		});
	});

	it('lets a rule on a live signal bend the choice, and records what the condition saw', () => {
		const models: ModelSpec[] = [
			{ name: 'phi3:mini', tier: 'low', tasks: [], options: {} },
			{ name: 'qwen2.5:7b', tier: 'high', tasks: [], options: {} },
		];
		const parsed = parseRules([
			{
				name: 'busy host',
				condition: { fact: 'signal', path: 'cpu', operator: 'greaterThan', value: 90 },
				action: { maxTier: 'low' },
			},
		]);
		if (!parsed.ok) throw new Error(parsed.issues.join('; '));
		const rules = parsed.value;
		const config = { baseUrls: ['http://o:1'], models, timeoutsMs: DEFAULT_TIMEOUTS_MS, rules };
		const request = {
			prompt: 'x',
			task: 'general' as const,
			complexity: 'high' as const,
			format: { type: 'text' as const },
		};
		const busy = decide(request, config as never, 0, { signals: snapshot() });
		expect(busy.decision.model).toBe('phi3:mini');
		expect(busy.decision.rules?.[0]).toMatchObject({ name: 'busy host' });
		expect(JSON.stringify(busy.decision.rules)).toContain('93');
		const calm = snapshot();
		calm.host.cpuBusyPercent = 20;
		expect(decide(request, config as never, 0, { signals: calm }).decision.model).toBe(
			'qwen2.5:7b',
		);
	});
});
