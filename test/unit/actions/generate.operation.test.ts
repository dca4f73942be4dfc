/**
 * actions/generate.operation.ts: `plan` reads the item and plans it without calling a model,
 * `answer` calls the planned model and builds the output, `execute` is both (with fallback).
 */
import * as generate from '../../../nodes/AiDispatcher/actions/generate.operation';
import { actionSession } from '../../support/action-session';
import { fakePorts, scriptedOllama, type Script } from '../../support/fakes';

async function setup(script: Script, params: Record<string, unknown> = {}) {
	const { ollama, calls } = scriptedOllama(script);
	const { session } = await actionSession({
		prompts: ['Summarize: lunch moved to 1pm', 'Why does this stack trace happen?'],
		params: { complexity: (i: number) => (i === 0 ? 'low' : 'high'), ...params },
		ports: fakePorts(ollama),
	});
	return { session, calls };
}

const ANSWERS: Script = {
	'phi3:mini': ['low answer'],
	'llama3.2:3b': ['medium answer'],
	'qwen2.5:7b': ['high answer'],
};

describe('generate.plan', () => {
	it("plans the item's tier and model without calling any model", async () => {
		const { session, calls } = await setup(ANSWERS);
		const low = await generate.plan(session, 0);
		const high = await generate.plan(session, 1);
		expect(low.decision.model).toBe('phi3:mini');
		expect(high.decision.model).toBe('qwen2.5:7b');
		expect(calls).toHaveLength(0);
	});

	it('rejects an item whose request cannot be read, naming what is wrong', async () => {
		const { session, calls } = await setup(ANSWERS, { prompt: '' });
		await expect(generate.plan(session, 0)).rejects.toThrow('The prompt is empty');
		expect(calls).toHaveLength(0);
	});
});

describe('generate.answer', () => {
	it("calls the planned model once with the item's prompt and returns its reply", async () => {
		const { session, calls } = await setup(ANSWERS);
		const planned = await generate.plan(session, 1);
		const json = await generate.answer(session, 1, planned);
		expect(calls.map((c) => [c.model, c.prompt])).toEqual([
			['qwen2.5:7b', 'Why does this stack trace happen?'],
		]);
		expect(json).toMatchObject({ response: 'high answer', model: 'qwen2.5:7b', tier: 'high' });
	});

	it('returns the simplified output with Simplify Output on, the full decision with it off', async () => {
		const simple = await setup(ANSWERS);
		const short = await generate.answer(simple.session, 0, await generate.plan(simple.session, 0));
		expect(short).not.toHaveProperty('decision');
		expect(typeof short.reason).toBe('string');

		const full = await setup(ANSWERS, { simplifyOutput: false });
		const long = await generate.answer(full.session, 0, await generate.plan(full.session, 0));
		expect(long).toHaveProperty('decision');
		expect(long).toHaveProperty('attempts');
	});
});

describe('generate.execute', () => {
	it('falls back to the next model when the first choice fails, and says which failed', async () => {
		const { session, calls } = await setup({
			...ANSWERS,
			'qwen2.5:7b': [{ fail: 'http_5xx', message: 'model requires more system memory' }],
		});
		const json = await generate.execute(session, 1);
		expect(calls[0].model).toBe('qwen2.5:7b');
		expect(json.response).not.toBe('high answer');
		expect(json).toMatchObject({ fallback: true, firstChoice: 'qwen2.5:7b' });
		expect(json.model).toBe('llama3.2:3b');
		expect(json.reason).toContain(
			'but it failed (out of memory), so llama3.2:3b (medium tier) answered',
		);
	});
});
