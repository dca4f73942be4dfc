/**
 * The Options collection → per-tier timeouts, resilience overrides and concurrency, read once per
 * item and validated. Errors name the option as the panel shows it (`Options › Max Retries`).
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from './context';
import { DEFAULT_TIMEOUTS_MS } from '../engine/resilience/timeouts';
import { DEFAULT_BACKOFF_OPTIONS } from '../engine/resilience/backoff';
import type { ResilienceOverrides } from '../engine/resilience/settings';
import type { Tier } from '../engine/types';
import { TIER_TIMEOUT_FIELDS } from '../description/choices';
import {
	configInvalid,
	FIX_UNDER_OPTIONS,
	readBoolean,
	readChoice,
	readNumber,
	type NumberRule,
} from './fields';

/** Items processed at once, at most. */
export const MAX_CONCURRENCY = 32;

const HINT = FIX_UNDER_OPTIONS;

export interface ItemOptions {
	/** Total timeout per attempt, by tier, in milliseconds. */
	timeoutsMs: Record<Tier, number>;
	resilience: ResilienceOverrides;
}

function rawOptions(ctx: NodeContext, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** Reads one option as a number within `rule`; undefined when unset. */
function option(raw: IDataObject, name: string, rule: NumberRule): number | undefined {
	try {
		return readNumber(['options', name], raw[name], rule);
	} catch (error) {
		throw configInvalid((error as Error).message, HINT);
	}
}

/**
 * The "Concurrency" option: how many items run at once, 1..32 (default 1). A default of 2 was
 * measured (test/bench/example-timings.ts, Gmail example, one slot per model): 1.51× faster with
 * Item Order "As Received", but 1.01× with the default "Grouped by Model", so the default stays 1.
 */
export function readConcurrency(ctx: NodeContext): number {
	return (
		option(rawOptions(ctx, 0), 'concurrency', { min: 1, max: MAX_CONCURRENCY, integer: true }) ?? 1
	);
}

/** The "Item Order" option: grouped by model (default) or as received. */
export type ItemOrder = 'grouped' | 'asReceived';

/** Reads "Item Order" (Options, first item): how Generate orders its calls. */
export function readItemOrder(ctx: NodeContext): ItemOrder {
	const raw = rawOptions(ctx, 0);
	try {
		return readChoice(['options', 'itemOrder'], raw.itemOrder ?? 'grouped', [
			'grouped',
			'asReceived',
		] as const);
	} catch (error) {
		throw configInvalid((error as Error).message, HINT);
	}
}

/** Timeouts, retries, breaker and liveness options for item `itemIndex`. */
export function readItemOptions(ctx: NodeContext, itemIndex: number): ItemOptions {
	const raw = rawOptions(ctx, itemIndex);
	const ms = { unit: ' ms' };
	const tierTimeout = (tier: Tier) =>
		option(raw, TIER_TIMEOUT_FIELDS[tier], { min: 1, ...ms }) ?? DEFAULT_TIMEOUTS_MS[tier];
	const timeoutsMs = {
		low: tierTimeout('low'),
		medium: tierTimeout('medium'),
		high: tierTimeout('high'),
	};

	const resilience: ResilienceOverrides = {};
	const maxRetries = option(raw, 'maxRetries', { min: 0, max: 10, integer: true });
	if (maxRetries !== undefined) resilience.retry = { maxRetries };
	const baseDelayMs = option(raw, 'retryDelayMs', { min: 0, max: 60_000, ...ms });
	if (baseDelayMs !== undefined)
		resilience.backoff = {
			baseDelayMs,
			maxDelayMs: Math.max(baseDelayMs * 16, DEFAULT_BACKOFF_OPTIONS.maxDelayMs),
		};
	const failureThreshold = option(raw, 'breakerFailures', { min: 1, max: 100, integer: true });
	const cooldownMs = option(raw, 'breakerCooldownMs', { min: 1, max: 3_600_000, ...ms });
	resilience.breaker = {
		...(failureThreshold !== undefined ? { failureThreshold } : {}),
		...(cooldownMs !== undefined ? { cooldownMs } : {}),
	};
	const firstTokenMs = option(raw, 'firstTokenTimeoutMs', { min: 1, max: 3_600_000, ...ms });
	if (firstTokenMs !== undefined)
		resilience.firstTokenTimeoutsMs = {
			low: firstTokenMs,
			medium: firstTokenMs,
			high: firstTokenMs,
		};
	const stallMs = option(raw, 'stallTimeoutMs', { min: 1, max: 3_600_000, ...ms });
	if (stallMs !== undefined)
		resilience.stallTimeoutsMs = { low: stallMs, medium: stallMs, high: stallMs };
	const connectTimeoutMs = option(raw, 'connectTimeoutMs', { min: 100, max: 3_600_000, ...ms });
	if (connectTimeoutMs !== undefined) resilience.connectTimeoutMs = connectTimeoutMs;
	let adaptive: boolean | undefined;
	try {
		adaptive = readBoolean(['options', 'adaptiveTimeout'], raw.adaptiveTimeout);
	} catch (error) {
		throw configInvalid((error as Error).message, HINT);
	}
	if (adaptive === false) resilience.adaptiveTimeout = { enabled: false };
	return { timeoutsMs, resilience };
}
