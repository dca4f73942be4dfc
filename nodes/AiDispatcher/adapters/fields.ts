/**
 * Reading node parameters into typed values, one way for every field. Errors name the field as the
 * user sees it in the panel (`Signal Queries › Override Built-In Query #1 › PromQL`) and the bad
 * value; the item number is added once, by `errors.ts`.
 */
import type { INodeProperties, INodePropertyCollection } from 'n8n-workflow';

import { nodeProperties } from '../description/properties';
import { DispatcherError } from '../engine/errors';
import { isKeepAlive } from '../engine/keepAlive';
import { parseJson } from '../engine/result';

/** A parameter path as n8n stores it: names, and row indexes inside fixed collections. */
export type FieldPath = ReadonlyArray<string | number>;

/** A field named by its path (labelled only when an error is raised) or by a ready label. */
export type Field = FieldPath | string;

/** The label of `field` for an error message. */
export function labelOf(field: Field): string {
	return typeof field === 'string' ? field : fieldLabel(field);
}

const SEPARATOR = ' › ';

/**
 * The label a user sees for a parameter path, from the node's description: `['signalQueries',
 * 'override', 0, 'promql']` → `Signal Queries › Override Built-In Query #1 › PromQL`. Unknown names
 * are shown as they are.
 */
export function fieldLabel(path: FieldPath, labels: LabelIndex = NODE_LABELS): string {
	const names: string[] = [];
	const parts: string[] = [];
	for (const step of path) {
		if (typeof step === 'number') {
			parts[parts.length - 1] += ` #${step + 1}`;
			continue;
		}
		names.push(step);
		parts.push(labels.get(names.join('.')) ?? step);
	}
	return parts.join(SEPARATOR);
}

/** Display names by dotted parameter path (`signalQueries.override.promql`). */
export type LabelIndex = ReadonlyMap<string, string>;

/** Indexes the display names of `properties` and everything nested in them. */
export function labelIndex(
	properties: ReadonlyArray<INodeProperties | INodePropertyCollection>,
	prefix = '',
	index = new Map<string, string>(),
): Map<string, string> {
	for (const field of properties) {
		const key = `${prefix}${field.name}`;
		if (!index.has(key)) index.set(key, field.displayName);
		labelIndex(children(field), `${key}.`, index);
	}
	return index;
}

/** The fields inside a collection, the groups of a fixed collection, or the values of one group. */
function children(
	field: INodeProperties | INodePropertyCollection,
): ReadonlyArray<INodeProperties | INodePropertyCollection> {
	if ('values' in field && Array.isArray(field.values)) return field.values;
	if (!('options' in field) || !Array.isArray(field.options)) return [];
	return field.options.flatMap((o) =>
		'values' in o || 'type' in o ? [o as INodeProperties | INodePropertyCollection] : [],
	);
}

/** Built once when the package loads; read-only afterwards. */
const NODE_LABELS: LabelIndex = labelIndex(nodeProperties);

/** The hint of an error in the Options collection. */
export const FIX_UNDER_OPTIONS = 'Fix the value under Options.';

/** A configuration error (a node setting): CONFIG_INVALID. */
export function configInvalid(message: string, hint?: string): DispatcherError {
	return new DispatcherError('CONFIG_INVALID', message, { hint });
}

/** An input error (a value mapped from the item): INPUT_INVALID. */
export function inputInvalid(message: string, hint?: string): DispatcherError {
	return new DispatcherError('INPUT_INVALID', message, { hint });
}

/** Shows a value in an error message: quoted, cut short, type named for non-strings. */
export function show(value: unknown): string {
	if (typeof value === 'string')
		return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
	if (value === null || value === undefined) return String(value);
	if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
	return `${typeof value} ${String(value)}`;
}

/** Unset in the panel: absent, null or an empty text. */
export function isUnset(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** One of `allowed`, else CONFIG_INVALID naming `label`. */
export function readChoice<T extends string>(
	field: Field,
	value: unknown,
	allowed: readonly T[],
): T {
	if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
		return value as T;
	throw configInvalid(
		`${labelOf(field)} should be one of ${allowed.join(', ')}, got ${show(value)}`,
	);
}

export interface NumberRule {
	min: number;
	max?: number;
	integer?: boolean;
	/** Shown after the range, e.g. " ms". */
	unit?: string;
}

/** A number in [min, max] (an integer when asked); a numeric text counts; undefined when unset. */
export function readNumber(field: Field, value: unknown, rule: NumberRule): number | undefined {
	if (isUnset(value)) return undefined;
	const n = typeof value === 'string' ? Number(value.trim()) : value;
	const max = rule.max ?? Number.MAX_SAFE_INTEGER;
	const ok =
		typeof n === 'number' &&
		Number.isFinite(n) &&
		n >= rule.min &&
		n <= max &&
		(!rule.integer || Number.isInteger(n));
	if (!ok) {
		const kind = rule.integer ? 'an integer' : 'a number';
		const range = rule.max === undefined ? `≥ ${rule.min}` : `from ${rule.min} to ${rule.max}`;
		throw configInvalid(
			`${labelOf(field)} should be ${kind} ${range}${rule.unit ?? ''}, got ${show(value)}`,
		);
	}
	return n as number;
}

/** true or false; undefined when unset. */
export function readBoolean(field: Field, value: unknown): boolean | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'boolean')
		throw configInvalid(`${labelOf(field)} should be true or false, got ${show(value)}`);
	return value;
}

/** A text matching `pattern` (trimmed), else CONFIG_INVALID with an example; undefined when absent. */
export function readPattern(
	field: Field,
	value: unknown,
	pattern: RegExp,
	example: string,
): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value !== 'string' || !pattern.test(value.trim()))
		throw configInvalid(`${labelOf(field)} should look like ${example}, got ${show(value)}`);
	return value.trim();
}

/** A JSON field: text is parsed, a value given by an expression is taken as it is. */
export function readJsonOrValue(
	field: Field,
	value: unknown,
	make: (message: string) => DispatcherError = configInvalid,
): unknown {
	if (typeof value !== 'string') return value;
	const parsed = parseJson(value);
	if (!parsed.ok)
		throw make(`${labelOf(field)} is not valid JSON: ${(parsed.error as Error).message}`);
	return parsed.value;
}

/** Ollama's keep_alive (see `engine/keepAlive.ts`); numeric text becomes a number of seconds. */
export function readKeepAlive(field: Field, value: unknown): string | number | undefined {
	if (isUnset(value)) return undefined;
	if (typeof value === 'number' && Number.isFinite(value)) return value;
	if (!isKeepAlive(value) || typeof value !== 'string') {
		throw configInvalid(
			`${labelOf(field)} should be a duration like "5m" or a number of seconds, got ${show(value)}`,
		);
	}
	const text = value.trim();
	return /^-?\d+$/.test(text) ? Number(text) : text;
}

/**
 * The rows of a fixed collection that the user filled in, with their index in the panel. A row whose
 * `keys` are all unset (added with "Add …" and left empty; other fields keep their defaults) is
 * ignored, so it cannot fail the node.
 */
export function filledRows<T extends Record<string, unknown>>(
	field: Field,
	value: unknown,
	keys: ReadonlyArray<keyof T>,
): Array<{ row: T; index: number }> {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value))
		throw configInvalid(`${labelOf(field)} should be a list, got ${show(value)}`);
	return (value as T[])
		.map((row, index) => ({ row: (row ?? {}) as T, index }))
		.filter(({ row }) => keys.some((key) => !isUnset(row[key])));
}
