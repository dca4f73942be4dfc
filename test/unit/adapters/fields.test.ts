import type { IExecuteFunctions } from 'n8n-workflow';

import {
	fieldLabel,
	filledRows,
	readJsonOrValue,
	readKeepAlive,
	readNumber,
	show,
} from '../../../nodes/AiDispatcher/adapters/fields';
import { readItemOptions } from '../../../nodes/AiDispatcher/adapters/options';
import { parseSignalsSettings } from '../../../nodes/AiDispatcher/adapters/signals';
import { readModelList } from '../../../nodes/AiDispatcher/adapters/config';
import { createContext } from '../../support/n8n-context';

const ctx = (params: Record<string, unknown>): IExecuteFunctions =>
	createContext({ params }).execute;

describe('fieldLabel: parameter paths as the panel shows them', () => {
	it.each([
		[
			['signalQueries', 'override', 0, 'promql'],
			'Signal Queries › Override Built-In Query #1 › PromQL',
		],
		[['signalQueries', 'custom', 2, 'name'], 'Signal Queries › Custom Query #3 › Name'],
		[
			['models', 'model', 1, 'modelOptions', 'keep_alive'],
			'Model List › Model #2 › Model Options › Keep Alive',
		],
		[['options', 'maxRetries'], 'Options › Max Retries'],
		[['signalOptions', 'timeoutMs'], 'Signal Options › Query Timeout (Ms)'],
		[['prompt'], 'Prompt'],
		[['useSignals'], 'Use Live Signals'],
		[['options', 'noSuchOption'], 'Options › noSuchOption'],
	])('%j → %s', (path, label) => {
		expect(fieldLabel(path)).toBe(label);
	});
});

describe('field readers', () => {
	it('reads numbers within a range, numeric text included, and names the field and value otherwise', () => {
		expect(readNumber('X', '12', { min: 1 })).toBe(12);
		expect(readNumber('X', '', { min: 1 })).toBeUndefined();
		expect(() =>
			readNumber('Options › Max Retries', 2.5, { min: 0, max: 10, integer: true }),
		).toThrow('Options › Max Retries should be an integer from 0 to 10, got number 2.5');
		expect(() => readNumber('T', -1, { min: 0 })).toThrow(
			'T should be a number ≥ 0, got number -1',
		);
	});

	it('parses JSON text and passes values from expressions through', () => {
		expect(readJsonOrValue('J', '{"a":1}')).toEqual({ a: 1 });
		expect(readJsonOrValue('J', [1])).toEqual([1]);
		expect(() => readJsonOrValue('Rules (JSON)', '{nope')).toThrow(
			/^Rules \(JSON\) is not valid JSON/,
		);
	});

	it('accepts one keep-alive syntax everywhere (Go durations such as 1h30m, seconds)', () => {
		expect(readKeepAlive('K', '1h30m')).toBe('1h30m');
		expect(readKeepAlive('K', '-1')).toBe(-1);
		expect(readKeepAlive('K', 300)).toBe(300);
		expect(readKeepAlive('K', '')).toBeUndefined();
		expect(() => readKeepAlive('K', 'forever')).toThrow(
			'K should be a duration like "5m" or a number of seconds, got "forever"',
		);
	});

	it('drops rows left empty and keeps the panel index of the others', () => {
		const rows = filledRows(
			'Q',
			[{ signal: 'cpuBusyPercent', promql: '' }, { signal: 'cpuBusyPercent', promql: 'up' }, {}],
			['promql'],
		);
		expect(rows).toEqual([{ row: { signal: 'cpuBusyPercent', promql: 'up' }, index: 1 }]);
		expect(() => filledRows('Q', 'x', ['promql'])).toThrow('Q should be a list, got "x"');
	});

	it('show() quotes strings, cuts them, and names types', () => {
		expect(show('x'.repeat(70))).toBe(`"${'x'.repeat(60)}…"`);
		expect(show(undefined)).toBe('undefined');
		expect(show(true)).toBe('boolean true');
	});
});

describe('errors name the field by its panel label', () => {
	it('an override query row with an empty PromQL next to a filled one: the empty row is ignored', () => {
		const settings = parseSignalsSettings(
			{},
			{
				override: [
					{ signal: 'memAvailableBytes', promql: '' },
					{ signal: 'cpuBusyPercent', promql: ' up ' },
				],
			},
		);
		expect(settings.config.queries.overrides).toEqual({ cpuBusyPercent: 'up' });
	});

	it('a custom query row added and left empty is ignored; a half-filled one is named by its row', () => {
		expect(
			parseSignalsSettings({}, { custom: [{ name: '', promql: '' }] }).config.queries.custom,
		).toEqual({});
		expect(() =>
			parseSignalsSettings(
				{},
				{
					custom: [
						{ name: '', promql: '' },
						{ name: 'disk', promql: '' },
					],
				},
			),
		).toThrow('Signal Queries › Custom Query #2 › PromQL should be a PromQL expression, got ""');
	});

	it('a Model List row left without a name is ignored; a list of only empty rows is empty', () => {
		expect(
			readModelList(
				ctx({
					models: {
						model: [
							{ name: '', tier: 'medium' },
							{ name: 'a:1', tier: 'low' },
						],
					},
				}),
				0,
			).map((m) => m.name),
		).toEqual(['a:1']);
		expect(() =>
			readModelList(ctx({ models: { model: [{ name: ' ', tier: 'medium' }] } }), 0),
		).toThrow('Model List is empty');
	});

	it.each([
		[{ maxRetries: 11 }, 'Options › Max Retries should be an integer from 0 to 10, got number 11'],
		[
			{ timeoutLowMs: 0 },
			'Options › Timeout Low Tier (Ms) should be a number ≥ 1 ms, got number 0',
		],
		[{ adaptiveTimeout: 'yes' }, 'Options › Adaptive Timeout should be true or false, got "yes"'],
	])('Options %j', (options, message) => {
		expect(() => readItemOptions(ctx({ options }), 0)).toThrow(message);
	});

	it('reads every option once into timeouts and resilience overrides', () => {
		expect(
			readItemOptions(
				ctx({ options: { timeoutHighMs: 90_000, maxRetries: 0, adaptiveTimeout: false } }),
				0,
			),
		).toEqual({
			timeoutsMs: { low: 15_000, medium: 30_000, high: 90_000 },
			resilience: { retry: { maxRetries: 0 }, breaker: {}, adaptiveTimeout: { enabled: false } },
		});
	});
});
