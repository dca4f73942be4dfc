/**
 * The Generate panel as n8n's own display logic (n8n-workflow's getNodeParameters / displayParameter)
 * lays it out: version 1.1 (new nodes) shows at most 8 top-level fields at defaults; version 1
 * (saved workflows) keeps its layout; the moved settings sit under Options with their names.
 */
import { NodeHelpers, type INodeProperties } from 'n8n-workflow';

import { AiDispatcher } from '../../../nodes/AiDispatcher/AiDispatcher.node';
import { readConcurrency } from '../../../nodes/AiDispatcher/adapters/options';

const description = new AiDispatcher().description;

/** The top-level fields n8n shows for `typeVersion` with the default values (plus `set`). */
function shownFields(typeVersion: number, set: Record<string, unknown> = {}): string[] {
	const node = { typeVersion };
	const values = {
		...NodeHelpers.getNodeParameters(
			description.properties,
			set as never,
			true,
			false,
			node,
			description,
		),
		...set,
	};
	return description.properties
		.filter((p) => NodeHelpers.displayParameter(values as never, p, node, description))
		.map((p) => p.displayName);
}

const options = description.properties.find((p) => p.name === 'options') as INodeProperties & {
	options: INodeProperties[];
};
const optionNames = (typeVersion: number) =>
	options.options
		.filter((o) => NodeHelpers.displayParameter({}, o, { typeVersion }, description))
		.map((o) => o.name);

describe('the Generate panel', () => {
	it('new nodes are version 1.1', () => {
		expect(description.version).toEqual([1, 1.1]);
		expect(description.defaultVersion).toBe(1.1);
	});

	it('version 1.1 at defaults: the basics only, at most 8 top-level fields', () => {
		const fields = shownFields(1.1);
		expect(fields).toEqual([
			'Operation',
			'Input',
			'Prompt',
			'Models',
			'Use OpenAI-Compatible Endpoint',
			'Rules',
			'Simplify Output',
			'Options',
		]);
		expect(fields.length).toBeLessThanOrEqual(8);
		// Choosing a Model List adds the list itself.
		expect(shownFields(1.1, { modelSource: 'list' })).toContain('Model List');
	});

	it('version 1 keeps the layout saved workflows were built with (15 fields, and Use OpenAI-Compatible Endpoint)', () => {
		const fields = shownFields(1);
		expect(fields).toHaveLength(16);
		expect(fields).toEqual(
			expect.arrayContaining([
				'System Prompt',
				'Task Type',
				'Complexity',
				'Output Format',
				'Rules (JSON)',
				'Use Live Signals',
				'Signal Options',
				'Signal Queries',
			]),
		);
	});

	it('version 1.1 Options: the moved settings, timeouts grouped Low, Medium, High, exporter metrics apart from thresholds', () => {
		const names = optionNames(1.1);
		expect(names).toEqual(
			expect.arrayContaining([
				'systemPrompt',
				'taskType',
				'complexity',
				'outputFormat',
				'jsonSchema',
				'rulesJson',
				'tierTimeouts',
				'useSignals',
				'liveSignals',
				'prometheusQueries',
				'signalQueries',
			]),
		);
		expect(names).not.toEqual(expect.arrayContaining(['timeoutLowMs']));
		const timeouts = options.options.find((o) => o.name === 'tierTimeouts') as {
			options: Array<{ values: INodeProperties[] }>;
		};
		expect(timeouts.options[0].values.map((v) => v.displayName)).toEqual([
			'Low Tier (Ms)',
			'Medium Tier (Ms)',
			'High Tier (Ms)',
		]);
		const thresholds = options.options.find((o) => o.name === 'liveSignals') as {
			options: Array<{ values: INodeProperties[] }>;
		};
		expect(thresholds.options[0].values.some((v) => /Exporter|Selector/.test(v.displayName))).toBe(
			false,
		);
		// Version 1's Options stay as they were.
		expect(optionNames(1)).toEqual(
			expect.arrayContaining(['timeoutLowMs', 'timeoutMediumMs', 'timeoutHighMs']),
		);
		expect(optionNames(1)).not.toContain('systemPrompt');
	});

	it("a new rule's Operator defaults to Equals in 1.1, and stays Greater Than in 1 (saved rules omit defaults)", () => {
		const rules = description.properties.find((p) => p.name === 'rules') as {
			options: Array<{ values: INodeProperties[] }>;
		};
		const conditions = rules.options[0].values.find((v) => v.name === 'conditions') as {
			options: Array<{ values: INodeProperties[] }>;
		};
		const operators = conditions.options[0].values.filter((v) => v.name === 'operator');
		const shownFor = (typeVersion: number) =>
			operators.filter((o) =>
				NodeHelpers.displayParameter({ fact: 'item' }, o, { typeVersion }, description),
			);
		expect(shownFor(1.1).map((o) => o.default)).toEqual(['equal']);
		expect(shownFor(1).map((o) => o.default)).toEqual(['greaterThan']);
	});
});

describe('Concurrency', () => {
	const ctx = (typeVersion: number, options: Record<string, unknown> = {}) =>
		({
			getNode: () => ({ typeVersion }),
			getNodeParameter: (name: string, _i: number, fallback: unknown) =>
				name === 'options' ? options : fallback,
		}) as never;

	it('defaults to 1 in both versions (2 was measured not to help with the default Item Order); a set value wins', () => {
		expect(readConcurrency(ctx(1.1))).toBe(1);
		expect(readConcurrency(ctx(1))).toBe(1);
		expect(readConcurrency(ctx(1.1, { concurrency: 3 }))).toBe(3);
	});
});
