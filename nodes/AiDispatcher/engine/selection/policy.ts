/**
 * The default load policy, pure: live signals and learned stats → how selection ranks the candidates.
 *
 * 1. A model that does not fit in free memory (GPU free when known, else host memory available) is
 *    excluded, with the figures; a loaded model needs no new memory. If none would fit, nothing is
 *    excluded and the smallest is tried first.
 * 2. Resource pressure (memory available < 2 GiB or < 10 %, CPU > 85 %, load per core > 1.0, GPU free
 *    below the usual choice's size) → the smallest model whose tier meets the task's floor.
 * 3. Queue backlog (> 3 waiting for the usual choice) → one tier down, unless the item is marked high.
 * 4. Otherwise the complexity tier, loaded models first, then the learned fastest.
 *
 * "Marked high": complexity forced to high, or task code or reasoning (detected or set). Task floor:
 * the forced tier when complexity is forced; medium for code and reasoning; low otherwise.
 */
import type { LearnedModelStats } from '../signals/learned';
import { valueForModel } from '../signals/normalise';
import type { SignalSnapshot } from '../signals/types';
import type { ModelSpec, TaskType, Tier } from '../types';
import { TIERS } from '../types';
import { tierOrder, tierRank } from './tiers';

export interface PolicyThresholds {
	/** Pressure below this much memory available, in bytes (default 2 GiB). */
	memAvailableMinBytes: number;
	/** Pressure below this share of memory available, in % (default 10). */
	memAvailableMinPercent: number;
	/** Pressure above this CPU busy share, in % (default 85). */
	cpuBusyMaxPercent: number;
	/** Pressure above this 1-minute load per core (default 1.0). */
	loadPerCoreMax: number;
	/** Backlog above this many queued requests (default 3). */
	queueBacklogMax: number;
}

export interface PolicyConfig {
	thresholds: PolicyThresholds;
	/** Resident size of a model ÷ its on-disk size (KV cache and graph), default 1.15. */
	residentFactor: number;
}

export const GIB = 1024 ** 3;

export const DEFAULT_POLICY: PolicyConfig = {
	thresholds: {
		memAvailableMinBytes: 2 * GIB,
		memAvailableMinPercent: 10,
		cpuBusyMaxPercent: 85,
		loadPerCoreMax: 1.0,
		queueBacklogMax: 3,
	},
	residentFactor: 1.15,
};

/** Lowest tier a task may be answered by under pressure. */
export const TASK_FLOOR: Record<TaskType, Tier> = {
	code: 'medium',
	reasoning: 'medium',
	analysis: 'low',
	summarization: 'low',
	classification: 'low',
	extraction: 'low',
	general: 'low',
};

/** What the policy needs to know about the item. */
export interface PolicyItem {
	tier: Tier;
	task: TaskType;
	forced: boolean;
}

export interface PolicyInput {
	item: PolicyItem;
	signals?: SignalSnapshot;
	stats?: ReadonlyMap<string, LearnedModelStats>;
	policy: PolicyConfig;
	/** The model selection would choose without the policy. */
	usual: ModelSpec | undefined;
	loaded?: ReadonlySet<string>;
}

export type PolicyMode = 'normal' | 'pressure' | 'backlog';

export interface PolicyPlan {
	mode: PolicyMode;
	/** Tier preference replacing tierOrder(complexity tier). */
	order: Tier[];
	/** Lowest tier that meets the item's floor (pressure mode ranks below-floor models last). */
	floor: Tier;
	/** Models left out, with the figures. */
	excluded: Map<string, string>;
	/** The figures the decision used, as sentences ("CPU 91 % > 85 %"). */
	notes: string[];
	/** "signals unavailable: <why>", when Prometheus gave nothing. */
	unavailable?: string;
}

export function markedHigh(item: PolicyItem): boolean {
	return (item.forced && item.tier === 'high') || item.task === 'code' || item.task === 'reasoning';
}

export function taskFloor(item: PolicyItem): Tier {
	return item.forced ? item.tier : TASK_FLOOR[item.task];
}

/** Bytes as "5.4 GiB" / "512 MiB". */
export function formatBytes(bytes: number): string {
	if (Math.abs(bytes) >= GIB) return `${(bytes / GIB).toFixed(1)} GiB`;
	return `${Math.round(bytes / 1024 ** 2)} MiB`;
}

const pct = (value: number): string => `${Math.round(value)} %`;
const num = (value: number): string => String(Math.round(value * 100) / 100);

/** On-disk size of a model, from the spec, /api/tags or /api/ps; undefined when unknown. */
export function diskBytes(model: ModelSpec, signals?: SignalSnapshot): number | undefined {
	return (
		model.sizeBytes ??
		signals?.installedBytes?.[model.name] ??
		signals?.loaded?.find((l) => l.name === model.name)?.sizeBytes
	);
}

/** New memory a model needs to answer: 0 when loaded, else its estimated resident size. */
export function memoryNeeded(
	model: ModelSpec,
	input: Pick<PolicyInput, 'signals' | 'policy' | 'loaded'>,
): number | undefined {
	if (input.loaded?.has(model.name)) return 0;
	const disk = diskBytes(model, input.signals);
	return disk === undefined ? undefined : Math.round(disk * input.policy.residentFactor);
}

/** Free memory a new model must fit in: GPU free when known, else host memory available. */
function freeMemory(
	signals: SignalSnapshot | undefined,
): { bytes: number; what: string } | undefined {
	const gpu = signals?.host.gpuFreeBytes;
	if (gpu !== null && gpu !== undefined) return { bytes: gpu, what: 'GPU free' };
	const mem = signals?.host.memAvailableBytes;
	if (mem !== null && mem !== undefined) return { bytes: mem, what: 'memory available' };
	return undefined;
}

function fitExclusions(
	candidates: readonly ModelSpec[],
	input: PolicyInput,
): { excluded: Map<string, string>; notes: string[] } {
	const free = freeMemory(input.signals);
	const excluded = new Map<string, string>();
	if (!free) return { excluded, notes: [] };
	for (const model of candidates) {
		const need = memoryNeeded(model, input);
		if (need !== undefined && need > free.bytes) {
			excluded.set(
				model.name,
				`does not fit: needs ~${formatBytes(need)}, ${free.what} ${formatBytes(free.bytes)}`,
			);
		}
	}
	if (excluded.size > 0 && excluded.size === candidates.length) {
		return {
			excluded: new Map(),
			notes: [
				`no model fits in ${free.what} ${formatBytes(free.bytes)}; trying the smallest first`,
			],
		};
	}
	return { excluded, notes: [] };
}

/** The pressure conditions that hold, as sentences with their figures. */
export function pressureNotes(input: PolicyInput): string[] {
	const host = input.signals?.host;
	const t = input.policy.thresholds;
	const notes: string[] = [];
	if (!host) return notes;
	if (host.memAvailableBytes !== null && host.memAvailableBytes < t.memAvailableMinBytes) {
		notes.push(
			`memory available ${formatBytes(host.memAvailableBytes)} < ${formatBytes(t.memAvailableMinBytes)}`,
		);
	}
	if (host.memAvailablePercent !== null && host.memAvailablePercent < t.memAvailableMinPercent) {
		notes.push(
			`memory available ${pct(host.memAvailablePercent)} < ${pct(t.memAvailableMinPercent)}`,
		);
	}
	if (host.cpuBusyPercent !== null && host.cpuBusyPercent > t.cpuBusyMaxPercent) {
		notes.push(`CPU ${pct(host.cpuBusyPercent)} > ${pct(t.cpuBusyMaxPercent)}`);
	}
	if (host.load1PerCore !== null && host.load1PerCore > t.loadPerCoreMax) {
		notes.push(`load per core ${num(host.load1PerCore)} > ${num(t.loadPerCoreMax)}`);
	}
	const usual = input.usual;
	if (usual && host.gpuFreeBytes !== null) {
		const need = memoryNeeded(usual, input);
		if (need !== undefined && need > host.gpuFreeBytes) {
			notes.push(
				`GPU free ${formatBytes(host.gpuFreeBytes)} < ${usual.name} ~${formatBytes(need)}`,
			);
		}
	}
	return notes;
}

/** Queued requests for the usual choice (per model when the exporter labels it, else in total). */
function backlog(input: PolicyInput): { queued: number; on: string } | undefined {
	const queue = input.signals?.models.queueDepth;
	if (!queue) return undefined;
	const usual = input.usual?.name;
	if (Object.keys(queue.byModel).length > 0) {
		return usual ? { queued: valueForModel(queue, usual) ?? 0, on: ` on ${usual}` } : undefined;
	}
	return queue.total === null ? undefined : { queued: queue.total, on: ' in total' };
}

function tierBelow(tier: Tier): Tier {
	return TIERS[Math.max(0, tierRank(tier) - 1)];
}

/** Plans the ranking for one item. Pure. */
export function planPolicy(candidates: readonly ModelSpec[], input: PolicyInput): PolicyPlan {
	const { item, signals } = input;
	const floor = taskFloor(item);
	const fit = fitExclusions(candidates, input);
	const unavailable =
		signals?.prometheus === 'unavailable'
			? `signals unavailable: ${signals.unavailableReason ?? 'Prometheus did not answer'}`
			: undefined;
	const plan: PolicyPlan = {
		mode: 'normal',
		order: tierOrder(item.tier),
		floor,
		excluded: fit.excluded,
		notes: [...fit.notes],
		unavailable,
	};

	const pressure = pressureNotes(input);
	if (pressure.length > 0 || fit.notes.length > 0) {
		plan.mode = 'pressure';
		plan.notes.push(...pressure);
		plan.order = [...TIERS].sort((a, b) => tierRank(a) - tierRank(b));
		if (fit.notes.length > 0 && pressure.length === 0) plan.floor = 'low';
		return plan;
	}

	const queue = backlog(input);
	const max = input.policy.thresholds.queueBacklogMax;
	if (queue && queue.queued > max) {
		const usualTier = input.usual?.tier ?? item.tier;
		if (markedHigh(item)) {
			plan.notes.push(
				`queue ${num(queue.queued)}${queue.on} > ${max}, but the item is marked high (${highWhy(item)}): tier kept`,
			);
		} else if (usualTier !== 'low') {
			const down = tierBelow(usualTier);
			plan.mode = 'backlog';
			plan.order = tierOrder(down);
			plan.notes.push(
				`queue ${num(queue.queued)}${queue.on} > ${max}: one tier down (${usualTier} → ${down})`,
			);
		}
		return plan;
	}
	if (signals && signals.prometheus !== 'unavailable' && signals.prometheus !== 'not configured') {
		plan.notes.push(normalFigures(input, queue));
	}
	return plan;
}

function highWhy(item: PolicyItem): string {
	return item.forced && item.tier === 'high' ? 'complexity forced high' : `task ${item.task}`;
}

/** The figures that were checked and found fine, e.g. "load normal (CPU 12 %, …)". */
function normalFigures(
	input: PolicyInput,
	queue: { queued: number; on: string } | undefined,
): string {
	const host = input.signals?.host;
	const parts: string[] = [];
	if (host?.cpuBusyPercent != null) parts.push(`CPU ${pct(host.cpuBusyPercent)}`);
	if (host?.memAvailableBytes != null)
		parts.push(`memory available ${formatBytes(host.memAvailableBytes)}`);
	if (host?.load1PerCore != null) parts.push(`load per core ${num(host.load1PerCore)}`);
	if (host?.gpuFreeBytes != null) parts.push(`GPU free ${formatBytes(host.gpuFreeBytes)}`);
	if (queue) parts.push(`queue ${num(queue.queued)}${queue.on}`);
	return parts.length > 0 ? `load normal (${parts.join(', ')})` : 'load signals unknown';
}

/** Sort key of a model under the plan (lower first), before task fit and warmth. */
export function planKey(
	model: ModelSpec,
	plan: PolicyPlan,
	input: Pick<PolicyInput, 'signals' | 'policy' | 'loaded'>,
): number[] {
	if (plan.mode !== 'pressure') return [plan.order.indexOf(model.tier)];
	const belowFloor = tierRank(model.tier) < tierRank(plan.floor) ? 1 : 0;
	const size = diskBytes(model, input.signals) ?? (tierRank(model.tier) + 1) * 1e15;
	return [belowFloor, belowFloor ? -tierRank(model.tier) : size];
}

/** Learned-speed key (lower first): unhealthy models last, then by moving latency; unknown after known. */
export function learnedKey(
	model: ModelSpec,
	stats: ReadonlyMap<string, LearnedModelStats> | undefined,
): number[] {
	const s = stats?.get(model.name);
	if (!s) return [0, Number.MAX_SAFE_INTEGER];
	const unhealthy = s.successRate !== null && s.samples >= 3 && s.successRate < 0.5 ? 1 : 0;
	return [unhealthy, s.latencyMs ?? Number.MAX_SAFE_INTEGER];
}

/** Candidate-level reasons the policy adds (figures per model). */
export function policyReasons(model: ModelSpec, input: PolicyInput, plan?: PolicyPlan): string[] {
	const reasons: string[] = [];
	if (plan?.mode === 'pressure') {
		const disk = diskBytes(model, input.signals);
		if (tierRank(model.tier) < tierRank(plan.floor)) reasons.push(`below the ${plan.floor} floor`);
		else if (disk !== undefined) reasons.push(`${formatBytes(disk)} on disk`);
	}
	const s = input.stats?.get(model.name);
	if (s && s.samples > 0) {
		const parts = [
			s.latencyMs !== null ? `${Math.round(s.latencyMs)} ms` : null,
			s.tokensPerS !== null ? `${Math.round(s.tokensPerS)} tok/s` : null,
			s.successRate !== null ? `${Math.round(s.successRate * 100)} % ok` : null,
		].filter(Boolean);
		reasons.push(`learned ${parts.join(', ')} over ${s.samples} calls`);
	}
	const queued = valueForModel(input.signals?.models.queueDepth, model.name);
	if (queued !== undefined && queued > 0) reasons.push(`${num(queued)} queued`);
	return reasons;
}
