/**
 * Options → the trained router's settings: the Quality ↔ Speed point and the Routing Examples.
 * Every error names the field as the UI shows it and the bad value.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { prepareExamples, type RoutingExample } from '../engine/analysis/router/examples';
import { OPERATING_POINTS, type OperatingPointName } from '../engine/analysis/router/model';
import type { RouterSettings } from '../engine/decision';
import type { Tier } from '../engine/types';
import { TIERS } from '../engine/types';
import { configInvalid, FIX_UNDER_OPTIONS, readChoice, show } from './fields';

/** More examples than this would slow every item (each prompt is compared with each example). */
export const MAX_ROUTING_EXAMPLES = 200;

/** Validates the Quality ↔ Speed option and the Routing Examples list (already read from the UI). */
export function parseRouterOptions(options: IDataObject): RouterSettings {
	const point = options.qualitySpeed ?? 'balanced';
	if (typeof point !== 'string' || !(OPERATING_POINTS as readonly string[]).includes(point)) {
		throw configInvalid(
			`Quality ↔ Speed should be one of ${OPERATING_POINTS.join(', ')}, got ${show(point)}`,
			FIX_UNDER_OPTIONS,
		);
	}
	const entries = ((options.routingExamples as IDataObject | undefined)?.example ??
		[]) as IDataObject[];
	if (entries.length > MAX_ROUTING_EXAMPLES) {
		throw configInvalid(
			`Routing Examples has ${entries.length} entries; the limit is ${MAX_ROUTING_EXAMPLES}`,
			'Keep the examples that teach the router something new.',
		);
	}
	const examples = entries.map((entry, index): RoutingExample => {
		const field = `Routing Examples[${index}]`;
		if (typeof entry.prompt !== 'string' || entry.prompt.trim() === '') {
			throw configInvalid(
				`${field}.Prompt should be a non-empty text, got ${show(entry.prompt)}`,
				'Paste a prompt you want routed like this, or map it with an expression.',
			);
		}
		if (typeof entry.tier !== 'string' || !(TIERS as readonly string[]).includes(entry.tier)) {
			throw configInvalid(
				`${field}.Tier should be one of ${TIERS.join(', ')}, got ${show(entry.tier)}`,
				FIX_UNDER_OPTIONS,
			);
		}
		return { prompt: entry.prompt, tier: entry.tier as Tier };
	});
	return {
		operatingPoint: point as OperatingPointName,
		...(examples.length > 0 ? { examples: prepareExamples(examples) } : {}),
	};
}

/** Reads the router's settings for item `itemIndex`. */
export function readRouterOptions(ctx: IExecuteFunctions, itemIndex: number): RouterSettings {
	return parseRouterOptions(ctx.getNodeParameter('options', itemIndex, {}) as IDataObject);
}

/** The Complexity Analyser option for item `itemIndex`: the trained router (default) or the heuristic score. */
export function readAnalyser(ctx: IExecuteFunctions, itemIndex: number): 'router' | 'heuristic' {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return readChoice(['options', 'analyser'], options.analyser ?? 'router', [
		'router',
		'heuristic',
	] as const);
}
