/**
 * Builders for the parameter shapes the panel repeats: numbers, switches, text fields and option
 * lists. Each takes the label, the parameter name and the default, then what makes the field
 * different; it writes n8n's keys in one fixed order and leaves out what is not given.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** What a field may add to its label, name and default. */
export interface FieldExtras {
	hint?: string;
	typeOptions?: INodeProperties['typeOptions'];
	placeholder?: string;
	description?: string;
	displayOptions?: INodeProperties['displayOptions'];
}

type FieldType = 'number' | 'boolean' | 'string' | 'options' | 'multiOptions';

/**
 * One field, its keys in n8n's usual order, without those left undefined (n8n's descriptions carry
 * none).
 */
function field(
	type: FieldType,
	displayName: string,
	name: string,
	defaultValue: INodeProperties['default'],
	extras: FieldExtras & { options?: INodePropertyOptions[] },
): INodeProperties {
	const { hint, options, typeOptions, placeholder, description, displayOptions } = extras;
	const all = {
		displayName,
		name,
		hint,
		type,
		options,
		default: defaultValue,
		typeOptions,
		placeholder,
		description,
		displayOptions,
	};
	const entries = Object.entries(all).filter(([, value]) => value !== undefined);
	return Object.fromEntries(entries) as unknown as INodeProperties;
}

/** A number field; `typeOptions` holds its limits (minValue, maxValue, numberPrecision). */
export function numberField(
	displayName: string,
	name: string,
	defaultValue: number,
	extras: Omit<FieldExtras, 'placeholder'> = {},
): INodeProperties {
	return field('number', displayName, name, defaultValue, extras);
}

/** A switch; its description says what it turns on ("Whether …"). */
export function booleanField(
	displayName: string,
	name: string,
	defaultValue: boolean,
	extras: Pick<FieldExtras, 'hint' | 'displayOptions'> & { description: string },
): INodeProperties {
	return field('boolean', displayName, name, defaultValue, extras);
}

/** A one-line text field. */
export function stringField(
	displayName: string,
	name: string,
	defaultValue: string,
	extras: Pick<FieldExtras, 'placeholder' | 'description' | 'displayOptions'> = {},
): INodeProperties {
	return field('string', displayName, name, defaultValue, extras);
}

/** A drop-down over `options`, or a multi-select when the default is a list. */
export function choiceField(
	displayName: string,
	name: string,
	defaultValue: string | string[],
	extras: Pick<FieldExtras, 'description' | 'displayOptions'> & { options: INodePropertyOptions[] },
): INodeProperties {
	const type = Array.isArray(defaultValue) ? 'multiOptions' : 'options';
	return field(type, displayName, name, defaultValue, extras);
}

/** A collection's entries in the order n8n lists them (by label); the lint checks literal lists only. */
export function sortedByLabel(options: INodeProperties[]): INodeProperties[] {
	return [...options].sort((a, b) => a.displayName.localeCompare(b.displayName));
}
