/**
 * actions/selectModel.operation.ts: the plan only (model, tier, host, reason, the think to send),
 * for another node to call the model; no model is called.
 */
import * as selectModel from '../../../nodes/AiDispatcher/actions/selectModel.operation';
import { actionSession } from '../../support/action-session';
import { fakePorts, scriptedOllama } from '../../support/fakes';

const PROMPTS = ['Thanks, got it!', 'Why does this deadlock? Walk through the lock order.'];

/** `thinkingModels` list the `thinking` capability on /api/show; every model lists `completion`. */
async function setup(params: Record<string, unknown> = {}, thinkingModels: string[] = []) {
	const { ollama, calls } = scriptedOllama({});
	const capabilitiesAsked: string[] = [];
	const capabilities = async (_url: string, model: string) => {
		capabilitiesAsked.push(model);
		return thinkingModels.includes(model) ? ['completion', 'thinking'] : ['completion'];
	};
	const ports = fakePorts({ ...ollama, capabilities });
	const { session } = await actionSession({
		prompts: PROMPTS,
		credentials: { baseUrl: 'http://ollama-a:11434' },
		params: {
			operation: 'selectModel',
			complexity: (i: number) => (i === 0 ? 'low' : 'high'),
			...params,
		},
		ports,
	});
	return { session, calls, capabilitiesAsked };
}

describe('selectModel.execute', () => {
	it("names the item's model, tier, host and why, without calling any model", async () => {
		const { session, calls } = await setup();
		const low = await selectModel.execute(session, 0);
		const high = await selectModel.execute(session, 1);
		expect(low).toMatchObject({
			model: 'phi3:mini',
			tier: 'low',
			baseUrl: 'http://ollama-a:11434',
		});
		expect(high).toMatchObject({ model: 'qwen2.5:7b', tier: 'high' });
		expect(String(high.reason)).toContain('qwen2.5:7b');
		expect(calls).toHaveLength(0);
	});

	it('returns only those fields with Simplify Output on, the measurements and decision with it off', async () => {
		const simple = await selectModel.execute((await setup()).session, 1);
		expect(simple).not.toHaveProperty('complexity');
		expect(simple).not.toHaveProperty('decision');
		const full = await selectModel.execute((await setup({ simplifyOutput: false })).session, 1);
		expect(full).toHaveProperty('complexity');
		expect(full).toHaveProperty('decision');
		expect(full.model).toBe(simple.model);
	});

	it("asks the host whether the chosen model thinks, and gives the think to send for the item's tier", async () => {
		const { session, capabilitiesAsked } = await setup({}, ['qwen2.5:7b']);
		const high = await selectModel.execute(session, 1);
		expect(capabilitiesAsked).toContain('qwen2.5:7b');
		expect(high.thinking).toMatchObject({ think: true });
		const low = await selectModel.execute(session, 0);
		expect(low).not.toHaveProperty('thinking');
	});

	it('gives no thinking field for a model that does not think', async () => {
		const { session } = await setup();
		expect(await selectModel.execute(session, 1)).not.toHaveProperty('thinking');
	});
});
