/**
 * One reading of the parameters whatever the panel version: version 1.1 keeps every parameter name
 * but moves expert settings under Options (see `description/advanced.ts`). The readers ask for a
 * setting by its version-1 name; this finds it at its 1.1 place first, else at its version-1 place,
 * so workflows saved with either layout keep working.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/** Top-level parameters of version 1 that version 1.1 keeps under Options with the same name. */
export const MOVED_UNDER_OPTIONS = [
	'systemPrompt',
	'taskType',
	'complexity',
	'outputFormat',
	'jsonSchema',
	'rulesJson',
	'useSignals',
] as const;

/** The Options entries that group what version 1 kept elsewhere. */
const GROUPS = ['tierTimeouts', 'liveSignals', 'prometheusQueries', 'signalQueries'] as const;

function group(options: IDataObject, name: (typeof GROUPS)[number]): IDataObject {
	return ((options[name] as IDataObject | undefined)?.values as IDataObject | undefined) ?? {};
}

/**
 * Version 1.1 Options → the version-1 shapes the readers know: the moved fields taken out, the
 * tier timeouts flat under Options, the signal thresholds and exporter names as Signal Options.
 */
export function layoutParameter(
	name: string,
	read: (name: string, fallback?: unknown) => unknown,
	fallback?: unknown,
): unknown {
	const moved = (MOVED_UNDER_OPTIONS as readonly string[]).includes(name);
	if (!moved && !['options', 'signalOptions', 'signalQueries'].includes(name))
		return read(name, fallback);
	const options = (read('options', {}) ?? {}) as IDataObject;
	if (moved) {
		return options[name] !== undefined ? options[name] : read(name, fallback);
	}
	switch (name) {
		case 'options': {
			const flat: IDataObject = { ...options, ...group(options, 'tierTimeouts') };
			for (const key of [...MOVED_UNDER_OPTIONS, ...GROUPS]) delete flat[key];
			return flat;
		}
		case 'signalOptions': {
			const moved = { ...group(options, 'liveSignals'), ...group(options, 'prometheusQueries') };
			return { ...((read('signalOptions', {}) ?? {}) as IDataObject), ...moved };
		}
		case 'signalQueries':
			return options.signalQueries !== undefined
				? options.signalQueries
				: read('signalQueries', fallback);
		default:
			return read(name, fallback);
	}
}

/** `ctx` whose getNodeParameter reads through `layoutParameter`; every other member is `ctx`'s own. */
export function withLayout(ctx: IExecuteFunctions): IExecuteFunctions {
	const getNodeParameter = ctx.getNodeParameter.bind(ctx) as (
		name: string,
		itemIndex: number,
		fallback?: unknown,
		options?: unknown,
	) => unknown;
	const layoutAware = (name: string, itemIndex: number, fallback?: unknown, options?: unknown) =>
		layoutParameter(name, (n, f) => getNodeParameter(n, itemIndex, f, options), fallback);
	return new Proxy(ctx, {
		get(target, property) {
			if (property === 'getNodeParameter') return layoutAware;
			const value: unknown = Reflect.get(target, property, target);
			return typeof value === 'function'
				? (value as (...args: unknown[]) => unknown).bind(target)
				: value;
		},
	});
}
