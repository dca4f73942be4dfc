/**
 * The one path of an item through the engine, for every caller (Generate, Select Model, the chat
 * model): `planItem` decides (analysis, rules, live signals, open circuits, host), `runPlan` answers
 * (tries, retries, fallback). Callers differ only in what they do with the plan or the result.
 */
import { localFirst, unknownPriceLast } from './cost/localFirst';
import { decide, requireText, type DecisionContext, type DispatchConfig } from './decision';
import { DispatcherError } from './errors';
import type { EnginePorts } from './ports';
import { openCircuits, pickHost } from './resilience/hosts';
import { firstLiveHost, livenessNeed } from './resilience/liveness';
import { resolveResilience, type ResilienceSettings } from './resilience/settings';
import { settle, type Settled } from './result';
import { withRuleOverrides } from './rules/apply';
import type { RuleOutcome } from './rules/types';
import { answerOnce } from './reuse/answerOnce';
import { answer, allFailed } from './run';
import { countInFlight } from './signals/learned';
import { adoptPeerBreakers } from './signals/peers';
import type { SignalsRead } from './signals/store';
import type { DispatcherState } from './state';
import { thinkingFor } from './thinking/plan';
import { explainOldOllama, featuresUsed } from './versions';
import type {
	Attempt,
	ComplexityResult,
	Decision,
	DispatchRequest,
	DispatchResult,
	ThinkingChoice,
} from './types';

/** What `planItem` decided for one item; `runPlan` carries it out. */
export interface Plan {
	request: DispatchRequest;
	/** The item's configuration, with its rules' model overrides (timeout, options) applied. */
	config: DispatchConfig;
	/** Resilience settings, resolved once for the item. */
	settings: ResilienceSettings;
	/** Clock time the plan was made, in ms. */
	nowMs: number;
	complexity: ComplexityResult;
	/** The ranked decision; its reason names the models skipped for an open circuit. */
	decision: Decision;
	/** The rules' effect on this item, when rules are configured. */
	rules?: RuleOutcome;
	/** Models whose circuit is open on every host, as skipped attempts (kind `circuit_open`, ms 0). */
	skipped: Attempt[];
	/**
	 * The model this item would have tried first were no circuit open; differs from
	 * `decision.model` only when that model is skipped for its open circuit.
	 */
	firstChoice: string | null;
	/** The least busy host whose breaker admits the chosen model now (its endpoint for an OpenAI-compatible model); null without a model or host. */
	host: string | null;
	/** The Ollama host whose view the signals and learned stats use: the first not known to be down. */
	signalsHost: string;
	/** The live signals used, when `config.signals` is set. */
	signals?: SignalsRead;
	/** The `think` each model to try gets for this item, with the effort and why (engine/thinking). */
	thinking: Record<string, ThinkingChoice>;
	/** True when the caller's calls offer tools (the chat model): named in an old Ollama's error. */
	tools?: boolean;
}

/**
 * Plans one item at the clock's `nowMs`: reads live signals (cached per TTL, never failing the item)
 * when `config.signals` is set, opens the breakers other n8n processes reported open (when the
 * signals carry them), skips models whose circuit is open on every host, applies the rules
 * and selection, and picks the host. Throws `DispatcherError` INPUT_INVALID for an empty prompt;
 * never calls a model. `context` adds facts: the input item (rules on item fields), exclusions.
 */
export async function planItem(
	request: DispatchRequest,
	config: DispatchConfig,
	state: DispatcherState,
	ports: EnginePorts,
	context: DecisionContext = {},
): Promise<Plan> {
	requireText(request); // before any signals round
	const settings = resolveResilience(config.resilience);
	let nowMs = ports.clock.nowMs();
	const signalsHost = firstLiveHost(
		state.resilience,
		config.baseUrls,
		nowMs,
		settings.livenessWindowMs,
	);
	const signals = config.signals ? await readSignals(config, signalsHost, state, ports) : undefined;
	if (signals) nowMs = ports.clock.nowMs();
	if (signals?.snapshot.loaded)
		state.residency.observeLoaded(
			signalsHost,
			signals.snapshot.loaded.map((l) => l.name),
			signals.snapshot.takenAtMs,
		);
	// Breakers other n8n processes pushed as open (queue-mode workers), before the circuits are read.
	if (signals?.snapshot.peerBreakers)
		adoptPeerBreakers(state.resilience, signals.snapshot.peerBreakers, config.baseUrls, nowMs);
	const facts: DecisionContext = signals
		? {
				loaded: signals.snapshot.loaded
					? new Set(signals.snapshot.loaded.map((l) => l.name))
					: undefined,
				signals: signals.snapshot,
				stats: state.learned.forHost(signalsHost),
				policy: config.signals?.policy,
				...context,
			}
		: context;
	const candidates = config.models.map((m) => m.name).filter((name) => !facts.excluded?.has(name));
	const circuits = openCircuits(
		state.resilience,
		config.baseUrls,
		candidates,
		nowMs,
		settings.breaker,
	);
	const skipped = [...circuits].map(([model, why]): Attempt => ({
		model,
		ok: false,
		error: why,
		kind: 'circuit_open',
		ms: 0,
	}));
	const excluded = new Map([...(facts.excluded ?? []), ...circuits]);
	// The candidates' capabilities on the signals host (asked only of a host that answered lately, as
	// below; remembered for the thinking choice): with a thinking model among them, selection ranks
	// low and medium items by expected time (selection/expectedTime.ts). Ollama models only: a model
	// of an OpenAI-compatible endpoint is not asked /api/show.
	const onOllama = new Set(config.models.filter((m) => !m.backend).map((m) => m.name));
	const usable = candidates.filter((name) => !excluded.has(name) && onOllama.has(name));
	const signalsHostAnswers =
		livenessNeed(state.resilience.getLiveness(signalsHost), nowMs, settings.livenessWindowMs)
			.need === 'none';
	const known = await state.capabilities.read(
		signalsHost,
		usable,
		ports.ollama,
		nowMs,
		ports.cancel,
		{ cachedOnly: !signalsHostAnswers, timeoutMs: settings.connectTimeoutMs },
	);
	const thinkingFacts = [...known.values()].some((c) => c?.includes('thinking'))
		? { capabilities: known, stats: state.learned.forHost(signalsHost) }
		: undefined;
	const choice = decide(request, config, nowMs, {
		...facts,
		excluded,
		...(thinkingFacts ? { thinking: thinkingFacts } : {}),
	});
	const decision = unknownPriceLast(
		localFirst(
			withSkips(choice.decision, skipped),
			config.models,
			choice.rules,
			config.cost?.pricedAsCandidates === true,
		),
		config.models,
	);
	// Only when a circuit is open: the choice without it says whether this item would have used it.
	const firstChoice =
		circuits.size > 0
			? unknownPriceLast(
					localFirst(
						decide(
							request,
							config,
							nowMs,
							{ ...facts, ...(thinkingFacts ? { thinking: thinkingFacts } : {}) },
							choice.complexity,
						).decision,
						config.models,
						choice.rules,
						config.cost?.pricedAsCandidates === true,
					),
					config.models,
				).model
			: decision.model;
	// A model of an OpenAI-compatible endpoint lives on the endpoint, not on the Ollama hosts.
	const backendUrl = config.models.find((m) => m.name === decision.model)?.backend?.baseUrl;
	const host = decision.model
		? (backendUrl ??
			pickHost(state.resilience, config.baseUrls, decision.model, nowMs, settings.breaker))
		: null;
	// A rule's timeout and options apply to this item's calls only.
	const models = withRuleOverrides(config.models, choice.rules);
	// /api/show is asked only of a host that answered lately: one not yet checked is asked when it is
	// about to be called, after its liveness check (`answer`), so a hung host costs one connect timeout.
	const lookupHost = host ?? signalsHost;
	const hostAnswers =
		livenessNeed(state.resilience.getLiveness(lookupHost), nowMs, settings.livenessWindowMs)
			.need === 'none';
	const thinking = await thinkingFor(
		{
			decision,
			complexity: choice.complexity,
			rules: choice.rules,
			models,
			baseUrl: lookupHost,
			read: { cachedOnly: !hostAnswers, timeoutMs: settings.connectTimeoutMs },
			// Read above when the signals host is the one asked: not read again.
			...(lookupHost === signalsHost ? { known } : {}),
		},
		state.capabilities,
		ports,
		nowMs,
	);
	const plan: Plan = {
		request,
		config: { ...config, models },
		settings,
		nowMs,
		complexity: choice.complexity,
		decision,
		rules: choice.rules,
		skipped,
		firstChoice,
		host,
		signalsHost,
		signals,
		thinking,
	};
	observe(ports, () => state.metrics?.planned?.(plan));
	return plan;
}

/**
 * Answers a planned item: the chosen model, then each alternative, each on its least busy healthy
 * host, with retries (see `run.ts`). Feeds the learned stats and the metrics observer with the
 * outcome. With `plan.config.reuse`, an identical request's stored or in-flight answer is taken
 * instead when it may be (`reuse/answerOnce.ts`); a reused answer makes no call and feeds no stats.
 * Throws `DispatcherError` NO_CANDIDATE, ALL_CANDIDATES_FAILED (with every attempt) or ABORTED.
 */
export async function runPlan(
	plan: Plan,
	ports: EnginePorts,
	state: DispatcherState,
): Promise<DispatchResult> {
	const reuse = plan.config.reuse;
	if (reuse) return await answerOnce(plan, ports, state, reuse, () => runFresh(plan, ports, state));
	return await runFresh(plan, ports, state);
}

/** `runPlan` without reuse: the model calls, learned stats and metrics. */
async function runFresh(
	plan: Plan,
	ports: EnginePorts,
	state: DispatcherState,
): Promise<DispatchResult> {
	const startMs = ports.clock.nowMs();
	const tracked: EnginePorts = { ...ports, ollama: countInFlight(ports.ollama, state.learned) };
	const carried = await settle(carryOut(plan, tracked, state));
	const endMs = ports.clock.nowMs();
	const outcome = carried.ok
		? { ok: true as const, value: withLoad(state, ports, plan, carried.value, endMs) }
		: carried;
	learnFrom(state, plan.signalsHost, outcome, endMs);
	observe(ports, () => state.metrics?.finished?.(plan, outcome, endMs - startMs));
	if (!outcome.ok) throw outcome.error;
	return outcome.value;
}

/** `planItem` then `runPlan`: one item answered. */
export async function dispatch(
	request: DispatchRequest,
	config: DispatchConfig,
	state: DispatcherState,
	ports: EnginePorts,
	context: DecisionContext = {},
): Promise<DispatchResult> {
	return await runPlan(await planItem(request, config, state, ports, context), ports, state);
}

async function carryOut(
	plan: Plan,
	ports: EnginePorts,
	state: DispatcherState,
): Promise<DispatchResult> {
	const { decision, skipped, config } = plan;
	if (!decision.model) {
		if (skipped.length > 0) throw allFailed(skipped, config.baseUrls);
		throw new DispatcherError('NO_CANDIDATE', `No model can take this item: ${decision.reason}`, {
			hint: 'Add models to the list, install them in Ollama, or relax the rules that exclude them.',
		});
	}
	const answered = await settle(
		answer(plan, ports, state.resilience, state.capabilities, state.costs),
	);
	if (answered.ok) return answered.value;
	if (!(answered.error instanceof DispatcherError)) throw answered.error;
	// An Ollama too old for what the item asked (thinking, a JSON schema, tools) is named with the version needed.
	throw await explainOldOllama(
		answered.error,
		featuresUsed(plan.request, Object.values(plan.thinking), plan.tools === true),
		plan.host ?? plan.signalsHost,
		ports,
	);
}

async function readSignals(
	config: DispatchConfig,
	ollamaUrl: string,
	state: DispatcherState,
	ports: EnginePorts,
): Promise<SignalsRead> {
	const signals = config.signals as NonNullable<DispatchConfig['signals']>;
	// No cancel signal: the round is shared with other executions and bounded by its own timeout.
	return await state.signals.read(
		{ ollamaUrl, prometheusUrl: signals.prometheusUrl },
		signals.config,
		{
			ollama: ports.ollama,
			prometheus: ports.prometheus,
			clock: ports.clock,
		},
	);
}

function learnFrom(
	state: DispatcherState,
	baseUrl: string,
	outcome: Settled<DispatchResult>,
	nowMs: number,
): void {
	if (outcome.ok) state.learned.record(baseUrl, outcome.value.attempts, outcome.value.usage, nowMs);
	else if (outcome.error instanceof DispatcherError)
		state.learned.record(baseUrl, outcome.error.attempts, undefined, nowMs);
}

/** Tells the residency store about the answering call; the result says whether its model was loaded. */
function withLoad(
	state: DispatcherState,
	ports: EnginePorts,
	plan: Plan,
	result: DispatchResult,
	endMs: number,
): DispatchResult {
	const answered = result.attempts[result.attempts.length - 1];
	const callMs = answered?.ok ? answered.ms : result.usage.total_ms;
	const seen = state.residency.observeCall(result.host ?? plan.signalsHost, result.model, {
		startedAtMs: endMs - callMs,
		endedAtMs: endMs,
		loadMs: result.usage.load_ms,
		callMs,
	});
	if (seen.counted)
		observe(ports, () =>
			state.metrics?.loaded?.(result.host ?? plan.signalsHost, result.model, seen.loadMs ?? 0),
		);
	return {
		...result,
		load: { alreadyLoaded: seen.alreadyLoaded, loadMs: seen.loadMs, loadedHere: seen.counted },
	};
}

function withSkips(decision: Decision, skipped: Attempt[]): Decision {
	if (skipped.length === 0 || !decision.model) return decision;
	return {
		...decision,
		reason: `${decision.reason}; skipped ${skipped.map((s) => `${s.model}: ${s.error}`).join('; ')}`,
	};
}

/** Runs a metrics hook; an observer's bug must never fail an item. */
function observe(ports: EnginePorts, hook: () => void): void {
	try {
		hook();
	} catch (error) {
		ports.log.warn('AI Dispatcher: a metrics observer failed', { error: String(error) });
	}
}
