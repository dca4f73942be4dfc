/**
 * One execution's items, planned first and then answered grouped by model (see `schedule.ts`): the
 * residency is refreshed from /api/ps, a few items may move to a model the batch loads anyway
 * (`prefer.ts`), the groups run one model at a time unless the host holds more, and preloads and
 * releases are sent between groups. Every item is still answered by `runPlan`, so fallback, retries
 * and breakers are unchanged.
 */
import type { Plan } from '../plan';
import type { EnginePorts } from '../ports';
import { settle } from '../result';
import type { DispatcherState } from '../state';
import type { Decision } from '../types';
import { runGroups } from './groupPool';
import { preferResident, type LoadPreference } from './prefer';
import { planBatch, type BatchSchedule, type BatchStep, type ResidencyFacts } from './schedule';

/** Longest wait for /api/ps around a batch, in ms: on loopback it answers in milliseconds. */
export const PS_TIMEOUT_MS = 2_000;

/** Longest wait for a preload (a cold load can take minutes) or a release, in ms. */
export const LOAD_CALL_TIMEOUT_MS = 300_000;

/** One item of the batch: its plan, or none when planning failed (it is reported, never called). */
export interface BatchItem {
	index: number;
	plan?: Plan;
}

export interface BatchOptions<T> {
	/** Items answered at once, ≥ 1. */
	concurrency: number;
	/** Answers one item (normally `runPlan` and the output); must not reject. */
	run: (index: number, plan: Plan | undefined) => Promise<T>;
	/** True once the execution stops starting items (cancel, first error). */
	stopped?: () => boolean;
}

export interface BatchOutcome<T> {
	/** By input index; undefined for items never started. */
	results: Array<T | undefined>;
	schedule: BatchSchedule;
	/** The plans as run (decisions a load preference changed included), by input index. */
	plans: Array<Plan | undefined>;
}

/** Plans the order of `items`, then answers them through `options.run`, grouped by model. */
export async function runBatch<T>(
	items: readonly BatchItem[],
	ports: EnginePorts,
	state: DispatcherState,
	options: BatchOptions<T>,
): Promise<BatchOutcome<T>> {
	const plans: Array<Plan | undefined> = [];
	for (const item of items) plans[item.index] = item.plan;
	const hosts = [...new Set(items.flatMap((i) => (i.plan ? [hostOf(i.plan)] : [])))];
	await Promise.all(hosts.map((host) => refreshResidency(host, ports, state)));

	const facts = residencyFacts(state);
	const preferred = preferResident(
		items.flatMap((i) =>
			i.plan
				? [
						{
							index: i.index,
							decision: i.plan.decision,
							host: hostOf(i.plan),
							preference: preferenceOf(i.plan),
						},
					]
				: [],
		),
		{
			...facts,
			loadMsOf: (h, m) => state.residency.loadMsOf(h, m),
			warmCallMsOf: (h, m) => state.residency.warmCallMsOf(h, m),
		},
	);
	for (const [index, decision] of preferred)
		plans[index] = withDecision(plans[index] as Plan, decision);

	const schedule = planBatch(
		items.map((i) => {
			const plan = plans[i.index];
			const model = plan?.decision.model ?? null;
			return {
				index: i.index,
				model,
				host: plan ? hostOf(plan) : '',
				keepAliveSet: plan ? keepAliveOf(plan, model) !== undefined : false,
			};
		}),
		facts,
	);
	for (const note of schedule.notes) ports.log.debug(`AI Dispatcher batch: ${note}`);

	const pending: Array<Promise<unknown>> = [];
	const step = (kind: BatchStep['kind'], group: number) =>
		schedule.steps.find((s) => s.kind === kind && s.group === group);
	const results = await runGroups<T>(
		schedule,
		plans.length,
		options.concurrency,
		(index) => options.run(index, plans[index]),
		{
			lastStarted: (group) => {
				const preload = step('preload', group);
				if (preload) pending.push(sendLoad(preload, plans, ports, state));
			},
			finished: async (group) => {
				const release = step('release', group);
				if (release) await sendLoad(release, plans, ports, state);
				const g = schedule.groups[group];
				// A load whose effect on the host is unknown: /api/ps shows whether another model was evicted.
				if (g.model !== null && !g.loaded && state.residency.holds(g.host) === null)
					await refreshResidency(g.host, ports, state);
			},
		},
		options.stopped,
	);
	await Promise.all(pending);
	return { results, schedule, plans };
}

/** The host whose residency an item's plan uses: its planned host, else the signals host. */
function hostOf(plan: Plan): string {
	return plan.host ?? plan.signalsHost;
}

function preferenceOf(plan: Plan): LoadPreference {
	return plan.config.router?.operatingPoint ?? 'balanced';
}

function keepAliveOf(plan: Plan | undefined, model: string | null): string | number | undefined {
	if (!plan || model === null) return undefined;
	const value = plan.config.models.find((m) => m.name === model)?.options.keep_alive;
	return value === '' ? undefined : value;
}

function residencyFacts(state: DispatcherState): ResidencyFacts {
	return {
		loaded: (host) => state.residency.view(host)?.loaded ?? [],
		holds: (host) => state.residency.holds(host),
	};
}

function withDecision(plan: Plan, decision: Decision): Plan {
	return { ...plan, decision };
}

/** /api/ps into the residency store; fails open (the batch is planned on what was known). */
async function refreshResidency(
	host: string,
	ports: EnginePorts,
	state: DispatcherState,
): Promise<void> {
	const listed = await settle(ports.ollama.ps(host, PS_TIMEOUT_MS, ports.cancel));
	if (listed.ok)
		state.residency.observeLoaded(
			host,
			listed.value.map((l) => l.name),
			ports.clock.nowMs(),
		);
	else
		ports.log.debug('AI Dispatcher: /api/ps failed; batch planned on what was known', {
			host,
			error: String(listed.error),
		});
}

/** A preload (with the user's keep_alive, if set) or a release (`keep_alive: 0`); never fails the batch. */
async function sendLoad(
	step: BatchStep,
	plans: ReadonlyArray<Plan | undefined>,
	ports: EnginePorts,
	state: DispatcherState,
): Promise<void> {
	const load = ports.ollama.load;
	if (!load) return;
	const keepAlive =
		step.kind === 'release'
			? 0
			: keepAliveOf(
					plans.find((p) => p?.decision.model === step.model),
					step.model,
				);
	const startedAtMs = ports.clock.nowMs();
	const sent = await settle(
		load.call(ports.ollama, {
			baseUrl: step.host,
			model: step.model,
			...(keepAlive !== undefined ? { keepAlive } : {}),
			timeoutMs: LOAD_CALL_TIMEOUT_MS,
			cancel: ports.cancel,
		}),
	);
	if (!sent.ok) {
		ports.log.debug(`AI Dispatcher: ${step.kind} of ${step.model} failed`, {
			host: step.host,
			error: String(sent.error),
		});
		return;
	}
	const endedAtMs = ports.clock.nowMs();
	if (step.kind === 'release') {
		state.residency.observeUnload(step.host, step.model, endedAtMs);
		return;
	}
	if (state.residency.observePreload(step.host, step.model, startedAtMs, endedAtMs).counted) {
		try {
			state.metrics?.loaded?.(step.host, step.model, endedAtMs - startedAtMs);
		} catch (error) {
			ports.log.warn('AI Dispatcher: a metrics observer failed', { error: String(error) });
		}
	}
}
