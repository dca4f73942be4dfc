/** The chat model's own parameters (`readChatSettings`) and what each call asks for (`callConfigOptions`, `callCancel`). */
import {
	callCancel,
	callConfigOptions,
	readChatSettings,
} from '../../../../nodes/LmChatAiDispatcher/call/settings';

const params =
	(values: Record<string, unknown>) => (name: string, _itemIndex: number, fallback?: unknown) =>
		values[name] ?? fallback;
const read = (values: Record<string, unknown>) =>
	readChatSettings({ getNodeParameter: params(values) }, 0);

describe('readChatSettings', () => {
	it('defaults: task and complexity auto, text replies, no model defaults', () => {
		expect(read({})).toEqual({
			task: 'auto',
			complexity: 'auto',
			format: { type: 'text' },
			modelDefaults: {},
		});
	});

	it('reads task, complexity, JSON replies and the Options as Ollama options under each model’s own', () => {
		const settings = read({
			taskType: 'code',
			complexity: 'high',
			options: {
				format: 'json',
				temperature: 0.3,
				num_predict: 256,
				num_ctx: 8192,
				keep_alive: '10m',
				topK: 40,
				topP: 0.9,
				think: 'off',
				repeat_penalty: 1.1,
			},
		});
		expect(settings).toEqual({
			task: 'code',
			complexity: 'high',
			format: { type: 'json' },
			modelDefaults: {
				temperature: 0.3,
				num_predict: 256,
				num_ctx: 8192,
				keep_alive: '10m',
				top_k: 40,
				top_p: 0.9,
				think: false,
				repeat_penalty: 1.1,
			},
		});
	});

	it.each<[Record<string, unknown>, string]>([
		[{ taskType: 'poetry' }, 'Task Type'],
		[{ complexity: 'extreme' }, 'Complexity'],
		[{ options: { topP: 1.5 } }, 'Options › Top P'],
		[{ options: { temperature: -1 } }, 'Options › Sampling Temperature'],
		[{ options: { format: 'xml' } }, 'Options › Output Format'],
	])('refuses %j naming the field %s', (values, field) => {
		expect(() => read(values)).toThrow(field);
	});
});

describe('callConfigOptions', () => {
	it('maps the SDK’s call settings to Ollama’s option names', () => {
		expect(
			callConfigOptions({
				temperature: 0.7,
				maxTokens: 100,
				topP: 0.8,
				topK: 5,
				seed: 42,
				presencePenalty: 0.1,
				frequencyPenalty: 0.2,
				stopSequences: ['END'],
			}),
		).toEqual({
			temperature: 0.7,
			num_predict: 100,
			top_p: 0.8,
			top_k: 5,
			seed: 42,
			presence_penalty: 0.1,
			frequency_penalty: 0.2,
			stop: ['END'],
		});
	});

	it('takes LangChain’s `stop`, and leaves out what is not a finite number or a list of strings', () => {
		expect(
			callConfigOptions({ stop: ['\n'], temperature: Number.NaN, topK: '5', seed: Infinity }),
		).toEqual({ stop: ['\n'] });
		expect(callConfigOptions({ stop: [1, 2] })).toEqual({});
		expect(callConfigOptions(undefined)).toEqual({});
	});
});

describe('callCancel', () => {
	it('is the SDK’s abortSignal, else LangChain’s signal, else none', () => {
		const sdk = new AbortController().signal;
		const langchain = new AbortController().signal;
		expect(callCancel({ abortSignal: sdk, signal: langchain })).toBe(sdk);
		expect(callCancel({ signal: langchain })).toBe(langchain);
		expect(callCancel({ signal: 'not a signal' })).toBeUndefined();
		expect(callCancel(undefined)).toBeUndefined();
	});
});
