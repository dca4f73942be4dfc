/**
 * Carrying out a plan: the decision's model, then each alternative, until one returns a usable
 * reply. Each model is tried on its least busy healthy host, on another host when one fails, and
 * again after a backoff when the failure is transient (see `resilience/callModel.ts`).
 */
import { budgetAttempt, budgetExceeded, costOf, gateCall } from './cost/gate';
import type { CostLedger } from './cost/ledger';
import { isPricedModel } from './cost/localFirst';
import { DispatcherError, TransportError } from './errors';
import { failureAdvice, failureDetails, failureHeadline, modelFailures } from './failures';
import type { Plan } from './plan';
import type { EnginePorts, GenerateOutcome } from './ports';
import type { ResilienceRegistry } from './resilience/registry';
import { callModel, type CallLimits, type CallResult } from './resilience/callModel';
import { parseJson, settle } from './result';
import type { CapabilityStore } from './thinking/capabilities';
import { thinkingOnHost, type ThinkingInputs } from './thinking/plan';
import type {
	Attempt,
	Decision,
	DispatchRequest,
	DispatchResult,
	ModelSpec,
	ThinkingChoice,
	ThinkingRecord,
	ThinkSetting,
} from './types';

/** Answers a plan whose decision has a model; throws ALL_CANDIDATES_FAILED or ABORTED. */
export async function answer(
	plan: Plan,
	ports: EnginePorts,
	registry: ResilienceRegistry,
	capabilities: CapabilityStore,
	costs?: CostLedger,
): Promise<DispatchResult> {
	const { request, config, settings, complexity, decision } = plan;
	const byName = new Map(config.models.map((m) => [m.name, m]));
	const attempts: Attempt[] = [];
	const currency = config.cost?.currency ?? 'USD';
	// After a "context length exceeded", only a model with a larger (or unknown) context window is worth calling.
	let exceeded: { model: string; numCtx: number } | undefined;

	for (const name of [decision.model as string, ...decision.alternatives]) {
		const model = byName.get(name) as ModelSpec;
		const smaller = contextTooSmall(model, exceeded);
		if (smaller) {
			attempts.push(smaller);
			continue;
		}
		// A priced model is called only when its estimated cost fits every budget (reserved until settled).
		const gate = costs
			? await gateCall(costs, config.cost, model, complexity.tokens, () => ports.clock.nowMs())
			: null;
		if (gate && 'refusal' in gate) {
			attempts.push(budgetAttempt(name, gate.refusal, currency));
			continue;
		}
		// An OpenAI-compatible model is served by its endpoint, not by the credential's Ollama hosts.
		const baseUrls = model.backend ? [model.backend.baseUrl] : config.baseUrls;
		const limits = {
			totalMs: model.options.timeoutMs ?? config.timeoutsMs[model.tier],
			firstTokenMs: settings.firstTokenTimeoutsMs[model.tier],
			stallMs: settings.stallTimeoutsMs[model.tier],
		};
		let thinking = plan.thinking[name] as ThinkingChoice | undefined;
		const tried = await callModel(
			{ model: name, baseUrls, limits, settings, ports, registry },
			async (host, l) => {
				// Capabilities unknown when planned (the host had not answered yet): asked now that it has.
				if (thinking?.capabilitiesUnknown)
					thinking = await thinkingOnHost(
						thinkingInputs(plan),
						name,
						host,
						capabilities,
						ports,
						settings.connectTimeoutMs,
					);
				return await callOnce(model, host, l, request, ports, thinking?.think);
			},
		);
		attempts.push(...tried.attempts);
		if (
			!tried.ok &&
			model.options.num_ctx !== undefined &&
			tried.attempts.some((a) => a.kind === 'context_length')
		) {
			exceeded = { model: name, numCtx: Math.max(model.options.num_ctx, exceeded?.numCtx ?? 0) };
		}
		const spent = costOf(model, tried.ok ? tried.outcome.usage : ZERO_USAGE, currency);
		if (gate && costs) {
			// A failed call is settled at 0: the endpoint's usage of a failed stream is not known.
			if (tried.ok) costs.settle(gate.reservation, spent.pico);
			else costs.release(gate.reservation);
		}
		if (tried.ok) {
			const { outcome, response, host } = tried;
			const thought = thinkingRecord(thinking, outcome.thinking);
			const reply = {
				text: outcome.text,
				toolCalls: outcome.toolCalls,
				doneReason: outcome.doneReason,
			};
			const decided = cloudReason(decision, name, model, attempts);
			return {
				response,
				model: name,
				tier: model.tier,
				host,
				complexity,
				decision: decided,
				attempts,
				usage: outcome.usage,
				reply,
				...(config.cost ? { cost: spent.cost } : {}),
				...(thought ? { thinking: thought } : {}),
			};
		}
		if (tried.aborted)
			throw new DispatcherError('ABORTED', 'The execution was cancelled', { attempts });
		ports.log.debug('AI Dispatcher: model failed, trying the next candidate', { model: name });
	}
	if (attempts.some((a) => a.kind === 'budget'))
		throw budgetExceeded([...plan.skipped, ...attempts]);
	throw allFailed([...plan.skipped, ...attempts], config.baseUrls);
}

/** The skipped attempt of a model whose context window is no larger than one the prompt already exceeded. */
function contextTooSmall(
	model: ModelSpec,
	exceeded: { model: string; numCtx: number } | undefined,
): Attempt | undefined {
	const numCtx = model.options.num_ctx;
	if (!exceeded || numCtx === undefined || numCtx > exceeded.numCtx) return undefined;
	return {
		model: model.name,
		ok: false,
		error: `not called: its context (${numCtx} tokens) is no larger than ${exceeded.model}'s (${exceeded.numCtx}), which the prompt exceeded`,
		kind: 'context_length',
		ms: 0,
	};
}

const ZERO_USAGE = {
	prompt_tokens: 0,
	completion_tokens: 0,
	total_ms: 0,
	load_ms: 0,
	tokens_per_s: 0,
};

/** The decision as the answer reports it: when a priced model answered after local ones failed, says so. */
function cloudReason(
	decision: Decision,
	name: string,
	model: ModelSpec,
	attempts: Attempt[],
): Decision {
	if (!isPricedModel(model) || name === decision.model) return decision;
	const failed = [
		...new Set(
			attempts
				.filter((a) => !a.ok && a.model !== name)
				.map((a) => `${a.model}: ${a.kind ?? 'error'}`),
		),
	];
	return { ...decision, reason: `${decision.reason}; cloud used: ${failed.join(', ')}` };
}

/** One generation of `model` on `baseUrl`, its reply checked (text or tool calls, JSON when asked). */
async function callOnce(
	model: ModelSpec,
	baseUrl: string,
	limits: CallLimits,
	request: DispatchRequest,
	ports: EnginePorts,
	think?: ThinkSetting,
): Promise<CallResult> {
	const { keep_alive: keepAlive, ...rest } = model.options;
	const options = { ...rest };
	delete options.timeoutMs; // ours, not Ollama's
	delete options.think; // a top-level field, decided per item (plan.thinking)
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
			...(think !== undefined ? { think } : {}),
			timeoutMs: limits.totalMs,
			firstTokenTimeoutMs: limits.firstTokenMs,
			stallTimeoutMs: limits.stallMs,
			cancel: ports.cancel,
		}),
	);
	if (!called.ok) {
		if (called.error instanceof TransportError) return { ok: false, error: called.error };
		throw called.error;
	}
	const outcome = called.value;
	const checked = interpret(outcome, request);
	return checked instanceof TransportError
		? { ok: false, error: checked }
		: { ok: true, outcome, response: checked.value };
}

/** What the answer records of thinking: present when `think` was sent or thinking text came (Ollama's default). */
function thinkingRecord(
	choice: ThinkingChoice | undefined,
	text: string | undefined,
): ThinkingRecord | undefined {
	if (choice?.think === undefined && text === undefined) return undefined;
	return { ...(choice ?? { effort: 'default', reason: 'think not sent' }), text: text ?? '' };
}

/**
 * Checks a reply is usable: text, or tool calls (a chat step that only calls tools has no text), and
 * the text valid JSON when JSON was asked for. A reply with neither text nor tool calls is empty.
 */
function interpret(
	outcome: Pick<GenerateOutcome, 'text' | 'toolCalls'>,
	request: Pick<DispatchRequest, 'format'>,
): { value: unknown } | TransportError {
	const text = outcome.text;
	if (text.trim().length === 0) {
		if (outcome.toolCalls?.length) return { value: text };
		return new TransportError('empty', 'the model returned an empty reply');
	}
	if (request.format.type === 'text') return { value: text };
	const parsed = parseJson(text);
	if (parsed.ok) return { value: parsed.value };
	const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
	return new TransportError(
		'invalid_json',
		`JSON was requested but the reply is not valid JSON: "${shown}"`,
	);
}

/**
 * The error when no model answered: a headline of at most 200 characters naming what failed per
 * model ("All 3 models failed: qwen2.5:7b out of memory, phi3:mini and llama3.2:3b refused the
 * connection"), advice that follows from the causes as the hint, and every attempt once in `details`.
 */
export function allFailed(attempts: Attempt[], baseUrls: readonly string[]): DispatcherError {
	const failures = modelFailures(attempts);
	return new DispatcherError('ALL_CANDIDATES_FAILED', failureHeadline(failures), {
		attempts,
		hint: failureAdvice(failures, baseUrls).join(' '),
		details: failureDetails(attempts, baseUrls.length),
	});
}

/** What the thinking choice of a plan's model is made from. */
function thinkingInputs(plan: Plan): Omit<ThinkingInputs, 'baseUrl' | 'read'> {
	return {
		decision: plan.decision,
		complexity: plan.complexity,
		rules: plan.rules,
		models: plan.config.models,
	};
}
