import { parseRules } from '../../../../nodes/AiDispatcher/engine/rules/validate';

const leaf = (extra: Record<string, unknown>) => ({
	fact: 'promptTokens',
	operator: 'greaterThan',
	value: 100,
	...extra,
});
const rule = (condition: unknown, action: unknown = { useTier: 'high' }) => ({
	name: 'r',
	condition,
	action,
});

describe('parseRules', () => {
	it('accepts every fact and action, as an array or {rules}', () => {
		const rules = [
			rule(
				{ all: [leaf({}), { fact: 'containsCode', operator: 'equal', value: true }] },
				{ useModel: 'qwen2.5:7b', stop: true },
			),
			rule({
				any: [
					{ fact: 'containsStackTrace', operator: 'equal' },
					{ fact: 'text', operator: 'matches', value: 'ORA-\\d{5}', flags: 'i' },
				],
			}),
			rule(
				{ not: { fact: 'taskType', operator: 'in', value: ['code', 'analysis'] } },
				{ maxTier: 'medium', excludeModels: ['qwen2.5:7b'] },
			),
			rule(
				{ fact: 'complexityTier', operator: 'greaterThanInclusive', value: 'medium' },
				{ minTier: 'medium', timeoutMs: 90000 },
			),
			rule(
				{ fact: 'complexityScore', operator: 'lessThan', value: 0.2 },
				{ options: { temperature: 0.1, num_predict: 128, keep_alive: '10m' } },
			),
			rule(
				{ fact: 'signal', path: 'cpu', operator: 'greaterThan', value: 0.8 },
				{ maxTier: 'low' },
			),
			rule(
				{
					fact: 'time',
					operator: 'within',
					value: { days: ['mon', 'fri'], from: '09:00', to: '18:00', timeZone: 'Europe/Berlin' },
				},
				{ excludeModels: ['qwen2.5:7b'] },
			),
			rule(
				{ fact: 'item', path: 'fields.priority', operator: 'in', value: ['P1', 'P2'] },
				{ useModel: 'qwen2.5:7b' },
			),
		];
		const parsed = parseRules(rules);
		expect(parsed).toMatchObject({ ok: true });
		expect(parseRules({ rules })).toMatchObject({ ok: true });
	});

	it.each([
		[
			[rule(leaf({}))].concat([rule(leaf({})), rule(leaf({ value: 'high' }))]),
			'rules[2].condition.value should be a number, got "high"',
		],
		[
			[rule({ all: [leaf({}), { fact: 'cpu', operator: 'equal', value: 1 }] })],
			'rules[0].condition.all[1].fact should be one of promptTokens',
		],
		[
			[rule(leaf({ operator: 'matches' }))],
			'rules[0].condition.operator should be one of equal, notEqual',
		],
		[
			[rule({ fact: 'complexityTier', operator: 'equal', value: 'huge' })],
			'rules[0].condition.value should be one of low, medium, high, got "huge"',
		],
		[
			[rule({ fact: 'signal', operator: 'greaterThan', value: 1 })],
			'rules[0].condition.path should be a signal name',
		],
		[
			[rule({ fact: 'time', operator: 'within', value: { from: '9am' } })],
			'rules[0].condition.value.from should be a time "HH:MM" (24-hour), got "9am"',
		],
		[
			[rule({ fact: 'time', operator: 'within', value: { timeZone: 'Mars/Olympus' } })],
			'rules[0].condition.value.timeZone should be an IANA time zone',
		],
		[
			[rule(leaf({}), { useTier: 'huge' })],
			'rules[0].action.useTier should be one of low, medium, high, got "huge"',
		],
		[[rule(leaf({}), { useModle: 'x' })], 'rules[0].action.useModle is not an action'],
		[
			[rule(leaf({}), { minTier: 'high', maxTier: 'low' })],
			'rules[0].action has minTier high above maxTier low',
		],
		[
			[rule(leaf({}), { timeoutMs: -5 })],
			'rules[0].action.timeoutMs should be a number of milliseconds',
		],
		[
			[rule(leaf({}), { options: { temperature: 'hot' } })],
			'rules[0].action.options.temperature should be a number ≥ 0, got "hot"',
		],
		[[rule(undefined)], 'rules[0].condition should be a condition object'],
		[{ not: 'rules' }, 'rules should be an array of rules, got an object'],
	])('names the position and the field: %#', (raw, message) => {
		const parsed = parseRules(raw);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.issues.join('\n')).toContain(message);
	});

	it('honours "enabled": false: the rule is checked but never applied; a non-boolean is refused', () => {
		const parsed = parseRules([
			{ ...rule(leaf({})), name: 'off', enabled: false },
			{ ...rule(leaf({})), name: 'on', enabled: true },
			rule(leaf({})),
		]);
		expect(parsed.ok && parsed.value.map((r) => r.name)).toEqual(['on', 'r']);
		const invalid = parseRules([{ ...rule(leaf({ value: 'x' })), enabled: false }]);
		expect(invalid.ok).toBe(false); // a disabled rule is still validated
		const notBoolean = parseRules([{ ...rule(leaf({})), enabled: 'no' }]);
		expect(notBoolean.ok ? [] : notBoolean.issues).toEqual([
			'rules[0].enabled should be true or false, got "no"',
		]);
	});

	it('accepts the keep-alive syntax Ollama and the model options accept (1h30m)', () => {
		expect(parseRules([rule(leaf({}), { options: { keep_alive: '1h30m' } })]).ok).toBe(true);
	});

	it('collects every issue, not just the first', () => {
		const parsed = parseRules([rule(leaf({ value: 'x' }), { useTier: 'y' })]);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.issues).toHaveLength(2);
	});

	it.each([
		['(a+)+$', 'nested quantifier'],
		['(x*)*y', 'nested quantifier'],
		['(\\w|\\d)+$', 'overlapping alternatives'],
		['(a|ab)*c', 'overlapping alternatives'],
		['(a)\\1', 'back-reference'],
		['([a-z', 'not a valid regular expression'],
		['x'.repeat(501), 'limit is 500'],
	])('refuses the regular expression %s when the rules are read', (pattern, reason) => {
		const parsed = parseRules([rule({ fact: 'text', operator: 'matches', value: pattern })]);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok)
			expect(parsed.issues[0]).toMatch(
				new RegExp(`^rules\\[0\\]\\.condition\\.value ".*" .*${reason.replace(/[()]/g, '\\$&')}`),
			);
	});

	it('accepts ordinary patterns with groups and alternation', () => {
		for (const pattern of [
			'^(P1|P2)\\b',
			'(?:ERROR|FATAL) \\d+',
			'Exception(?: in thread)?',
			'[A-Z]{2,5}-\\d+',
		]) {
			expect(parseRules([rule({ fact: 'text', operator: 'matches', value: pattern })]).ok).toBe(
				true,
			);
		}
	});
});
