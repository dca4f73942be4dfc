/** Option lists shared by several UI sections (n8n wants them sorted by name). */
import type { INodePropertyOptions } from 'n8n-workflow';

import type { Tier } from '../engine/types';

/** How the panel names each tier. */
export const TIER_LABELS: Record<Tier, string> = { low: 'Low', medium: 'Medium', high: 'High' };

/** The parameter that holds each tier's timeout (Options › Timeout per Tier; Options in version 1). */
export const TIER_TIMEOUT_FIELDS: Record<Tier, string> = {
	low: 'timeoutLowMs',
	medium: 'timeoutMediumMs',
	high: 'timeoutHighMs',
};

export const TIER_OPTIONS: INodePropertyOptions[] = [
	{ name: 'High', value: 'high', description: 'Strongest, slowest: code, stack traces, analysis' },
	{ name: 'Low', value: 'low', description: 'Small and fast: short, routine prompts' },
	{
		name: 'Medium',
		value: 'medium',
		description: 'Balanced: summaries, drafts, explanations, small calculations',
	},
];

export const TASK_OPTIONS: INodePropertyOptions[] = [
	{ name: 'Analysis', value: 'analysis' },
	{ name: 'Classification', value: 'classification' },
	{ name: 'Code', value: 'code' },
	{ name: 'Extraction', value: 'extraction' },
	{ name: 'General', value: 'general' },
	{ name: 'Reasoning', value: 'reasoning' },
	{ name: 'Summarization', value: 'summarization' },
];
