import {
	decideThinking,
	takesThinkLevels,
	THINK_HIGH_PROBABILITY,
} from '../../../../nodes/AiDispatcher/engine/thinking/decide';
import type { Tier } from '../../../../nodes/AiDispatcher/engine/types';

const THINKS = ['completion', 'tools', 'thinking'];

describe('decideThinking', () => {
	it.each<[string, Tier, unknown, string]>([
		['qwen3:8b', 'low', false, 'off'],
		['qwen3:8b', 'medium', false, 'off'],
		['qwen3:8b', 'high', true, 'on'],
		['gpt-oss:20b', 'low', 'low', 'low'],
		['gpt-oss:20b', 'medium', 'low', 'low'],
		['gpt-oss:20b', 'high', 'high', 'high'],
	])('%s, %s-tier prompt: think %p (effort %s)', (model, tier, think, effort) => {
		const choice = decideThinking({ model, tier, capabilities: THINKS });
		expect(choice.think).toBe(think);
		expect(choice.effort).toBe(effort);
		expect(choice.reason).toContain(`${tier}-tier prompt`);
	});

	it.each<[string, number | undefined, unknown, string]>([
		['qwen3:8b', 0.2, false, 'off'],
		['gpt-oss:20b', 0.2, 'low', 'low'],
		['qwen3:8b', THINK_HIGH_PROBABILITY, true, 'on'],
		['gpt-oss:20b', 0.9, 'high', 'high'],
		['qwen3:8b', undefined, true, 'on'],
	])(
		'%s, high-tier prompt with P(high) %p: think %p (effort %s)',
		(model, highProbability, think, effort) => {
			const choice = decideThinking({ model, tier: 'high', capabilities: THINKS, highProbability });
			expect(choice.think).toBe(think);
			expect(choice.effort).toBe(effort);
			if (highProbability !== undefined && highProbability < THINK_HIGH_PROBABILITY)
				expect(choice.reason).toMatch(/^borderline high-tier prompt \(P\(high\) 0\.20 < 0\.27\): /);
			else expect(choice.reason).toContain('high-tier prompt: thinks');
		},
	);

	it('a forced think wins over a borderline P(high)', () => {
		const choice = decideThinking({
			model: 'qwen3:8b',
			tier: 'high',
			capabilities: THINKS,
			highProbability: 0.1,
			forced: { think: true, source: 'the Think option' },
		});
		expect(choice).toMatchObject({ think: true, effort: 'on' });
	});

	it('sends nothing to a model that does not think, and says so', () => {
		expect(
			decideThinking({ model: 'phi3:mini', tier: 'high', capabilities: ['completion'] }),
		).toEqual({ effort: 'off', reason: 'phi3:mini does not think' });
	});

	it('fails open when the capabilities are unknown: think is not sent (Ollama decides)', () => {
		const choice = decideThinking({ model: 'qwen3:8b', tier: 'low', capabilities: null });
		expect(choice.think).toBeUndefined();
		expect(choice.effort).toBe('default');
		expect(choice.reason).toMatch(/unknown/);
	});

	it('a forced think wins over the tier, naming where it came from', () => {
		const choice = decideThinking({
			model: 'qwen3:8b',
			tier: 'low',
			capabilities: THINKS,
			forced: { think: true, source: 'rule "P1"' },
		});
		expect(choice).toEqual({ think: true, effort: 'on', reason: 'rule "P1" sets think true' });
		const off = decideThinking({
			model: 'qwen3:8b',
			tier: 'high',
			capabilities: THINKS,
			forced: { think: false, source: 'the Think option' },
		});
		expect(off).toMatchObject({ think: false, effort: 'off' });
		const level = decideThinking({
			model: 'gpt-oss:20b',
			tier: 'low',
			capabilities: null,
			forced: { think: 'medium', source: 'the Think option' },
		});
		expect(level).toMatchObject({ think: 'medium', effort: 'medium' });
	});

	it('never forces thinking on a model known not to think (Ollama would answer 400)', () => {
		const choice = decideThinking({
			model: 'phi3:mini',
			tier: 'low',
			capabilities: ['completion'],
			forced: { think: 'high', source: 'the Think option' },
		});
		expect(choice.think).toBeUndefined();
		expect(choice.reason).toMatch(/cannot/);
	});

	it.each([
		['gpt-oss:20b', true],
		['gpt-oss:120b', true],
		['library/gpt-oss:latest', true],
		['qwen3:8b', false],
		['deepseek-r1:7b', false],
	])('%s takes effort levels: %p', (model, expected) => {
		expect(takesThinkLevels(model)).toBe(expected);
	});
});
