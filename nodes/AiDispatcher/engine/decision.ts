/**
 * The item's configuration and the pure decision: analysis, rules and selection (`decide`). The
 * per-item entry points `planItem`/`runPlan` are in `plan.ts`.
 */
import { analyseComplexity, type TierThresholds } from './analysis/heuristic';
import type { CostConfig } from './cost/gate';
import type { PreparedExample } from './analysis/router/examples';
import type { OperatingPointName } from './analysis/router/model';
import { routeComplexity } from './analysis/router/route';
import { DispatcherError } from './errors';
import type { ResilienceOverrides } from './resilience/settings';
import type { ReuseConfig } from './reuse/types';
import { evaluateRules } from './rules/evaluate';
import { measuredCount } from './rules/facts';
import type { Rule, RuleFacts, RuleOutcome } from './rules/types';
import type { PolicyConfig } from './selection/policy';
import { selectModel, type SelectionFacts } from './selection/select';
import { ruleSignals } from './signals/ruleSignals';
import type { SignalsConfig } from './signals/types';
import type { ComplexityResult, Decision, DispatchRequest, ModelSpec, Tier } from './types';

export interface DispatchConfig {
	/** Ollama base URLs; each is assumed to serve the same models (a pool). The first is the primary. */
	baseUrls: string[];
	/** The candidate models, already resolved (configured list or auto-discovered). */
	models: ModelSpec[];
	timeoutsMs: Record<Tier, number>;
	/** Which analysis picks the tier: the trained router (default) or the heuristic score with `thresholds`. */
	analyser?: 'router' | 'heuristic';
	thresholds?: TierThresholds;
	/** The trained router's Quality ↔ Speed point and the workflow's routing examples. */
	router?: RouterSettings;
	/** The workflow's selection rules, already validated (engine/rules/validate.ts), in order. */
	rules?: readonly Rule[];
	/** IANA time zone for time-window rules (the workflow's); default UTC. */
	timeZone?: string;
	/** Retries, backoff, breakers, first-token and adaptive timeouts; defaults where absent. */
	resilience?: ResilienceOverrides;
	/** Live signals (Prometheus, /api/ps) and learned stats for selection; absent: chosen without them. */
	signals?: LiveSignalsConfig;
	/** Answer reuse (identical requests answered once); absent: every item calls a model. */
	reuse?: ReuseConfig;
	/** Priced (cloud) models: where spend counts, budgets, local first; absent: no budgets, local first. */
	cost?: CostConfig;
}

/** Where and how live signals are read, and the policy that uses them. */
export interface LiveSignalsConfig {
	config: SignalsConfig;
	policy: PolicyConfig;
	/** The credential's Prometheus URL; null: Ollama's /api/ps only. */
	prometheusUrl: string | null;
}

export interface RouterSettings {
	operatingPoint?: OperatingPointName;
	examples?: readonly PreparedExample[];
}

/** Facts selection needs that the caller gathered (open breakers, loaded models, live signals). */
export interface DecisionContext {
	excluded?: ReadonlyMap<string, string>;
	loaded?: ReadonlySet<string>;
	/** The round of live signals; rule conditions read it by name (see `ruleSignals`). */
	signals?: SelectionFacts['signals'];
	stats?: SelectionFacts['stats'];
	policy?: SelectionFacts['policy'];
	/** The input item's JSON, for rule conditions on item fields. */
	item?: RuleFacts['item'];
	/** Capabilities and learned speeds on the host: candidates are ranked by expected time when some think. */
	thinking?: SelectionFacts['thinking'];
}

export interface Choice {
	complexity: ComplexityResult;
	decision: Decision;
	/** The rules' effect on this item, when rules are configured. */
	rules?: RuleOutcome;
}

/** The text whose complexity decides the tier: the prompt, or the conversation's user turns. */
export function analysedText(request: DispatchRequest): string {
	if (request.analysedText !== undefined) return request.analysedText;
	if (request.messages && request.messages.length > 0) {
		return request.messages
			.filter((m) => m.role === 'user')
			.map((m) => m.content)
			.join('\n\n');
	}
	return request.prompt ?? '';
}

/** The analysed text; throws `DispatcherError` INPUT_INVALID when it is empty. */
export function requireText(request: DispatchRequest): string {
	const text = analysedText(request);
	if (text.trim().length === 0) {
		throw new DispatcherError('INPUT_INVALID', 'The prompt is empty', {
			hint: 'Map a non-empty text into "Prompt" (or at least one user message into "Messages").',
		});
	}
	return text;
}

/** The item's complexity and task, by the configured analyser (the request's forced tier and task kept). Pure. */
function analyse(text: string, request: DispatchRequest, config: DispatchConfig): ComplexityResult {
	return config.analyser === 'heuristic'
		? analyseComplexity(text, {
				task: request.task,
				complexity: request.complexity,
				thresholds: config.thresholds,
			})
		: routeComplexity(text, {
				task: request.task,
				complexity: request.complexity,
				...config.router,
			});
}

/**
 * Analysis and selection only: what the Select Model operation returns. Pure. `analysed`: the
 * item's complexity from an earlier `decide` of the same request and config, not analysed again.
 */
export function decide(
	request: DispatchRequest,
	config: DispatchConfig,
	nowMs: number,
	context: DecisionContext = {},
	analysed?: ComplexityResult,
): Choice {
	const text = requireText(request);
	const complexity = analysed ?? analyse(text, request, config);
	const rules =
		config.rules && config.rules.length > 0
			? evaluateRules(config.rules, ruleFacts(text, complexity, config, nowMs, context))
			: undefined;
	const decision = selectModel(config.models, {
		complexity,
		task: complexity.task,
		nowMs,
		excluded: context.excluded,
		loaded: context.loaded,
		signals: context.signals,
		stats: context.stats,
		policy: context.policy,
		rules,
		thinking: context.thinking,
	});
	return { complexity, decision, rules };
}

function ruleFacts(
	text: string,
	complexity: ComplexityResult,
	config: DispatchConfig,
	nowMs: number,
	context: DecisionContext,
): RuleFacts {
	return {
		text,
		tokens: complexity.tokens,
		score: complexity.score,
		confidence: complexity.router?.confidence,
		tier: complexity.tier,
		task: complexity.task,
		codeBlocks: measuredCount(complexity, 'code_blocks'),
		stackFrames: measuredCount(complexity, 'stack_trace_lines'),
		nowMs,
		timeZone: config.timeZone ?? 'UTC',
		signals: context.signals ? ruleSignals(context.signals) : undefined,
		item: context.item,
	};
}
