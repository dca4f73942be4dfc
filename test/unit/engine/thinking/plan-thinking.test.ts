/** planItem/runPlan with thinking models: think sent per item from the tier, recorded with the answer. */
import type { DispatchConfig } from '../../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../../nodes/AiDispatcher/engine/resilience/timeouts';
import type { OllamaPort } from '../../../../nodes/AiDispatcher/engine/ports';
import { dispatch, planItem } from '../../../../nodes/AiDispatcher/engine/plan';
import { parseRules } from '../../../../nodes/AiDispatcher/engine/rules/validate';
import type { Rule } from '../../../../nodes/AiDispatcher/engine/rules/types';
import { createDispatcherState } from '../../../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest, ModelSpec, Tier } from '../../../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from '../../../support/fakes';

const model = (name: string, tier: Tier, options: ModelSpec['options'] = {}): ModelSpec => ({
	name,
	tier,
	tasks: [],
	options,
});
const one = (options: ModelSpec['options'] = {}): DispatchConfig => ({
	baseUrls: ['http://ollama:11434'],
	models: [model('qwen3:8b', 'high', options)],
	timeoutsMs: DEFAULT_TIMEOUTS_MS,
	resilience: { retry: { maxRetries: 0 } },
});
const request = (
	complexity: Tier | 'auto',
	prompt = 'What is the invoice number?',
): DispatchRequest => ({ prompt, task: 'auto', complexity, format: { type: 'text' } });

function thinkingOllama(): {
	ollama: OllamaPort;
	calls: ReturnType<typeof scriptedOllama>['calls'];
} {
	const { ollama, calls } = scriptedOllama({ 'qwen3:8b': ['answer'] });
	const generate = ollama.generate;
	return {
		calls,
		ollama: {
			...ollama,
			capabilities: async () => ['completion', 'thinking'],
			generate: async (call) => ({
				...(await generate(call)),
				...(call.think ? { thinking: 'Let me think.' } : {}),
			}),
		},
	};
}

describe('thinking in the plan', () => {
	it.each<[Tier, boolean]>([
		['low', false],
		['medium', false],
		['high', true],
	])(
		'one thinking model, %s-tier item: sends think %p, records it with the answer',
		async (tier, think) => {
			const { ollama, calls } = thinkingOllama();
			const result = await dispatch(
				request(tier),
				one(),
				createDispatcherState(),
				fakePorts(ollama),
			);
			expect(result.model).toBe('qwen3:8b');
			expect(calls[0].think).toBe(think);
			expect(calls[0].options).not.toHaveProperty('think');
			expect(result.thinking).toMatchObject({ think, text: think ? 'Let me think.' : '' });
			expect(result.response).toBe('answer');
		},
	);

	it('an analysed prompt decides: a hard proof thinks, an invoice lookup does not', async () => {
		const { ollama, calls } = thinkingOllama();
		const state = createDispatcherState();
		await dispatch(request('auto', 'What is the invoice number?'), one(), state, fakePorts(ollama));
		await dispatch(
			request(
				'auto',
				'Prove rigorously that there are infinitely many primes p such that p ≡ 3 (mod 4), then derive the asymptotic density argument step by step and analyse where the proof would fail for p ≡ 1 (mod 4).',
			),
			one(),
			state,
			fakePorts(ollama),
		);
		expect(calls.map((c) => c.think)).toEqual([false, true]);
	});

	it("the model's Think option wins over the tier", async () => {
		const { ollama, calls } = thinkingOllama();
		const result = await dispatch(
			request('low'),
			one({ think: true }),
			createDispatcherState(),
			fakePorts(ollama),
		);
		expect(calls[0].think).toBe(true);
		expect(result.thinking?.reason).toBe('the Think option sets think true');
	});

	it("a matched rule's think wins, named in the reason", async () => {
		const { ollama, calls } = thinkingOllama();
		const parsed = parseRules([
			{
				name: 'Finance thinks',
				condition: { all: [{ fact: 'text', operator: 'matches', value: 'invoice' }] },
				action: { options: { think: true } },
			},
		]);
		if (!parsed.ok) throw new Error(parsed.issues.join('; '));
		const rules: Rule[] = parsed.value;
		const plan = await planItem(
			request('low'),
			{ ...one(), rules },
			createDispatcherState(),
			fakePorts(ollama),
		);
		expect(plan.thinking['qwen3:8b']).toEqual({
			think: true,
			effort: 'on',
			reason: 'rule "Finance thinks" sets think true',
		});
		await dispatch(request('low'), { ...one(), rules }, createDispatcherState(), fakePorts(ollama));
		expect(calls[0].think).toBe(true);
	});

	it('refuses a rule think that is no bool or level, naming the field and value', () => {
		const parsed = parseRules([
			{
				name: 'x',
				condition: { fact: 'complexityTier', operator: 'equal', value: 'low' },
				action: { options: { think: 'max2' } },
			},
		]);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok)
			expect(parsed.issues.join('\n')).toMatch(
				/options\.think should be true, false, "low", "medium" or "high", got "max2"/,
			);
	});

	it('asks the capabilities once per model for many items (kept in the state)', async () => {
		const { ollama } = thinkingOllama();
		let asked = 0;
		const counting: OllamaPort = {
			...ollama,
			capabilities: async () => (asked++, ['completion', 'thinking']),
		};
		const state = createDispatcherState();
		for (let i = 0; i < 5; i++) await dispatch(request('high'), one(), state, fakePorts(counting));
		expect(asked).toBe(1);
	});

	it('fails open: capabilities unreadable → think not sent, the item still answered, no thinking field', async () => {
		const { ollama, calls } = thinkingOllama();
		const broken: OllamaPort = {
			...ollama,
			capabilities: async () => {
				throw new Error('no capabilities');
			},
		};
		const result = await dispatch(
			request('low'),
			one(),
			createDispatcherState(),
			fakePorts(broken),
		);
		expect(calls[0]).not.toHaveProperty('think');
		expect(result.response).toBe('answer');
		expect(result.thinking).toBeUndefined();
	});

	it('decides per model: the fallback that does not think gets no think', async () => {
		const { ollama, calls } = scriptedOllama({
			'qwen3:8b': [{ fail: 'http_5xx' }],
			'phi3:mini': ['fallback'],
		});
		const port: OllamaPort = {
			...ollama,
			capabilities: async (_u, m) =>
				m === 'qwen3:8b' ? ['completion', 'thinking'] : ['completion'],
		};
		const config: DispatchConfig = {
			...one(),
			models: [model('qwen3:8b', 'high'), model('phi3:mini', 'low')],
		};
		const result = await dispatch(
			request('high'),
			config,
			createDispatcherState(),
			fakePorts(port),
		);
		expect(calls.map((c) => [c.model, c.think])).toEqual([
			['qwen3:8b', true],
			['phi3:mini', undefined],
		]);
		expect(result.thinking).toBeUndefined();
	});
});

describe('where capabilities are asked', () => {
	function recordingOllama(): { ollama: OllamaPort; events: string[] } {
		const { ollama } = thinkingOllama();
		const events: string[] = [];
		return {
			events,
			ollama: {
				...ollama,
				ping: async (baseUrl, timeoutMs) => {
					events.push('ping');
					return await ollama.ping(baseUrl, timeoutMs);
				},
				capabilities: async () => {
					events.push('show');
					return ['completion', 'thinking'];
				},
				generate: async (call) => {
					events.push(`generate think=${String(call.think)}`);
					return await ollama.generate(call);
				},
			},
		};
	}

	it('planning asks nothing of a host that has not answered yet; the call asks it after its liveness check', async () => {
		const { ollama, events } = recordingOllama();
		const state = createDispatcherState();
		const plan = await planItem(request('low'), one(), state, fakePorts(ollama));
		expect(events).toEqual([]);
		expect(plan.thinking['qwen3:8b']).toMatchObject({
			effort: 'default',
			capabilitiesUnknown: true,
		});
		await dispatch(request('low'), one(), state, fakePorts(ollama));
		expect(events).toEqual(['ping', 'show', 'generate think=false']);
	});

	it('once the host has answered, planning asks (and then remembers) its capabilities', async () => {
		const { ollama, events } = recordingOllama();
		const state = createDispatcherState();
		await dispatch(request('low'), one(), state, fakePorts(ollama));
		events.length = 0;
		const plan = await planItem(request('high'), one(), state, fakePorts(ollama));
		expect(plan.thinking['qwen3:8b']).toMatchObject({ think: true, effort: 'on' });
		expect(plan.thinking['qwen3:8b'].capabilitiesUnknown).toBeUndefined();
		expect(events).toEqual([]); // remembered from the first call's lookup
	});
});
