/**
 * The thinking part of a plan: for the decision's model and each alternative, the `think` to send,
 * from the tier the item was analysed (or ruled) at, the model's capabilities (read once per model
 * and kept in the state) and a `think` the user forced.
 */
import type { EnginePorts } from '../ports';
import { ruledTier } from '../rules/apply';
import type { RuleOutcome } from '../rules/types';
import type { ComplexityResult, Decision, ModelSpec, ThinkingChoice } from '../types';
import type { CapabilityStore } from './capabilities';
import { decideThinking } from './decide';

export interface ThinkingInputs {
	decision: Decision;
	complexity: ComplexityResult;
	rules?: RuleOutcome;
	/** The models with the rules' options laid over (a rule's `think` included). */
	models: readonly ModelSpec[];
	/** Where the capabilities are asked. */
	baseUrl: string;
}

/** The thinking choice per model to try (none when the decision has no model). Never rejects. */
export async function thinkingFor(inputs: ThinkingInputs, store: CapabilityStore, ports: EnginePorts, nowMs: number): Promise<Record<string, ThinkingChoice>> {
	const { decision, complexity, rules, models, baseUrl } = inputs;
	if (!decision.model) return {};
	const names = [decision.model, ...decision.alternatives];
	const capabilities = await store.read(baseUrl, names, ports.ollama, nowMs, ports.cancel);
	const tier = ruledTier(complexity.tier, rules);
	const byName = new Map(models.map((m) => [m.name, m]));
	const choices: Record<string, ThinkingChoice> = {};
	for (const name of names) {
		const think = byName.get(name)?.options.think;
		const forced = think === undefined ? undefined : { think, source: rules?.thinkRule && rules.options?.think !== undefined ? `rule ${JSON.stringify(rules.thinkRule)}` : 'the Think option' };
		choices[name] = decideThinking({ model: name, tier, capabilities: capabilities.get(name) ?? null, forced });
	}
	return choices;
}
