/**
 * Live signals for one item: settings from the node, the process-wide cached round, learned stats,
 * and the `signals` field every item carries. Never fails an item because a source is down.
 */
import type { IDataObject } from 'n8n-workflow';

import { readSignalsSettings } from '../adapters/signals';
import type { DecisionContext } from '../engine/dispatch';
import { isDispatcherError } from '../engine/errors';
import type { EnginePorts } from '../engine/ports';
import type { Settled } from '../engine/result';
import { countInFlight, learnedStats } from '../engine/signals/learned';
import { signalsStore, type SignalsRead } from '../engine/signals/store';
import type { SignalSnapshot } from '../engine/signals/types';
import type { DispatchResult } from '../engine/types';
import type { Session } from './session';

export interface ItemSignals {
	/** Facts for selection: loaded models, the snapshot, learned stats and the policy. */
	context: DecisionContext;
	/** The `signals` output field. */
	json: IDataObject;
}

/** Reads the signals for item `itemIndex` against Ollama at `baseUrl`; undefined when switched off. */
export async function itemSignals(session: Session, itemIndex: number, baseUrl: string): Promise<ItemSignals | undefined> {
	const settings = readSignalsSettings(session.ctx, itemIndex);
	if (!settings) return undefined;
	const { ports } = session;
	// No cancel signal: the round is shared with other executions and bounded by its own timeout.
	const read = await signalsStore.read(
		{ ollamaUrl: baseUrl, prometheusUrl: session.connection.prometheusUrl },
		settings.config,
		{ ollama: ports.ollama, prometheus: ports.prometheus, clock: ports.clock },
	);
	const { snapshot } = read;
	return {
		context: {
			loaded: snapshot.loaded ? new Set(snapshot.loaded.map((l) => l.name)) : undefined,
			signals: snapshot,
			stats: learnedStats.forHost(baseUrl),
			policy: settings.policy,
		},
		json: signalsJson(read),
	};
}

/** The engine ports with in-flight counting on every generation (learned stats). */
export function trackedPorts(ports: EnginePorts): EnginePorts {
	return { ...ports, ollama: countInFlight(ports.ollama, learnedStats) };
}

/** Feeds one item's outcome (success or failure) into the learned stats. */
export function learnFrom(baseUrl: string, outcome: Settled<DispatchResult>, nowMs: number): void {
	if (outcome.ok) learnedStats.record(baseUrl, outcome.value.attempts, outcome.value.usage, nowMs);
	else if (isDispatcherError(outcome.error)) learnedStats.record(baseUrl, outcome.error.attempts, undefined, nowMs);
}

/** What the item shows: the values used, their age, which were unknown and why. */
export function signalsJson(read: Pick<SignalsRead, 'snapshot' | 'ageMs'>): IDataObject {
	const s: SignalSnapshot = read.snapshot;
	const perModel = Object.fromEntries(
		Object.entries(s.models).map(([name, v]) => [name, { total: v.total, byModel: { ...v.byModel } }]),
	);
	return {
		prometheus: s.prometheus,
		unavailableReason: s.unavailableReason ?? null,
		ageMs: Math.round(read.ageMs),
		roundMs: s.roundMs,
		queries: s.queries,
		values: { ...s.host, ...perModel },
		custom: { ...s.custom },
		unknown: { ...s.unknown },
		loaded: s.loaded ? s.loaded.map((l) => l.name) : null,
		loadedError: s.loadedError ?? null,
	};
}
