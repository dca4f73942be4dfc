/**
 * What version 1.1 moves under Options, so Generate shows the basics up front: the prompt's
 * settings (system prompt, task, complexity, output format), the rules as JSON, the per-tier
 * timeouts in reading order (Low, Medium, High), and the live-signal settings, the Prometheus
 * exporter's metric names apart from the thresholds. Each keeps its parameter name; the readers
 * find it here or at its version-1 place (`adapters/layout.ts`).
 */
import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUTS_MS } from '../engine/resilience/timeouts';
import type { Tier } from '../engine/types';
import { TIER_LABELS, TIER_TIMEOUT_FIELDS } from './choices';
import { numberField } from './fields';

import { inputProperties } from './input';
import { ruleProperties } from './rules';
import { EXPORTER_FIELDS, signalProperties, THRESHOLD_FIELDS } from './signals';
import { V1_1 } from './versions';

/** A top-level field as an entry of the Options collection (no displayOptions of its own). */
function asOption(
	list: INodeProperties[],
	name: string,
	changes: Partial<INodeProperties> = {},
): INodeProperties {
	const option: INodeProperties = {
		...(list.find((p) => p.name === name) as INodeProperties),
		...changes,
		displayOptions: { show: V1_1 },
	};
	delete option.required; // an Options entry is added on demand
	return option;
}

const tierTimeout = (tier: Tier): INodeProperties =>
	numberField(
		`${TIER_LABELS[tier]} Tier (Ms)`,
		TIER_TIMEOUT_FIELDS[tier],
		DEFAULT_TIMEOUTS_MS[tier],
		{
			typeOptions: { minValue: 100 },
			description: `Longest wait for one try of a ${tier}-tier model, in milliseconds; then the next model answers`,
		},
	);

/** A set of settings added as one Options entry (shown as `valuesLabel`, read as `<name>.values`). */
function settingsGroup(
	displayName: string,
	name: string,
	placeholder: string,
	valuesLabel: string,
	group: { description: string; values: INodeProperties[] },
): INodeProperties {
	return {
		displayName,
		name,
		type: 'fixedCollection',
		placeholder,
		default: {},
		description: group.description,
		displayOptions: { show: V1_1 },
		options: [{ name: 'values', displayName: valuesLabel, values: group.values }],
	};
}

/** The Options entries version 1.1 adds (sorted by the Options collection). */
export const ADVANCED_OPTIONS: INodeProperties[] = [
	asOption(inputProperties, 'systemPrompt', {
		description: 'Instructions for every model (not counted in the complexity analysis)',
	}),
	asOption(inputProperties, 'taskType', {
		description: 'What the prompt asks for; Auto-Detect reads it from the prompt',
	}),
	asOption(inputProperties, 'complexity', {
		description: 'Measure each prompt (Auto), or send every item to one tier',
	}),
	asOption(inputProperties, 'outputFormat', {
		description:
			'Text, or JSON parsed into the output; a reply that is not valid JSON makes the next model answer',
	}),
	asOption(inputProperties, 'jsonSchema', {
		displayName: 'JSON Schema',
		description: 'Used when Output Format is JSON Schema: the shape the reply must have',
	}),
	asOption(ruleProperties, 'rulesJson', {
		description: 'Rules as JSON, for copying between workflows; checked after the Rules above',
	}),
	settingsGroup('Timeout per Tier', 'tierTimeouts', 'Set Timeouts', 'Timeouts', {
		description: 'How long one try may take before the next model answers',
		values: [tierTimeout('low'), tierTimeout('medium'), tierTimeout('high')],
	}),
	settingsGroup('Live Signal Thresholds', 'liveSignals', 'Set Thresholds', 'Thresholds', {
		description:
			'When the host counts as busy (CPU, memory, load, queue), and how long a reading is reused; used when Use Live Signals is on',
		values: THRESHOLD_FIELDS,
	}),
	settingsGroup(
		'Prometheus Settings',
		'prometheusQueries',
		'Set Prometheus Settings',
		'Prometheus',
		{
			description:
				"Only with a Prometheus URL in the credential: the Ollama exporter's metric and label names, selectors when Prometheus watches several hosts, and model health shared across queue-mode workers",
			values: EXPORTER_FIELDS,
		},
	),
	asOption(signalProperties, 'useSignals', {
		description:
			"Whether to choose by the host's live state too: Ollama's loaded models, what the node learned about each model, and Prometheus when the credential has its URL",
	}),
	asOption(signalProperties, 'signalQueries', {
		description:
			'Only with a Prometheus URL: replace a built-in query, or add named queries usable in rules',
	}),
];
