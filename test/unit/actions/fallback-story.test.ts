/**
 * What a person reads when the strong model is down: every answered item's `reason` names the
 * model that answered and why the first choice did not; `fallback` and `firstChoice` say so; the
 * node adds one warning hint; a circuit note appears only on items that would have used that model.
 */
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import { runNode } from '../../support/node-run';

let sim: OllamaSimulator;
beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.001, numParallel: 4 });
});
afterAll(async () => {
	await sim.close();
});
afterEach(() => sim.clearFaults());

/** Items alternating simple (forced low) and complex (forced high). */
const complexity = (i: number) => (i % 2 === 0 ? 'low' : 'high');
const prompts = (n: number) =>
	Array.from({ length: n }, (_, i) => `item ${i}: ${i % 2 === 0 ? 'say hi' : 'prove the theorem'}`);

describe('with qwen2.5:7b out of memory', () => {
	it('every answered item names the model that answered; fallbacks say so and why; one warning hint', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'oom' });
		const { result, ctx } = runNode({
			baseUrl: sim.url,
			prompts: prompts(12),
			state: createDispatcherState(),
			params: { complexity, simplifyOutput: true },
			options: { maxRetries: 0, breakerFailures: 2 },
		});
		const [items] = await result;
		expect(items).toHaveLength(12);
		for (const [i, { json }] of items.entries()) {
			const reason = String(json.reason);
			expect(reason).toContain(String(json.model));
			expect(reason).not.toContain('\n');
			if (i % 2 === 0) {
				// Simple items never wanted qwen2.5:7b: no fallback, no circuit note.
				expect(json).toMatchObject({ model: 'phi3:mini', fallback: false });
				expect(json.firstChoice).toBeUndefined();
				expect(reason).toBe('Complexity set to low: chose phi3:mini (low tier)');
			} else {
				expect(json).toMatchObject({ fallback: true, firstChoice: 'qwen2.5:7b' });
				expect(json.model).not.toBe('qwen2.5:7b');
				expect(reason).toMatch(/qwen2\.5:7b/);
				expect(reason).toMatch(/out of memory|failed repeatedly/);
			}
		}
		// The first two complex items tried qwen2.5:7b and failed; then its circuit opened and the rest skipped it.
		expect(items[1].json.reason).toBe(
			'Complexity set to high: chose qwen2.5:7b (high tier), but it failed (out of memory), so llama3.2:3b (medium tier) answered',
		);
		expect(items[11].json.reason).toMatch(
			/^Complexity set to high: chose llama3\.2:3b \(medium tier; high-tier models were not usable now\); qwen2\.5:7b skipped: it failed repeatedly \(tried again after \d\d:\d\d:\d\d UTC\)$/,
		);
		expect(ctx.hints).toEqual([
			{
				type: 'warning',
				location: 'outputPane',
				message:
					"6 of 12 items were answered by a fallback model because qwen2.5:7b did not answer; each item's reason says why.",
			},
		]);
	});

	it('the full output keeps the scores in decision.reason', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'oom' });
		const [items] = await runNode({
			baseUrl: sim.url,
			prompts: ['Explain this stack trace in detail'],
			params: { complexity: 'high' },
			options: { maxRetries: 0 },
		}).result;
		const json = items[0].json as {
			reason: string;
			decision: { reason: string };
			fallback: boolean;
		};
		expect(json.fallback).toBe(true);
		expect(json.decision.reason).toMatch(/complexity forced to high.*chose qwen2\.5:7b \(high\)/);
		expect(json.reason).toContain('so llama3.2:3b (medium tier) answered');
	});
});

it('no hint and no fallback field set when every first choice answered', async () => {
	const { result, ctx } = runNode({
		baseUrl: sim.url,
		prompts: prompts(4),
		params: { complexity, simplifyOutput: true },
	});
	const [items] = await result;
	expect(items.map((i) => i.json.fallback)).toEqual([false, false, false, false]);
	expect(items.map((i) => i.json.model)).toEqual([
		'phi3:mini',
		'qwen2.5:7b',
		'phi3:mini',
		'qwen2.5:7b',
	]);
	expect(ctx.hints).toEqual([]);
});
