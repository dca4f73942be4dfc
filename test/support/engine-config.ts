/** A small engine setup for tests of `planItem`, `runPlan` and the state: three models on one host. */
import type { DispatchConfig } from '../../nodes/AiDispatcher/engine/decision';
import { planItem, type Plan } from '../../nodes/AiDispatcher/engine/plan';
import type { EnginePorts } from '../../nodes/AiDispatcher/engine/ports';
import type { DispatcherState } from '../../nodes/AiDispatcher/engine/state';
import { DEFAULT_TIMEOUTS_MS } from '../../nodes/AiDispatcher/engine/resilience/timeouts';
import type { DispatchRequest, ModelSpec, Tier } from '../../nodes/AiDispatcher/engine/types';
import { fakePorts, scriptedOllama } from './fakes';

export const HOST = 'http://ollama:11434';

/** The three models, one per tier: phi3:mini (low), llama3.2:3b (medium), qwen2.5:7b (high). */
export const TIER_MODELS: Record<Tier, string> = {
	low: 'phi3:mini',
	medium: 'llama3.2:3b',
	high: 'qwen2.5:7b',
};

export function modelSpec(name: string, tier: Tier, options: ModelSpec['options'] = {}): ModelSpec {
	return { name, tier, tasks: [], options };
}

/** One host, the three tier models, no retries (fallback only). */
export function threeModelConfig(extra: Partial<DispatchConfig> = {}): DispatchConfig {
	return {
		baseUrls: [HOST],
		models: (Object.entries(TIER_MODELS) as Array<[Tier, string]>).map(([tier, name]) =>
			modelSpec(name, tier),
		),
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: { retry: { maxRetries: 0 } },
		...extra,
	};
}

/** A short prompt item; `complexity` forces the tier. */
export function promptItem(extra: Partial<DispatchRequest> = {}): DispatchRequest {
	return {
		prompt: 'Summarize: lunch moved to 1pm',
		task: 'auto',
		complexity: 'auto',
		format: { type: 'text' },
		...extra,
	};
}

/** Plans a high-tier item (qwen2.5:7b first) of the three-model setup; nothing is called. */
export async function planHighItem(
	state: DispatcherState,
	ports: EnginePorts = fakePorts(scriptedOllama({}).ollama),
): Promise<Plan> {
	return await planItem(promptItem({ complexity: 'high' }), threeModelConfig(), state, ports);
}

/** Opens `model`'s circuit on the host for a minute of the fake ports' clock. */
export function openCircuit(state: DispatcherState, model: string): void {
	const nowMs = fakePorts(scriptedOllama({}).ollama).clock.nowMs();
	state.resilience.setBreaker(HOST, model, {
		state: 'open',
		sinceMs: nowMs,
		untilMs: nowMs + 60_000,
	});
}
