/** The answer-reuse parameters: two entries of the Options collection, and Status's clear switch. */
import type { INodeProperties } from 'n8n-workflow';

import { booleanField, numberField } from './fields';

/** Default of "Reuse Window (Minutes)": one day, the span over which an hourly digest sees the same mail again. */
export const DEFAULT_REUSE_WINDOW_MINUTES = 1440;

/** Entries of the Options collection (kept in its alphabetical order, after "Retry Delay (Ms)"). */
export const reuseOptions: INodeProperties[] = [
	booleanField('Reuse Answers', 'reuseAnswers', false, {
		description:
			'Whether to answer an item with the answer an earlier execution got for the identical request (same prompt or messages, system prompt, format and options, same credential), when it is younger than the Reuse Window and came from a model of the same or a higher tier. Identical items within one execution are always answered once.',
	}),
	numberField('Reuse Window (Minutes)', 'reuseWindowMinutes', DEFAULT_REUSE_WINDOW_MINUTES, {
		typeOptions: { minValue: 1 },
		description:
			'With Reuse Answers on: how old a stored answer may be to be reused. One day by default; set 1500 (25 hours) for a daily schedule.',
	}),
];

/** Status's switch to drop every stored answer. */
export const reuseStatusProperties: INodeProperties[] = [
	booleanField('Clear Reused Answers', 'clearReusedAnswers', false, {
		description:
			'Whether to drop every answer this n8n process keeps for reuse (both AI Dispatcher nodes share them)',
		displayOptions: { show: { operation: ['status'] } },
	}),
];
