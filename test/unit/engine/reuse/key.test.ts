import {
	ANSWER_NEUTRAL_OPTIONS,
	canonicalJson,
	optionsKey,
	requestKey,
	scopeDigest,
} from '../../../../nodes/AiDispatcher/engine/reuse/key';
import type { DispatchRequest } from '../../../../nodes/AiDispatcher/engine/types';

const SCOPE = 'scope-a';
const base: DispatchRequest = {
	prompt: 'Summarize: lunch moved to 1pm',
	system: 'Be brief.',
	task: 'auto',
	complexity: 'auto',
	format: { type: 'text' },
};
const key = (
	request: Partial<DispatchRequest> = {},
	scope = SCOPE,
	extras?: Record<string, unknown>,
) => requestKey({ ...base, ...request }, scope, extras);

describe('requestKey', () => {
	it('is a sha256 hex digest that holds no prompt text', () => {
		const k = key();
		expect(k).toMatch(/^[0-9a-f]{64}$/);
		expect(k).not.toContain('lunch');
	});

	it('is equal for equal requests, whatever the key order of the objects in them', () => {
		const schemaA = {
			type: 'object',
			properties: { a: { type: 'string' }, b: { type: 'number' } },
		};
		const schemaB = {
			properties: { b: { type: 'number' }, a: { type: 'string' } },
			type: 'object',
		};
		expect(key({ format: { type: 'jsonSchema', schema: schemaA } })).toBe(
			key({ format: { type: 'jsonSchema', schema: schemaB } }),
		);
		expect(key({}, SCOPE, { options: { top_k: 5, stop: ['x'] } })).toBe(
			key({}, SCOPE, { options: { stop: ['x'], top_k: 5 } }),
		);
	});

	it('ignores what only steers the choice of model: task, complexity, analysed text', () => {
		expect(key({ task: 'code', complexity: 'high', analysedText: 'other' })).toBe(key());
	});

	it.each<[string, Partial<DispatchRequest>]>([
		['prompt', { prompt: 'Summarize: lunch moved to 2pm' }],
		['prompt case', { prompt: 'summarize: lunch moved to 1pm' }],
		['prompt whitespace', { prompt: 'Summarize: lunch moved to 1pm ' }],
		['system prompt', { system: 'Be thorough.' }],
		['no system prompt', { system: undefined }],
		[
			'messages instead of prompt',
			{ prompt: undefined, messages: [{ role: 'user', content: 'Summarize: lunch moved to 1pm' }] },
		],
		['format json', { format: { type: 'json' } }],
		['format schema', { format: { type: 'jsonSchema', schema: { type: 'object' } } }],
	])('changes with the %s', (_, change) => {
		expect(key(change)).not.toBe(key());
	});

	it('changes with every message field: role, content, order, tool calls, tool name', () => {
		const messages = [
			{ role: 'system' as const, content: 'S' },
			{ role: 'user' as const, content: 'U' },
		];
		const k = key({ prompt: undefined, messages });
		expect(key({ prompt: undefined, messages: [messages[1], messages[0]] })).not.toBe(k);
		expect(
			key({ prompt: undefined, messages: [messages[0], { role: 'assistant', content: 'U' }] }),
		).not.toBe(k);
		expect(
			key({ prompt: undefined, messages: [messages[0], { role: 'user', content: 'U2' }] }),
		).not.toBe(k);
		const call = { function: { name: 'search', arguments: { q: 'a' } } };
		const withCall = key({
			prompt: undefined,
			messages: [...messages, { role: 'assistant', content: '', tool_calls: [call] }],
		});
		expect(
			key({
				prompt: undefined,
				messages: [
					...messages,
					{
						role: 'assistant',
						content: '',
						tool_calls: [{ function: { name: 'search', arguments: { q: 'b' } } }],
					},
				],
			}),
		).not.toBe(withCall);
		expect(
			key({
				prompt: undefined,
				messages: [...messages, { role: 'tool', content: 'r', tool_name: 'a' }],
			}),
		).not.toBe(
			key({
				prompt: undefined,
				messages: [...messages, { role: 'tool', content: 'r', tool_name: 'b' }],
			}),
		);
	});

	it('changes with the credential scope and with every extra (tools, call options)', () => {
		expect(key({}, 'scope-b')).not.toBe(key());
		const tool = {
			type: 'function',
			function: { name: 'search', description: 'Search', parameters: { type: 'object' } },
		};
		const withTool = key({}, SCOPE, { tools: [tool], options: {} });
		expect(withTool).not.toBe(key({}, SCOPE, { tools: [], options: {} }));
		expect(withTool).not.toBe(
			key({}, SCOPE, {
				tools: [{ ...tool, function: { ...tool.function, description: 'Find' } }],
				options: {},
			}),
		);
		for (const [name, value] of Object.entries({
			temperature: 0.3,
			seed: 7,
			num_predict: 50,
			num_ctx: 4096,
			top_k: 3,
			top_p: 0.5,
			stop: ['\n'],
			think: true,
		})) {
			expect([name, key({}, SCOPE, { tools: [], options: { [name]: value } })]).not.toEqual([
				name,
				key({}, SCOPE, { tools: [], options: {} }),
			]);
		}
	});
});

describe('optionsKey', () => {
	it('leaves out only the answer-neutral options (keep alive, our timeout)', () => {
		expect([...ANSWER_NEUTRAL_OPTIONS].sort()).toEqual(['keep_alive', 'timeoutMs']);
		expect(optionsKey({ keep_alive: '5m', timeoutMs: 1000 })).toBe(optionsKey({}));
	});

	it.each<[string, unknown]>([
		['temperature', 0.7],
		['seed', 42],
		['num_predict', 128],
		['num_ctx', 8192],
		['top_k', 40],
		['top_p', 0.9],
		['stop', ['END']],
		['think', true],
		['a_future_option', 'on'],
	])('includes %s (unknown options too, by default)', (name, value) => {
		expect(optionsKey({ [name]: value })).not.toBe(optionsKey({}));
	});

	it('does not depend on the order options were set in', () => {
		expect(optionsKey({ temperature: 0.1, num_ctx: 2048 })).toBe(
			optionsKey({ num_ctx: 2048, temperature: 0.1 }),
		);
	});
});

describe('scopeDigest', () => {
	const parts = { credentialId: 'cred-1', baseUrls: ['http://a:11434'], apiKey: 'sk-secret-123' };
	it('differs per credential id, URLs and API key, and never holds the key in clear', () => {
		const d = scopeDigest(parts);
		expect(d).toMatch(/^[0-9a-f]{64}$/);
		expect(d).not.toContain('sk-secret');
		expect(scopeDigest({ ...parts, credentialId: 'cred-2' })).not.toBe(d);
		expect(scopeDigest({ ...parts, baseUrls: ['http://b:11434'] })).not.toBe(d);
		expect(scopeDigest({ ...parts, apiKey: 'sk-other' })).not.toBe(d);
		expect(scopeDigest({ ...parts, apiKey: undefined })).not.toBe(d);
		expect(scopeDigest({ ...parts })).toBe(d);
	});
});

describe('canonicalJson', () => {
	it('sorts keys at every depth and drops undefined members', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
			'{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
		);
	});
});
