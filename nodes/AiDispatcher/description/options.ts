import type { INodeProperties } from 'n8n-workflow';

import { DEFAULT_TIMEOUTS_MS } from '../engine/resilience/timeouts';
import type { Tier } from '../engine/types';

import { booleanField, choiceField, numberField, sortedByLabel } from './fields';

import { ADVANCED_OPTIONS } from './advanced';
import { TIER_LABELS, TIER_OPTIONS, TIER_TIMEOUT_FIELDS } from './choices';
import { reuseOptions } from './reuse';
import { V1 } from './versions';

/** Version 1's per-tier timeout; from 1.1 it is under Timeout per Tier, in reading order (`advanced.ts`). */
const v1TierTimeout = (tier: Tier): INodeProperties =>
	numberField(
		`Timeout ${TIER_LABELS[tier]} Tier (Ms)`,
		TIER_TIMEOUT_FIELDS[tier],
		DEFAULT_TIMEOUTS_MS[tier],
		{
			typeOptions: { minValue: 100 },
			description: `Per-attempt limit for ${tier}-tier models`,
			displayOptions: { show: V1 },
		},
	);

export const optionProperties: INodeProperties[] = [
	booleanField('Simplify Output', 'simplifyOutput', true, {
		description:
			'Whether to return only the answer, model, tier, a one-line reason and a summary of the attempts, instead of the full decision (complexity features, candidates, rules, every attempt, token usage and live signals)',
		displayOptions: { show: { operation: ['generate', 'selectModel'] } },
	}),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: ['generate', 'selectModel'] } },
		options: sortedByLabel([
			booleanField('Adaptive Timeout', 'adaptiveTimeout', true, {
				hint: 'Once a model has answered 20 times, stop waiting for it much longer than it usually takes',
				description:
					"Whether to cut a model off sooner once its latency is known: after 20 successful calls, the limit becomes 3 × its p95 latency (at least 10 s, at most the tier's timeout)",
			}),
			numberField('Circuit Breaker Cooldown (Ms)', 'breakerCooldownMs', 30000, {
				hint: 'How long a model that keeps failing is skipped, in milliseconds, before one try is let through',
				typeOptions: { minValue: 1 },
				description:
					'How long a model whose circuit opened is skipped before one probe call is let through',
			}),
			numberField('Circuit Breaker Failures', 'breakerFailures', 3, {
				hint: 'Failures in a row after which a model is skipped for a while',
				typeOptions: { minValue: 1, maxValue: 100 },
				description:
					'Consecutive failures of a model on a host that open its circuit, so later items skip it at once (it also opens when half of its last 20 calls failed)',
			}),
			{
				displayName: 'Complexity Analyser',
				name: 'analyser',
				hint: 'How each prompt is judged simple, moderate or complex',
				type: 'options',
				default: 'router',
				options: [
					{
						name: 'Trained Router',
						value: 'router',
						description:
							'A small model trained on labelled prompts judges what the instruction asks (see Quality ↔ Speed)',
					},
					{
						name: 'Heuristic Score',
						value: 'heuristic',
						description: 'The earlier weighted score of length, code, stack traces and task cues',
					},
				],
				description: 'How each prompt is given its tier when Complexity is Auto',
			},
			numberField('Concurrency', 'concurrency', 1, {
				hint: 'How many items are answered at the same time',
				typeOptions: { minValue: 1, maxValue: 32 },
				description:
					"How many items are answered at once (1 to 32). Output order and pairing are kept. Match it to Ollama's OLLAMA_NUM_PARALLEL times the number of hosts.",
			}),
			numberField('Connect Timeout (Ms)', 'connectTimeoutMs', 3000, {
				hint: 'How long to wait for an Ollama host to answer at all, in milliseconds',
				typeOptions: { minValue: 100 },
				description:
					'How long an Ollama host may take to answer its liveness check (GET /) before its models are skipped on it. The check is made only when the host has not answered anything for 10 s or its last call could not connect or timed out.',
			}),
			numberField('First Token Timeout (Ms)', 'firstTokenTimeoutMs', 20000, {
				hint: 'How long to wait for the first word of a reply (includes loading the model), in milliseconds',
				typeOptions: { minValue: 100 },
				description:
					'Per-attempt limit for the first streamed token, covering queueing and model load. Unset: 10 s low, 20 s medium, 30 s high tier.',
			}),
			{
				displayName: 'Item Order',
				name: 'itemOrder',
				type: 'options',
				default: 'grouped',
				options: [
					{
						name: 'Grouped by Model (Fewer Loads)',
						value: 'grouped',
						description:
							'Plans every item first, then answers them model by model: the model already loaded first, each other model loaded once. Output order and pairing stay as the input.',
					},
					{
						name: 'As Received',
						value: 'asReceived',
						description:
							'Answers the items in input order, each on its own model: Ollama may load models back and forth',
					},
				],
				description:
					'In which order Generate answers the items; the output order is always the input order',
			},
			numberField('Max Retries', 'maxRetries', 1, {
				hint: 'Extra tries of the same model after a passing failure, before the next model',
				typeOptions: { minValue: 0, maxValue: 10 },
				description:
					'Extra tries of the same model after a transient failure (busy, 429, reset, 5xx, broken stream), with exponential backoff and jitter, before the next model',
			}),
			{
				displayName: 'Quality ↔ Speed',
				name: 'qualitySpeed',
				hint: 'Quality sends more prompts to the strong model; Speed more to the fast ones',
				type: 'options',
				default: 'balanced',
				options: [
					{
						name: 'Balanced',
						value: 'balanced',
						description:
							'Keeps about 90 % of complex prompts on the high tier while serving most prompts below it',
					},
					{
						name: 'Quality',
						value: 'quality',
						description:
							'Sends a complex prompt to a weak model even less often, at the cost of more high-tier calls',
					},
					{
						name: 'Speed',
						value: 'speed',
						description:
							'Serves more prompts on the fast models; more complex prompts may land below high',
					},
				],
				description:
					"How the trained router trades a complex prompt's risk of a weak model against serving prompts on the faster tiers",
			},
			numberField('Retry Delay (Ms)', 'retryDelayMs', 250, {
				hint: 'Wait before a retry, in milliseconds (doubles each time, randomised)',
				typeOptions: { minValue: 0 },
				description:
					'Base of the exponential backoff: retry n waits a random time up to this × 2^(n-1)',
			}),
			...reuseOptions,
			{
				displayName: 'Routing Examples',
				name: 'routingExamples',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				placeholder: 'Add Example',
				description:
					'Prompts of this workflow labelled with the tier you want: a prompt similar enough to an example takes its tier, and the decision names the example',
				options: [
					{
						displayName: 'Example',
						name: 'example',
						values: [
							{
								displayName: 'Prompt',
								name: 'prompt',
								type: 'string',
								typeOptions: { rows: 3 },
								default: '',
								description: 'A typical prompt, instruction and content as the workflow sends it',
							},
							choiceField('Tier', 'tier', 'medium', {
								options: TIER_OPTIONS,
								description: 'The tier prompts like this one should go to',
							}),
						],
					},
				],
			},
			numberField('Stall Timeout (Ms)', 'stallTimeoutMs', 10000, {
				hint: 'Cut off a model that stops sending its reply for this long, in milliseconds',
				typeOptions: { minValue: 100 },
				description:
					'Per-attempt limit for the wait between two streamed tokens once the first has arrived: a model that trickles or stops sending is cut off and the next one answers. Unset: 5 s low, 10 s medium, 15 s high tier.',
			}),
			v1TierTimeout('high'),
			v1TierTimeout('low'),
			v1TierTimeout('medium'),
			...ADVANCED_OPTIONS,
		]),
	},
];
