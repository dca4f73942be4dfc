/**
 * The thinking part of a plan: for the decision's model and each alternative, the `think` to send,
 * from the tier the item was analysed (or ruled) at, the model's capabilities (read once per model
 * and kept in the state) and a `think` the user forced.
 */
import type { EnginePorts } from '../ports';
import { ruledTier } from '../rules/apply';
import type { RuleOutcome } from '../rules/types';
import type { ComplexityResult, Decision, ModelSpec, ThinkingChoice } from '../types';
import type { CapabilityStore, ReadOptions } from './capabilities';
import { decideThinking } from './decide';

export interface ThinkingInputs {
	decision: Decision;
	complexity: ComplexityResult;
	rules?: RuleOutcome;
	/** The models with the rules' options laid over (a rule's `think` included). */
	models: readonly ModelSpec[];
	/** Where the capabilities are asked. */
	baseUrl: string;
	/** How they may be asked (only what is remembered, a time limit). */
	read?: ReadOptions;
	/** Capabilities already read on `baseUrl` for this item: those models are not asked again. */
	known?: ReadonlyMap<string, string[] | null>;
}

/** The thinking choice per model to try (none when the decision has no model). Never rejects. */
export async function thinkingFor(
	inputs: ThinkingInputs,
	store: CapabilityStore,
	ports: EnginePorts,
	nowMs: number,
): Promise<Record<string, ThinkingChoice>> {
	const { decision, complexity, rules, models, baseUrl, read, known } = inputs;
	if (!decision.model) return {};
	const names = [decision.model, ...decision.alternatives];
	const unread = known ? names.filter((name) => !known.has(name)) : names;
	const capabilities = new Map([
		...(known ?? []),
		...(unread.length > 0
			? await store.read(baseUrl, unread, ports.ollama, nowMs, ports.cancel, read)
			: []),
	]);
	const tier = ruledTier(complexity.tier, rules);
	const byName = new Map(models.map((m) => [m.name, m]));
	const highProbability = routerHighProbability(complexity, rules);
	const choices: Record<string, ThinkingChoice> = {};
	for (const name of names) {
		const think = byName.get(name)?.options.think;
		const forced =
			think === undefined
				? undefined
				: {
						think,
						source:
							rules?.thinkRule && rules.options?.think !== undefined
								? `rule ${JSON.stringify(rules.thinkRule)}`
								: 'the Think option',
					};
		choices[name] = decideThinking({
			model: name,
			tier,
			capabilities: capabilities.get(name) ?? null,
			forced,
			highProbability,
		});
	}
	return choices;
}

/**
 * The router's P(high) when its probabilities alone made the item high-tier: not forced, no routing
 * example, no rule forcing or raising the tier, not the Quality point (where every high item thinks).
 */
export function routerHighProbability(
	complexity: ComplexityResult,
	rules?: RuleOutcome,
): number | undefined {
	const router = complexity.router;
	if (!router || complexity.forced || router.example || router.operatingPoint === 'quality')
		return undefined;
	if (
		complexity.tier !== 'high' ||
		router.modelTier !== 'high' ||
		rules?.forcedTier ||
		rules?.minTier
	)
		return undefined;
	return router.probabilities.high;
}

/**
 * The thinking choice for `model` on the host about to be called (it answered its liveness check):
 * asks /api/show there when its capabilities are not remembered, within `timeoutMs`. Never rejects.
 */
export async function thinkingOnHost(
	inputs: Omit<ThinkingInputs, 'baseUrl' | 'read'>,
	model: string,
	host: string,
	store: CapabilityStore,
	ports: EnginePorts,
	timeoutMs: number,
): Promise<ThinkingChoice> {
	const one: Decision = { ...inputs.decision, model, alternatives: [] };
	const choices = await thinkingFor(
		{ ...inputs, decision: one, baseUrl: host, read: { timeoutMs } },
		store,
		ports,
		ports.clock.nowMs(),
	);
	return choices[model];
}
