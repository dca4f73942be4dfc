/**
 * One item, end to end: analyse → select → call the ranked candidates until one answers.
 */
import { analyseComplexity, type TierThresholds } from './analysis/complexity';
import { DispatcherError, TransportError } from './errors';
import type { EnginePorts } from './ports';
import { openCircuits } from './resilience/hosts';
import { resolveResilience, type ResilienceOverrides, type ResilienceSettings } from './resilience/settings';
import { tryModel, type CallResult, type TryLimits } from './resilience/tryModel';
import { parseJson, settle } from './result';
import { withRuleOverrides } from './rules/apply';
import { evaluateRules } from './rules/evaluate';
import type { Rule, RuleFacts, RuleOutcome } from './rules/types';
import { selectModel, type SelectionFacts } from './selection/select';
import { ruleSignals } from './signals/ruleSignals';
import type {
	Attempt,
	ComplexityResult,
	Decision,
	DispatchRequest,
	DispatchResult,
	ModelSpec,
	Tier,
} from './types';

/** Per-attempt total timeouts by tier, in milliseconds (15 s / 30 s / 60 s). */
export const DEFAULT_TIMEOUTS_MS: Record<Tier, number> = { low: 15_000, medium: 30_000, high: 60_000 };

export interface DispatchConfig {
	/** Ollama base URLs; each is assumed to serve the same models (a pool). The first is the primary. */
	baseUrls: string[];
	/** The candidate models, already resolved (configured list or auto-discovered). */
	models: ModelSpec[];
	timeoutsMs: Record<Tier, number>;
	thresholds?: TierThresholds;
	/** The workflow's selection rules, already validated (engine/rules/validate.ts), in order. */
	rules?: readonly Rule[];
	/** IANA time zone for time-window rules (the workflow's); default UTC. */
	timeZone?: string;
	/** Retries, backoff, breakers, first-token and adaptive timeouts; defaults where absent. */
	resilience?: ResilienceOverrides;
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

/** Analysis and selection only: what the Select Model operation returns. Pure. */
export function decide(request: DispatchRequest, config: DispatchConfig, nowMs: number, context: DecisionContext = {}): Choice {
	const text = analysedText(request);
	if (text.trim().length === 0) {
		throw new DispatcherError('INPUT_INVALID', 'The prompt is empty', {
			hint: 'Map a non-empty text into "Prompt" (or at least one user message into "Messages").',
		});
	}
	const complexity = analyseComplexity(text, {
		task: request.task,
		complexity: request.complexity,
		thresholds: config.thresholds,
	});
	const rules = config.rules && config.rules.length > 0 ? evaluateRules(config.rules, ruleFacts(text, complexity, config, nowMs, context)) : undefined;
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
	});
	return { complexity, decision, rules };
}

function ruleFacts(text: string, complexity: ComplexityResult, config: DispatchConfig, nowMs: number, context: DecisionContext): RuleFacts {
	const count = (name: string) => complexity.features.find((f) => f.name === name)?.value ?? 0;
	return {
		text,
		tokens: complexity.tokens,
		score: complexity.score,
		tier: complexity.tier,
		task: complexity.task,
		codeBlocks: count('code_blocks'),
		stackFrames: count('stack_trace_lines'),
		nowMs,
		timeZone: config.timeZone ?? 'UTC',
		signals: context.signals ? ruleSignals(context.signals) : undefined,
		item: context.item,
	};
}

/**
 * Answers one item: tries the decision's model, then each alternative, until one returns a usable
 * reply. Each model is tried on its least busy healthy host, on another host when one fails, and
 * again after a backoff when the failure is transient; models whose circuit is open on every host
 * are skipped (see `resilience/`). Throws `DispatcherError` ALL_CANDIDATES_FAILED (carrying every
 * attempt) when none answers.
 */
export async function dispatch(
	request: DispatchRequest,
	config: DispatchConfig,
	ports: EnginePorts,
	context: DecisionContext = {},
): Promise<DispatchResult> {
	const settings = resolveResilience(config.resilience);
	const nowMs = ports.clock.nowMs();
	const skipped = circuitSkips(config, settings, nowMs, context.excluded);
	const excluded = new Map([...(context.excluded ?? []), ...skipped.map((a): [string, string] => [a.model, a.error ?? 'circuit open'])]);
	const choice = decide(request, config, nowMs, { ...context, excluded });
	const { complexity } = choice;
	const decision = withSkips(choice.decision, skipped);
	// A rule's timeout and options apply to this item's calls only.
	config = { ...config, models: withRuleOverrides(config.models, choice.rules) };
	if (!decision.model) {
		if (skipped.length > 0) throw allFailed(skipped, config.baseUrls.length);
		throw new DispatcherError('NO_CANDIDATE', `No model can take this item: ${decision.reason}`, {
			hint: 'Add models to the list, install them in Ollama, or relax the rules that exclude them.',
		});
	}
	const byName = new Map(config.models.map((m) => [m.name, m]));
	const attempts: Attempt[] = [];

	for (const name of [decision.model, ...decision.alternatives]) {
		const model = byName.get(name) as ModelSpec;
		const limits = {
			totalMs: model.options.timeoutMs ?? config.timeoutsMs[model.tier],
			firstTokenMs: settings.firstTokenTimeoutsMs[model.tier],
			stallMs: settings.stallTimeoutsMs[model.tier],
		};
		const tried = await tryModel({ model: name, baseUrls: config.baseUrls, limits, settings, ports }, (host, l) =>
			attemptModel(model, host, l, request, ports),
		);
		attempts.push(...tried.attempts);
		if (tried.ok) {
			const { outcome, response, host } = tried;
			return { response, model: name, tier: model.tier, host, complexity, decision, attempts, usage: outcome.usage };
		}
		if (tried.aborted) throw new DispatcherError('ABORTED', 'The execution was cancelled', { attempts });
		ports.log.debug('AI Dispatcher: model failed, trying the next candidate', { model: name });
	}
	throw allFailed([...skipped, ...attempts], config.baseUrls.length);
}

/** Models whose circuit is open on every host, as skipped attempts (ms 0, kind circuit_open). */
function circuitSkips(config: DispatchConfig, settings: ResilienceSettings, nowMs: number, excluded?: ReadonlyMap<string, string>): Attempt[] {
	const candidates = config.models.map((m) => m.name).filter((name) => !excluded?.has(name));
	return [...openCircuits(config.baseUrls, candidates, nowMs, settings.breaker)].map(
		([model, why]): Attempt => ({ model, ok: false, error: why, kind: 'circuit_open', ms: 0 }),
	);
}

function withSkips(decision: Decision, skipped: Attempt[]): Decision {
	if (skipped.length === 0 || !decision.model) return decision;
	return { ...decision, reason: `${decision.reason}; skipped ${skipped.map((s) => `${s.model}: ${s.error}`).join('; ')}` };
}

async function attemptModel(model: ModelSpec, baseUrl: string, limits: TryLimits, request: DispatchRequest, ports: EnginePorts): Promise<CallResult> {
	const { keep_alive: keepAlive, ...rest } = model.options;
	const options = { ...rest };
	delete options.timeoutMs; // ours, not Ollama's
	const called = await settle(
		ports.ollama.generate({
			baseUrl,
			model: model.name,
			prompt: request.prompt,
			messages: request.messages,
			system: request.system,
			format: request.format,
			options,
			keepAlive,
			timeoutMs: limits.totalMs,
			firstTokenTimeoutMs: limits.firstTokenMs,
			stallTimeoutMs: limits.stallMs,
			signal: ports.signal,
		}),
	);
	if (!called.ok) {
		if (called.error instanceof TransportError) return { ok: false, error: called.error };
		throw called.error;
	}
	const outcome = called.value;
	const checked = interpret(outcome.text, request);
	return checked instanceof TransportError ? { ok: false, error: checked } : { ok: true, outcome, response: checked.value };
}

/** Checks a reply is usable: non-empty, and valid JSON when JSON was asked for. */
function interpret(text: string, request: DispatchRequest): { value: unknown } | TransportError {
	if (text.trim().length === 0) return new TransportError('empty', 'the model returned an empty reply');
	if (request.format.type === 'text') return { value: text };
	const parsed = parseJson(text);
	if (parsed.ok) return { value: parsed.value };
	const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
	return new TransportError('invalid_json', `JSON was requested but the reply is not valid JSON: "${shown}"`);
}

function allFailed(attempts: Attempt[], hostCount: number): DispatcherError {
	const models = new Set(attempts.map((a) => a.model)).size;
	const list = attempts
		.map((a) => `${a.model}${a.retry ? ` (retry ${a.retry})` : ''}${hostCount > 1 && a.host ? ` on ${a.host}` : ''}: ${a.error}`)
		.join('; ');
	return new DispatcherError('ALL_CANDIDATES_FAILED', `All ${models} candidate models failed: ${list}`, {
		attempts,
		hint: 'Check that Ollama is running and the models are installed (ollama list); the attempts show each failure. Models whose circuit is open are retried after the cooldown.',
	});
}
