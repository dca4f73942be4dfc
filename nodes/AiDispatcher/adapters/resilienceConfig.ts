/**
 * Options → resilience settings and concurrency, validated. Every error names the field and the
 * bad value.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { DispatcherError } from '../engine/errors';
import type { ResilienceOverrides } from '../engine/resilience/settings';
import { show } from './config';

/** Items processed at once, at most. */
export const MAX_CONCURRENCY = 32;

function configInvalid(message: string): DispatcherError {
	return new DispatcherError('CONFIG_INVALID', message, { hint: 'Fix the value under Options.' });
}

function options(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	return ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
}

/** Reads a number option within [min, max] (integers only when `integer`); undefined when unset. */
function numberOption(raw: IDataObject, name: string, min: number, max: number, integer: boolean, unit = ''): number | undefined {
	const value = raw[name];
	if (value === undefined || value === null || value === '') return undefined;
	const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	const ok = typeof n === 'number' && Number.isFinite(n) && n >= min && n <= max && (!integer || Number.isInteger(n));
	if (!ok) {
		const kind = integer ? 'an integer' : 'a number';
		throw configInvalid(`options.${name} should be ${kind} from ${min} to ${max}${unit}, got ${show(value)}`);
	}
	return n as number;
}

/** The "Concurrency" option: how many items run at once, 1..32 (default 1). */
export function readConcurrency(ctx: IExecuteFunctions): number {
	return numberOption(options(ctx, 0), 'concurrency', 1, MAX_CONCURRENCY, true) ?? 1;
}

/** Retries, breaker and timeout options for item `itemIndex`. */
export function readResilience(ctx: IExecuteFunctions, itemIndex: number): ResilienceOverrides {
	const raw = options(ctx, itemIndex);
	const overrides: ResilienceOverrides = {};
	const maxRetries = numberOption(raw, 'maxRetries', 0, 10, true);
	if (maxRetries !== undefined) overrides.retry = { maxRetries };
	const baseDelayMs = numberOption(raw, 'retryDelayMs', 0, 60_000, false, ' ms');
	if (baseDelayMs !== undefined) overrides.backoff = { baseDelayMs, maxDelayMs: Math.max(baseDelayMs * 16, 4_000) };
	const failureThreshold = numberOption(raw, 'breakerFailures', 1, 100, true);
	const cooldownMs = numberOption(raw, 'breakerCooldownMs', 1, 3_600_000, false, ' ms');
	overrides.breaker = {
		...(failureThreshold !== undefined ? { failureThreshold } : {}),
		...(cooldownMs !== undefined ? { cooldownMs } : {}),
	};
	const firstTokenMs = numberOption(raw, 'firstTokenTimeoutMs', 1, 3_600_000, false, ' ms');
	if (firstTokenMs !== undefined) overrides.firstTokenTimeoutsMs = { low: firstTokenMs, medium: firstTokenMs, high: firstTokenMs };
	const stallMs = numberOption(raw, 'stallTimeoutMs', 1, 3_600_000, false, ' ms');
	if (stallMs !== undefined) overrides.stallTimeoutsMs = { low: stallMs, medium: stallMs, high: stallMs };
	const connectTimeoutMs = numberOption(raw, 'connectTimeoutMs', 100, 3_600_000, false, ' ms');
	if (connectTimeoutMs !== undefined) overrides.connectTimeoutMs = connectTimeoutMs;
	const adaptive = raw.adaptiveTimeout;
	if (adaptive !== undefined && typeof adaptive !== 'boolean') {
		throw configInvalid(`options.adaptiveTimeout should be true or false, got ${show(adaptive)}`);
	}
	if (adaptive === false) overrides.adaptiveTimeout = { enabled: false };
	return overrides;
}
