/**
 * Reads the Ollama options of a model row's Model Options (and the chat sub-node's Options) into
 * `ModelOptions`, each checked with its label: the options of n8n's Ollama Chat Model in Ollama's
 * own names (see description/ollamaOptions.ts).
 */
import type { IDataObject } from 'n8n-workflow';

import type { ModelOptions, ThinkSetting } from '../engine/types';
import { readBoolean, readChoice, readNumber, type Field } from './fields';

type NumberKey =
	| 'frequency_penalty'
	| 'presence_penalty'
	| 'repeat_penalty'
	| 'main_gpu'
	| 'num_batch'
	| 'num_gpu'
	| 'num_thread'
	| 'top_k'
	| 'top_p';
type BooleanKey = 'low_vram' | 'use_mlock' | 'use_mmap' | 'penalize_newline' | 'vocab_only';

const NUMBERS: Array<[NumberKey, { min: number; max?: number; integer?: boolean }]> = [
	['frequency_penalty', { min: 0 }],
	['presence_penalty', { min: -2 }],
	['repeat_penalty', { min: 0 }],
	['main_gpu', { min: 0, integer: true }],
	['num_batch', { min: 1, integer: true }],
	['num_gpu', { min: -1, integer: true }],
	['num_thread', { min: 0, integer: true }],
	['top_k', { min: 1, integer: true }],
	['top_p', { min: 0, max: 1 }],
];
const BOOLEANS: BooleanKey[] = [
	'low_vram',
	'use_mlock',
	'use_mmap',
	'penalize_newline',
	'vocab_only',
];

const THINK_VALUES = ['auto', 'on', 'off', 'low', 'medium', 'high'] as const;

/** The Think choice as Ollama's `think`; undefined for Auto (decided per item). */
export function thinkSetting(choice: (typeof THINK_VALUES)[number]): ThinkSetting | undefined {
	if (choice === 'auto') return undefined;
	if (choice === 'on') return true;
	if (choice === 'off') return false;
	return choice;
}

/** The extra Ollama options in `raw` (absent ones left out); `at(key)` names the field for errors. */
export function readOllamaOptions(raw: IDataObject, at: (key: string) => Field): ModelOptions {
	const options: ModelOptions = {};
	for (const [key, rule] of NUMBERS) {
		const value = readNumber(at(key), raw[key], rule);
		if (value !== undefined) options[key] = value;
	}
	for (const key of BOOLEANS) {
		const value = readBoolean(at(key), raw[key]);
		if (value !== undefined) options[key] = value;
	}
	if (raw.think !== undefined && raw.think !== '') {
		const think = thinkSetting(readChoice(at('think'), raw.think, THINK_VALUES));
		if (think !== undefined) options.think = think;
	}
	return options;
}
