/**
 * End to end: the shipped example `examples/jira-digest.json` on a real n8n (2.x, Node 24) with the
 * packed package installed as a community package, against the Ollama simulator.
 *
 *  - the UI rule "P1 tickets on the strong model" (an item-field condition on {{ $json.priority }},
 *    resolved per item by n8n) sends every P1 ticket to qwen2.5:7b, even the simple-looking one, and
 *    the decision records the rule and what its condition saw;
 *  - the JSON rule "P4 stays on the small model" keeps P4 tickets on phi3:mini;
 *  - the JSON time-window rule sees the time in the workflow's time zone (settings.timezone
 *    Europe/Berlin), read through ctx.getTimezone();
 *  - every ticket is answered, in order, each paired with its own input item.
 *
 * Needs `npm run build` first (the package is packed from dist).
 */

import type { OllamaSimulator } from '../support/simulator';
import { startExample } from '../support/e2e-run';
import { nodeOutput, pairedIndex, runError, type N8nInstance } from '../support/n8n-harness';

const TICKET_COUNT = 15;
const P1_RULE = 'P1 tickets on the strong model';
const P4_RULE = 'P4 stays on the small model';

interface RuleMatch {
	index: number;
	name: string;
	conditions: Array<{
		fact: string;
		operator: string;
		expected: unknown;
		actual: unknown;
		result: boolean;
	}>;
}

describe('examples/jira-digest.json on n8n with the AI Dispatcher package', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	const figures: string[] = [];

	beforeAll(async () => {
		// The tests read the full decision (attempts, complexity, rules); the browser test runs the example as shipped.
		// These scenarios pin the heuristic analyser's known tiers for the example's emails (simple → low,
		// complex → high) to test fallback, rules and signals; the trained router's tiers are measured on
		// the held-out corpus (npm run complexity-report), not here.
		const example = await startExample('jira-digest.json', undefined, {
			simplifyOutput: false,
			options: { analyser: 'heuristic' },
		});
		({ n8n, sim } = example);
		expect(example.workflow.id).toBe('jiraDigestExample');
	});

	afterAll(async () => {
		await sim?.close();
		if (n8n) await n8n.cleanup();
		console.log(`[jira-digest e2e]\n  ${figures.join('\n  ')}`);
	});

	test('P1 tickets on qwen2.5:7b by the UI rule, P4 on phi3:mini by the JSON rule, every ticket answered and paired', async () => {
		const res = await n8n.execute('jiraDigestExample');
		if (res.exitCode !== 0) {
			throw new Error(
				`n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`,
			);
		}
		const tickets = nodeOutput(res.run, 'Fetch Jira tickets');
		const answers = nodeOutput(res.run, 'AI Dispatcher');
		expect(tickets).toHaveLength(TICKET_COUNT);
		expect(answers).toHaveLength(TICKET_COUNT);
		expect(answers.map(pairedIndex)).toEqual(tickets.map((_, i) => i));

		for (const [i, item] of answers.entries()) {
			const r = item.json;
			const ticket = tickets[i].json;
			const where = `item ${i} (${ticket.key} ${ticket.priority})`;
			expect({ where, error: r.error }).toEqual({ where, error: undefined });
			expect({ where, prefix: String(r.response).slice(0, r.model.length + 2) }).toEqual({
				where,
				prefix: `[${r.model}]`,
			});
			const rules = (r.decision.rules ?? []) as RuleMatch[];
			const names = rules.map((m) => m.name);

			if (ticket.priority === 'P1') {
				expect({ where, model: r.model }).toEqual({ where, model: 'qwen2.5:7b' });
				// The rule stops further matching, so it is the only one recorded.
				expect(rules).toEqual([
					{
						index: 0,
						name: P1_RULE,
						conditions: [
							{ fact: 'item', operator: 'equal', expected: 'P1', actual: 'P1', result: true },
						],
					},
				]);
				expect(r.decision.reason).toContain(`rules matched: "${P1_RULE}", model qwen2.5:7b forced`);
				expect(r.decision.candidates[0].reasons).toContain(`forced by rule "${P1_RULE}"`);
			} else {
				expect({ where, names }).not.toEqual({ where, names: expect.arrayContaining([P1_RULE]) });
				// The output says why the P1 rule did not match: its condition and the priority it saw.
				expect({
					where,
					p1: (r.rules as Array<{ rule: string }>).find((x) => x.rule === P1_RULE),
				}).toEqual({
					where,
					p1: {
						rule: P1_RULE,
						matched: false,
						why: `Item Field equals "P1": saw "${ticket.priority}"`,
					},
				});
			}
			if (ticket.priority === 'P4') {
				expect({ where, model: r.model }).toEqual({ where, model: 'phi3:mini' });
				expect(names).toContain(P4_RULE);
				const condition = rules.find((m) => m.name === P4_RULE)?.conditions[0];
				expect(condition).toEqual({
					fact: 'item.priority',
					operator: 'equal',
					expected: 'P4',
					actual: 'P4',
					result: true,
				});
				expect(
					r.decision.candidates.find((c: { model: string }) => c.model === 'qwen2.5:7b').excluded,
				).toBe(`rule: "${P4_RULE}" (at most low tier)`);
			}
		}

		// Every non-P1 ticket went on to the JSON rules; the time window saw Berlin time.
		const later = answers.filter((_, i) => tickets[i].json.priority !== 'P1');
		for (const a of later) {
			const window = (a.json.decision.rules as RuleMatch[]).find(
				(m) => m.name === 'Digest answers stay short',
			);
			expect(window?.conditions[0]).toMatchObject({
				fact: 'time',
				operator: 'within',
				result: true,
				actual: expect.stringMatching(/^(mon|tue|wed|thu|fri|sat|sun) \d\d:\d\d Europe\/Berlin$/),
			});
		}

		// The simple-looking P1 (VPN in the board room) is low by complexity, high by rule.
		const vpn = answers[tickets.findIndex((t) => t.json.key === 'OPS-4105')].json;
		expect(vpn.complexity.tier).toBe('low');
		expect(vpn.model).toBe('qwen2.5:7b');

		const digest = nodeOutput(res.run, 'Build digest');
		expect(digest).toHaveLength(1);
		expect(digest[0].json.count).toBe(TICKET_COUNT);
		for (const t of tickets) expect(digest[0].json.digest).toContain(t.json.key);

		const perModel: Record<string, number> = {};
		for (const a of answers) perModel[a.json.model] = (perModel[a.json.model] ?? 0) + 1;
		const nodeMs = res.run?.data.resultData.runData['AI Dispatcher']?.[0]?.executionTime;
		figures.push(
			`n8n execute wall ${(res.ms / 1000).toFixed(1)}s (AI Dispatcher node ${nodeMs ?? '?'} ms); per model ${JSON.stringify(perModel)}`,
		);
	});
});
