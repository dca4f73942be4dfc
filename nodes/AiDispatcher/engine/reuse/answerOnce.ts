/**
 * The one place reuse meets a plan (`runPlan` calls it when the item's config has `reuse`): answer
 * from a stored answer, or share the identical call already in flight, or call the model and keep its
 * answer. Works whatever order items run in, for every caller of `runPlan`.
 */
import { unlessCancelled } from '../cancel';
import { DispatcherError } from '../errors';
import type { Plan } from '../plan';
import type { EnginePorts } from '../ports';
import { parseJson, settle } from '../result';
import type { DispatcherState } from '../state';
import type { DispatchResult, OutputFormat } from '../types';
import { acceptedModels, callOptionsKey, findReusable, fitsPlan, type Reusable } from './eligible';
import { requestKey } from './key';
import { answerBytes } from './store';
import type { ReuseConfig, StoredAnswer } from './types';

/**
 * Answers `plan` by reuse when an eligible answer is stored or the identical call is in flight;
 * otherwise runs `call` (the model calls) once and stores its answer when it succeeded and was not cut
 * off. A failed call stores nothing, and those waiting for it make their own call.
 */
export async function answerOnce(
	plan: Plan,
	ports: EnginePorts,
	state: DispatcherState,
	reuse: ReuseConfig,
	call: () => Promise<DispatchResult>,
): Promise<DispatchResult> {
	const store = state.reuse;
	const key = requestKey(plan.request, reuse.scope, reuse.extras);
	const found = findReusable(store, plan, reuse, key, ports.clock.nowMs());
	if (found) return reusedResult(plan, found, state, ports.clock.nowMs());

	const pending = store.inFlight(key);
	if (pending) {
		// A cancelled execution stops waiting at once.
		const shared = await unlessCancelled(pending, ports.cancel, () => {
			throw aborted();
		});
		if (shared && fitsPlan(shared, acceptedModels(plan), plan))
			return reusedResult(plan, { answer: shared, kind: 'in flight' }, state, ports.clock.nowMs());
	}

	store.miss();
	let land: (answer: StoredAnswer | undefined) => void = () => undefined;
	const flight = new Promise<StoredAnswer | undefined>((resolve) => (land = resolve));
	if (!store.inFlight(key)) store.fly(key, flight);
	const outcome = await settle(call());
	const answer = outcome.ok
		? storable(outcome.value, plan, reuse, key, ports.clock.nowMs())
		: undefined;
	if (answer) store.put(answer);
	land(answer);
	if (!outcome.ok) throw outcome.error;
	return outcome.value;
}

/** The answer to keep from a result: only a successful, complete reply (never one cut off at the token limit). */
function storable(
	result: DispatchResult,
	plan: Plan,
	reuse: ReuseConfig,
	key: string,
	nowMs: number,
): StoredAnswer | undefined {
	const reply = result.reply;
	if (!reply || reply.doneReason === 'length' || result.reused) return undefined;
	const model = plan.config.models.find((m) => m.name === result.model);
	if (!model) return undefined;
	const answer: Omit<StoredAnswer, 'bytes'> = {
		key,
		model: result.model,
		tier: result.tier,
		optionsKey: callOptionsKey(plan, model),
		text: reply.text,
		...(reply.toolCalls ? { toolCalls: reply.toolCalls } : {}),
		...(reply.doneReason ? { doneReason: reply.doneReason } : {}),
		...(result.thinking ? { thinking: { ...result.thinking } } : {}),
		usage: { ...result.usage },
		...(result.host ? { host: result.host } : {}),
		storedAtMs: nowMs,
		executionId: reuse.executionId,
		shared: reuse.windowMs > 0,
	};
	return { ...answer, bytes: answerBytes(answer) };
}

function reusedResult(
	plan: Plan,
	found: Reusable,
	state: DispatcherState,
	nowMs: number,
): DispatchResult {
	const { answer, kind } = found;
	const tier = plan.config.models.find((m) => m.name === answer.model)?.tier ?? answer.tier;
	state.reuse.hit(answer.usage.total_ms);
	return {
		response: responseOf(answer.text, plan.request.format),
		...(answer.thinking ? { thinking: { ...answer.thinking } } : {}),
		model: answer.model,
		tier,
		...(answer.host ? { host: answer.host } : {}),
		complexity: plan.complexity,
		decision: plan.decision,
		attempts: [],
		usage: { ...answer.usage },
		reply: {
			text: answer.text,
			...(answer.toolCalls ? { toolCalls: answer.toolCalls } : {}),
			...(answer.doneReason ? { doneReason: answer.doneReason } : {}),
		},
		reused: {
			kind,
			model: answer.model,
			tier,
			ageMs: Math.max(0, nowMs - answer.storedAtMs),
			savedMs: answer.usage.total_ms,
		},
	};
}

/** The item's `response` from a stored reply: the text, or its JSON value when JSON was asked for (it parsed when stored). */
function responseOf(text: string, format: OutputFormat): unknown {
	if (format.type === 'text') return text;
	const parsed = parseJson(text);
	return parsed.ok ? parsed.value : text;
}

function aborted(): DispatcherError {
	return new DispatcherError('ABORTED', 'The execution was cancelled', { attempts: [] });
}
