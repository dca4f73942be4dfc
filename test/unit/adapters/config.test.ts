import type { IExecuteFunctions } from 'n8n-workflow';

import {
	cleanText,
	parseMessages,
	readConnection,
	readModelList,
	readRequest,
} from '../../../nodes/AiDispatcher/adapters/config';
import { readItemOptions } from '../../../nodes/AiDispatcher/adapters/options';
import { requireText } from '../../../nodes/AiDispatcher/engine/decision';
import { createContext } from '../../support/n8n-context';

const ctx = (params: Record<string, unknown>): IExecuteFunctions =>
	createContext({ params }).execute;

describe('readRequest', () => {
	it('reads a prompt request with defaults', () => {
		expect(readRequest(ctx({ prompt: 'Hi' }), 0, 'generate')).toEqual({
			prompt: 'Hi',
			system: undefined,
			task: 'auto',
			complexity: 'auto',
			format: { type: 'text' },
		});
	});

	it.each(['', '  \n '])(
		'leaves the empty prompt %j to the engine, which refuses it once',
		(prompt) => {
			const request = readRequest(ctx({ prompt }), 0, 'generate');
			expect(() => requireText(request)).toThrow('The prompt is empty');
		},
	);

	it.each([
		[{ prompt: ['a'] }, 'Prompt should be text, got an array'],
		[{ prompt: null }, 'Prompt should be text, got null'],
		[{ prompt: 'x'.repeat(1_000_001) }, 'Prompt is 1000001 characters long; the limit is 1000000'],
		[
			{ prompt: 'x', taskType: 'poetry' },
			'Task Type should be one of auto, summarization, classification, extraction, analysis, code, reasoning, general, got "poetry"',
		],
		[
			{ prompt: 'x', complexity: 3 },
			'Complexity should be one of auto, low, medium, high, got number 3',
		],
		[
			{ prompt: 'x', outputFormat: 'xml' },
			'Output Format should be one of text, json, jsonSchema, got "xml"',
		],
		[
			{ prompt: 'x', outputFormat: 'jsonSchema', jsonSchema: '{nope' },
			'JSON Schema is not valid JSON',
		],
		[
			{ prompt: 'x', outputFormat: 'jsonSchema', jsonSchema: '[1]' },
			'JSON Schema should be a JSON object, got an array',
		],
		[{ inputMode: 'messages', messages: '{' }, 'Messages is not valid JSON'],
		[{ inputMode: 'messages', messages: [] }, 'Messages is empty'],
		[
			{ inputMode: 'messages', messages: [{ role: 'bot', content: 'x' }] },
			'Messages #1 › role should be one of system, user, assistant, tool, got "bot"',
		],
		[
			{ inputMode: 'messages', messages: [{ role: 'user', content: { t: 1 } }] },
			'Messages #1 › content should be text, got an object',
		],
	])('rejects %j with a message naming the field and value', (params, message) => {
		expect(() => readRequest(ctx(params), 0, 'generate')).toThrow(message);
	});

	it('accepts a 1 MB prompt and numbers as text, and strips control characters', () => {
		expect(readRequest(ctx({ prompt: 'x'.repeat(1_000_000) }), 0, 'generate').prompt).toHaveLength(
			1_000_000,
		);
		expect(readRequest(ctx({ prompt: 42 }), 0, 'generate').prompt).toBe('42');
		expect(readRequest(ctx({ prompt: 'a\u0000b\u0007c\td\n' }), 0, 'generate').prompt).toBe(
			'abc\td\n',
		);
	});

	it('reads chat messages from JSON text and a JSON schema format', () => {
		const request = readRequest(
			ctx({
				inputMode: 'messages',
				messages: '[{"role":"user","content":"Hi"}]',
				outputFormat: 'jsonSchema',
				jsonSchema: '{"type":"object"}',
				systemPrompt: 'Be brief',
			}),
			0,
			'generate',
		);
		expect(request).toMatchObject({
			messages: [{ role: 'user', content: 'Hi' }],
			system: 'Be brief',
			format: { type: 'jsonSchema', schema: { type: 'object' } },
		});
	});
});

describe('readModelList', () => {
	it('reads names, tiers, tasks and options', () => {
		const models = readModelList(
			ctx({
				models: {
					model: [
						{
							name: ' qwen2.5:7b ',
							tier: 'high',
							tasks: ['code'],
							modelOptions: { temperature: 0.2, keep_alive: '10m', num_ctx: 8192 },
						},
					],
				},
			}),
			0,
		);
		expect(models).toEqual([
			{
				name: 'qwen2.5:7b',
				tier: 'high',
				tasks: ['code'],
				options: { temperature: 0.2, keep_alive: '10m', num_ctx: 8192 },
			},
		]);
	});

	it.each([
		[{}, 'Model List is empty'],
		[{ model: [{ name: '' }] }, 'Model List is empty'],
		[
			{ model: [{ name: 'my model' }] },
			'Model List › Model #1 › Model Name or ID "my model" is not a valid Ollama model name',
		],
		[
			{ model: [{ name: 'a:1' }, { name: 'a:1' }] },
			'Model List › Model #2 › Model Name or ID "a:1" is listed twice',
		],
		[
			{ model: [{ name: 'a:1', tier: 'huge' }] },
			'Model List › Model #1 › Tier should be one of low, medium, high, got "huge"',
		],
		[
			{ model: [{ name: 'a:1', tasks: ['dance'] }] },
			'Model List › Model #1 › Suited Tasks should be one of',
		],
		[
			{ model: [{ name: 'a:1', modelOptions: { temperature: -1 } }] },
			'Model List › Model #1 › Model Options › Temperature should be a number ≥ 0, got number -1',
		],
		[
			{ model: [{ name: 'a:1', modelOptions: { keep_alive: 'forever' } }] },
			'Model List › Model #1 › Model Options › Keep Alive should be a duration like "5m" or a number of seconds, got "forever"',
		],
	])('rejects %j', (models, message) => {
		expect(() => readModelList(ctx({ models }), 0)).toThrow(message);
	});

	it('turns a numeric keep_alive string into seconds', () => {
		expect(
			readModelList(
				ctx({ models: { model: [{ name: 'a:1', modelOptions: { keep_alive: '-1' } }] } }),
				0,
			)[0].options.keep_alive,
		).toBe(-1);
	});
});

describe('readItemOptions / readConnection / helpers', () => {
	it('uses default timeouts and rejects non-positive ones', () => {
		expect(readItemOptions(ctx({ options: {} }), 0).timeoutsMs).toEqual({
			low: 15_000,
			medium: 30_000,
			high: 60_000,
		});
		expect(readItemOptions(ctx({ options: { timeoutHighMs: 90_000 } }), 0).timeoutsMs.high).toBe(
			90_000,
		);
		expect(() => readItemOptions(ctx({ options: { timeoutLowMs: 0 } }), 0)).toThrow(
			'Options › Timeout Low Tier (Ms) should be a number ≥ 1 ms, got number 0',
		);
	});

	it('splits several Ollama URLs and validates them', () => {
		expect(
			readConnection({
				baseUrl: 'http://a:11434/, http://b:11434\nhttp://c:1',
				prometheusUrl: ' http://p:9090/ ',
				pushgatewayUrl: 'http://g:9091/',
			}),
		).toEqual({
			baseUrls: ['http://a:11434', 'http://b:11434', 'http://c:1'],
			prometheusUrl: 'http://p:9090',
			pushgatewayUrl: 'http://g:9091',
			metricsInstance: null,
		});
		expect(() => readConnection({ baseUrl: '' })).toThrow('The credential has no Ollama Base URL');
		expect(() => readConnection({ baseUrl: 'localhost:11434' })).toThrow(
			'Ollama Base URL "localhost:11434" is not an http(s) URL',
		);
	});

	it('parses messages given as an array', () => {
		expect(parseMessages([{ role: 'assistant', content: 'ok' }])).toEqual([
			{ role: 'assistant', content: 'ok' },
		]);
	});

	it.each([
		['abc', 'abc'],
		['a\u0000', 'a'],
		['\u001b[31mred', '[31mred'],
		['tab\tnew\nline\r', 'tab\tnew\nline\r'],
	])('cleanText(%j) = %j', (input, output) => {
		expect(cleanText(input)).toBe(output);
	});
});
