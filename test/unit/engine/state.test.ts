/** `createDispatcherState`: what one state remembers, its bounds, and that two states share nothing. */
import { MetricsRecorder } from '../../../nodes/AiDispatcher/engine/metrics/recorder';
import { dispatch } from '../../../nodes/AiDispatcher/engine/plan';
import {
	createDispatcherState,
	type DispatcherState,
	type DispatcherStateOptions,
} from '../../../nodes/AiDispatcher/engine/state';
import { HOST, planHighItem, promptItem, threeModelConfig } from '../../support/engine-config';
import { fakePorts, scriptedOllama } from '../../support/fakes';

/** One high-tier item whose first model (qwen2.5:7b) fails and opens its circuit; llama3.2:3b answers. */
async function failOverOnce(state: DispatcherState): Promise<void> {
	const { ollama } = scriptedOllama({
		'qwen2.5:7b': [{ fail: 'http_5xx' }],
		'llama3.2:3b': ['ok'],
	});
	const config = threeModelConfig({
		resilience: { retry: { maxRetries: 0 }, breaker: { failureThreshold: 1 } },
	});
	const result = await dispatch(
		promptItem({ complexity: 'high' }),
		config,
		state,
		fakePorts(ollama),
	);
	expect(result.model).toBe('llama3.2:3b');
}

/** The model a high-tier item would be planned on now. */
async function plannedModel(state: DispatcherState): Promise<string | null> {
	return (await planHighItem(state)).decision.model;
}

const stateWith = (options: DispatcherStateOptions) => createDispatcherState(options);

describe('createDispatcherState', () => {
	it('remembers an open circuit for later items of the same state only', async () => {
		const one = createDispatcherState();
		const other = createDispatcherState();
		await failOverOnce(one);
		expect(await plannedModel(one)).toBe('llama3.2:3b');
		expect(await plannedModel(other)).toBe('qwen2.5:7b');
		expect(other.resilience.getBreaker(HOST, 'qwen2.5:7b').state).toBe('closed');
		expect(other.learned.json(HOST)).toEqual({});
	});

	it('keeps at most maxResilienceEntries (URL, model) pairs, the least recently used dropped', async () => {
		const roomy = stateWith({ maxResilienceEntries: 2 });
		await failOverOnce(roomy); // qwen2.5:7b (open), then llama3.2:3b: both kept
		expect(roomy.resilience.getBreaker(HOST, 'qwen2.5:7b').state).toBe('open');

		const tight = stateWith({ maxResilienceEntries: 1 });
		await failOverOnce(tight); // llama3.2:3b's entry pushes qwen2.5:7b's open breaker out
		expect(tight.resilience.getBreaker(HOST, 'qwen2.5:7b').state).toBe('closed');
		expect(await plannedModel(tight)).toBe('qwen2.5:7b');
	});

	it('keeps learned stats for at most maxLearnedEntries (URL, model) pairs', async () => {
		const roomy = stateWith({ maxLearnedEntries: 2 });
		await failOverOnce(roomy);
		expect(Object.keys(roomy.learned.json(HOST)).sort()).toEqual(['llama3.2:3b', 'qwen2.5:7b']);

		const tight = stateWith({ maxLearnedEntries: 1 });
		await failOverOnce(tight);
		expect(Object.keys(tight.learned.json(HOST))).toHaveLength(1);
	});

	it('remembers the residency of at most maxResidencyHosts hosts', () => {
		const state = stateWith({ maxResidencyHosts: 1 });
		state.residency.observeLoaded('http://a:11434', ['phi3:mini'], 1);
		expect(state.residency.isLoaded('http://a:11434', 'phi3:mini')).toBe(true);
		state.residency.observeLoaded('http://b:11434', ['qwen2.5:7b'], 2);
		expect(state.residency.view('http://a:11434')).toBeUndefined();
		expect(state.residency.isLoaded('http://b:11434', 'qwen2.5:7b')).toBe(true);
	});

	it('keeps the capabilities of at most maxCapabilityEntries (URL, model) pairs', async () => {
		const state = stateWith({ maxCapabilityEntries: 2 });
		const { ollama } = scriptedOllama({});
		const asked: string[] = [];
		const withShow = {
			...ollama,
			capabilities: async (_url: string, model: string) => {
				asked.push(model);
				return ['completion'];
			},
		};
		await state.capabilities.read(HOST, ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'], withShow, 0);
		expect(asked).toHaveLength(3);
		expect(state.capabilities.size).toBe(2);
	});

	it('counts metrics with a MetricsRecorder unless another observer is given', () => {
		expect(createDispatcherState().metrics).toBeInstanceOf(MetricsRecorder);
		const observer = { planned: () => undefined };
		expect(createDispatcherState({ metrics: observer }).metrics).toBe(observer);
	});
});
