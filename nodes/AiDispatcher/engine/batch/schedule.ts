/**
 * The batch planner: given the chosen model of every item of an execution and what the host holds,
 * the order that loads each model once. Pure: no I/O, no clock.
 *
 * - Items without a model (nothing could take them) come first: they fail at once, before any load.
 * - When every model is loaded and the host holds them all, the items keep their input order (grouping
 *   would gain no load and bunch the slowest model's items at the end).
 * - Then one group per model: the groups of models already loaded first (least recently used first,
 *   so the most recent stays loaded longest), then each other model once, in the order its first item
 *   came in. Items keep their input order inside a group.
 * - `holds`: how many groups may run at once (Concurrency > 1): the number of models the host is known
 *   to hold at once, else 1. With a box that holds every model, every group may run at once.
 * - Between two groups whose next model is not loaded: preload it while the last items of the group
 *   run when the host holds both; when the host is known to hold one model only, release the finished
 *   one (`keep_alive: 0`) so the next load does not wait for an eviction — unless the user set a
 *   keep_alive for it.
 */

/** One item as the planner sees it. */
export interface BatchEntry {
	/** The item's index in the input. */
	index: number;
	/** The model chosen for the item; null when no model can take it. */
	model: string | null;
	/** The Ollama host whose residency applies (the item's planned host, or the primary). */
	host: string;
	/** The user set a keep_alive for this model: it is never released early. */
	keepAliveSet?: boolean;
}

/** What the host holds, as the residency store believes it. */
export interface ResidencyFacts {
	/** Models believed loaded on the host, least recently used first. */
	loaded(host: string): readonly string[];
	/** How many models the host is known to hold at once; null when unknown. */
	holds(host: string): number | null;
}

/** The items of one model, run together. */
export interface BatchGroup {
	model: string | null;
	host: string;
	/** Input indices, in input order. */
	indices: number[];
	/** The model was believed loaded when the batch was planned. */
	loaded: boolean;
}

/** A load-only call to make around a group. */
export interface BatchStep {
	kind: 'preload' | 'release';
	model: string;
	host: string;
	/**
	 * The group it belongs to: a preload starts when the last item of `group` starts; a release is
	 * sent when every item of `group` has finished.
	 */
	group: number;
}

export interface BatchSchedule {
	groups: BatchGroup[];
	/** Input indices in run order (the groups' indices, concatenated; input order when all are resident). */
	order: number[];
	/** How many groups may run at once (1: one after the other). */
	holds: number;
	steps: BatchStep[];
	/** One line per decision the planner made, for the log and the docs. */
	notes: string[];
}

/** Plans the run order of one execution's items. */
export function planBatch(entries: readonly BatchEntry[], facts: ResidencyFacts): BatchSchedule {
	const byKey = new Map<string, BatchGroup>();
	const keepAliveSet = new Set<string>();
	for (const entry of [...entries].sort((a, b) => a.index - b.index)) {
		const key = entry.model === null ? '' : `${entry.host}\u0000${entry.model}`;
		let group = byKey.get(key);
		if (!group) {
			const loaded = entry.model !== null && facts.loaded(entry.host).includes(entry.model);
			group = { model: entry.model, host: entry.host, indices: [], loaded };
			byKey.set(key, group);
		}
		group.indices.push(entry.index);
		if (entry.keepAliveSet && entry.model !== null) keepAliveSet.add(key);
	}
	const groups = [...byKey.values()].sort(
		(a, b) => groupRank(a, facts) - groupRank(b, facts) || a.indices[0] - b.indices[0],
	);
	const hosts = [...new Set(groups.map((g) => g.host))];
	const known = hosts.map((h) => facts.holds(h));
	const holds =
		known.every((n): n is number => n !== null) && known.length > 0
			? Math.max(1, Math.min(...known))
			: 1;
	const { steps, notes } = transitions(groups, facts, keepAliveSet);
	const used = groups.filter((g) => g.model !== null).length;
	// Nothing to load and room for every model: grouping would only bunch the slow model's items at
	// the end; input order keeps long and short answers mixed, as before.
	const resident = used > 0 && holds >= used && groups.every((g) => g.model === null || g.loaded);
	const order = resident
		? [
				...groups.filter((g) => g.model === null).flatMap((g) => g.indices),
				...groups
					.filter((g) => g.model !== null)
					.flatMap((g) => g.indices)
					.sort((a, b) => a - b),
			]
		: groups.flatMap((g) => g.indices);
	if (resident)
		notes.push('every model is loaded and the host holds them all: items run in input order');
	notes.unshift(
		`${entries.length} items, ${used} models: ${groups
			.filter((g) => g.model !== null)
			.map((g) => `${g.model} ×${g.indices.length}${g.loaded ? ' (loaded)' : ''}`)
			.join(', ')}; ${holds > 1 ? `up to ${holds} models at once` : 'one model at a time'}`,
	);
	return { groups, order, holds, steps, notes };
}

/** No-model group first, then loaded groups (least recently used first), then cold groups. */
function groupRank(group: BatchGroup, facts: ResidencyFacts): number {
	if (group.model === null) return -1;
	if (!group.loaded) return Number.MAX_SAFE_INTEGER;
	return facts.loaded(group.host).indexOf(group.model);
}

function transitions(
	groups: readonly BatchGroup[],
	facts: ResidencyFacts,
	keepAliveSet: ReadonlySet<string>,
): { steps: BatchStep[]; notes: string[] } {
	const steps: BatchStep[] = [];
	const notes: string[] = [];
	for (let g = 0; g + 1 < groups.length; g++) {
		const current = groups[g];
		const next = groups[g + 1];
		if (current.model === null || next.model === null || next.loaded) continue;
		const holds = current.host === next.host ? facts.holds(current.host) : null;
		if (holds !== null && holds >= 2) {
			steps.push({ kind: 'preload', model: next.model, host: next.host, group: g });
			notes.push(
				`preload ${next.model} while the last ${current.model} items run (the host holds ${holds} models)`,
			);
		} else if (holds === 1) {
			if (keepAliveSet.has(`${current.host}\u0000${current.model}`)) {
				notes.push(`keep ${current.model} loaded after its items: its Keep Alive is set`);
			} else {
				steps.push({ kind: 'release', model: current.model, host: current.host, group: g });
				notes.push(
					`release ${current.model} after its items (the host holds one model), then load ${next.model}`,
				);
			}
		}
	}
	return { steps, notes };
}
