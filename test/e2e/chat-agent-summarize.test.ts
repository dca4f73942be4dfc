/**
 * End to end on a real n8n 2.40.7 with the packed package, against the Ollama simulator:
 *
 *  1. `examples/jira-triage-agent.json`: AI Agent + AI Dispatcher Chat Model + a Code Tool. For each
 *     question the first call carries the tool: phi3:mini (no tool support in /api/show) is skipped
 *     for it and the decision says so; the model calls lookup_ticket, the tool runs, its result
 *     reaches the model as a `tool` message, and the final answer quotes it.
 *  2. A Summarization Chain (map-reduce, default settings) over a long incident report with the same
 *     sub-node: every call it makes answered, each with its decision (the number of calls is printed).
 *
 * Needs `npm run build` first.
 */
import type { OllamaSimulator } from '../support/simulator';
import { startExample } from '../support/e2e-run';
import {
	nodeOutput,
	pairedIndex,
	runError,
	type ExecuteResult,
	type N8nInstance,
} from '../support/n8n-harness';
import { NO_TOOL_SUPPORT } from '../../nodes/LmChatAiDispatcher/call/toolSupport';
import { chatCalls, perModel } from '../support/chat-calls';

const SUB_NODE = 'AI Dispatcher Chat Model';
const TICKETS: Record<string, string> = {
	'OPS-4101': 'Open',
	'OPS-4107': 'Blocked',
	'OPS-4112': 'In Progress',
};

describe('AI Agent and Summarization Chain with the AI Dispatcher Chat Model on n8n', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	const figures: string[] = [];

	beforeAll(async () => {
		const example = await startExample('jira-triage-agent.json', {
			timeScale: 0.02,
			numParallel: 2,
		});
		({ n8n, sim } = example);
		expect(example.workflow.id).toBe('jiraAgentExample');
	});

	afterAll(async () => {
		await sim?.close();
		if (n8n) {
			figures.push(
				`n8n ${await n8n.version()}; command timings: ${n8n.timings.map((t) => `${t.what.split(' ')[0]} ${(t.ms / 1000).toFixed(1)}s`).join(', ')}`,
			);
			await n8n.cleanup();
		}
		console.log(`[chat-agent-summarize e2e]\n  ${figures.join('\n  ')}`);
	});

	async function execute(id: string): Promise<ExecuteResult> {
		sim.resetStats();
		const res = await n8n.execute(id);
		if (res.exitCode !== 0)
			throw new Error(
				`n8n execute ${id} exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`,
			);
		return res;
	}

	test('jira-triage-agent: tool called, result reaches the model, final answer; phi3:mini skipped for tool calls', async () => {
		const res = await execute('jiraAgentExample');
		const questions = nodeOutput(res.run, 'Triage questions');
		const answers = nodeOutput(res.run, 'Triage agent');
		expect(answers.map(pairedIndex)).toEqual(questions.map((_, i) => i));

		const calls = chatCalls(res.run, SUB_NODE);
		// Two calls per question: the tool call, then the answer after the tool result.
		expect(calls).toHaveLength(2 * questions.length);
		for (const call of calls) {
			expect(call.input.tools).toEqual(['lookup_ticket']);
			expect(call.output?.skippedForTools).toEqual(['phi3:mini']);
			expect(call.output?.decision.candidates.find((c) => c.model === 'phi3:mini')?.excluded).toBe(
				NO_TOOL_SUPPORT,
			);
			expect(call.output?.model).not.toBe('phi3:mini');
		}
		expect(sim.stats().generations['phi3:mini'] ?? 0).toBe(0);

		const toolRuns = res.run?.data.resultData.runData['lookup_ticket'] ?? [];
		expect(toolRuns).toHaveLength(questions.length);

		for (const [i, q] of questions.entries()) {
			const key = /OPS-\d+/.exec(q.json.question)?.[0] as string;
			const mine = calls.filter((c) => c.input.analysedText === q.json.question);
			expect({ key, calls: mine.length }).toEqual({ key, calls: 2 });
			const [toolCall, final] = mine;
			expect(toolCall.output?.toolCalls).toEqual(['lookup_ticket']);
			// The tool's result went back to the model as a `tool` message.
			const toolMessage = final.input.messages.find((m) => m.role === 'tool');
			// n8n's Code Tool returns its text wrapped as [{"response": "..."}]; the model gets it as n8n sends it.
			expect({ key, content: toolMessage?.content }).toEqual({
				key,
				content: expect.stringMatching(new RegExp(`key\\\\*":\\\\*"${key}`)),
			});
			expect(toolMessage?.content).toContain(TICKETS[key]);
			expect(final.output?.toolCalls).toEqual([]);
			// The final answer is built from the tool result (the simulator quotes it).
			expect(answers[i].json.output).toEqual(expect.stringContaining('From the tool result:'));
			expect(answers[i].json.output).toEqual(expect.stringContaining(key));
			expect(answers[i].json.output).toEqual(expect.stringContaining(TICKETS[key]));
		}
		figures.push(
			`jira-triage-agent: ${calls.length} calls, per model ${JSON.stringify(perModel(calls))}; tool runs ${toolRuns.length}; simulator ${JSON.stringify(sim.stats().generations)}; wall ${(res.ms / 1000).toFixed(1)}s`,
		);
	});

	test('Summarization Chain over a long report: every call answered with a decision', async () => {
		const report = [
			'Incident report INC-2291: checkout outage on 14 March.',
			...Array.from(
				{ length: 24 },
				(_, i) =>
					`Finding ${i + 1}: between 14:0${i % 10} and 14:1${i % 10} UTC the payments API returned HTTP 500 for card payments in region eu-${(i % 3) + 1}; ` +
					'the connection pool was exhausted because the fraud check ran inside the charge transaction and held connections for up to 30 seconds.',
			),
		].join('\n');
		await n8n.importWorkflow({
			id: 'chatSummarize',
			name: 'Summarization Chain with the AI Dispatcher Chat Model',
			nodes: [
				{
					id: 's1',
					name: 'Start',
					type: 'n8n-nodes-base.manualTrigger',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
				{
					id: 's2',
					name: 'Report',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [200, 0],
					parameters: {
						mode: 'runOnceForAllItems',
						jsCode: `return [{ json: { report: ${JSON.stringify(report)} } }];`,
					},
				},
				{
					id: 's3',
					name: 'Summarize report',
					type: '@n8n/n8n-nodes-langchain.chainSummarization',
					typeVersion: 2.1,
					position: [400, 0],
					parameters: {
						operationMode: 'nodeInputJson',
						chunkingMode: 'simple',
						chunkSize: 1000,
						chunkOverlap: 0,
						options: {},
					},
				},
				{
					id: 's4',
					name: SUB_NODE,
					type: 'n8n-nodes-ai-dispatcher.lmChatAiDispatcher',
					typeVersion: 1,
					position: [400, 200],
					credentials: {
						aiDispatcherApi: { id: 'aiDispatcherCred1', name: 'AI Dispatcher account' },
					},
					parameters: {
						modelSource: 'list',
						models: {
							model: [
								{ name: 'phi3:mini', tier: 'low' },
								{ name: 'llama3.2:3b', tier: 'medium' },
								{ name: 'qwen2.5:7b', tier: 'high' },
							],
						},
						options: {},
					},
				},
			],
			connections: {
				Start: { main: [[{ node: 'Report', type: 'main', index: 0 }]] },
				Report: { main: [[{ node: 'Summarize report', type: 'main', index: 0 }]] },
				[SUB_NODE]: {
					ai_languageModel: [[{ node: 'Summarize report', type: 'ai_languageModel', index: 0 }]],
				},
			},
			settings: { executionOrder: 'v1' },
		});
		const res = await execute('chatSummarize');
		const out = nodeOutput(res.run, 'Summarize report');
		expect(out).toHaveLength(1);
		expect(JSON.stringify(out[0].json)).toMatch(/\[[\w.:]+\] /); // the combined summary, from a model
		const calls = chatCalls(res.run, SUB_NODE);
		expect(calls.length).toBeGreaterThanOrEqual(1);
		for (const c of calls) {
			expect(c.error).toBeUndefined();
			expect(c.output?.attempts[c.output.attempts.length - 1]).toMatchObject({
				model: c.output?.model,
				ok: true,
			});
			expect(c.output?.response.startsWith(`[${c.output?.model}]`)).toBe(true);
		}
		figures.push(
			`summarization chain: ${calls.length} calls, per model ${JSON.stringify(perModel(calls))}, tiers ${JSON.stringify(calls.map((c) => c.output?.tier))}; wall ${(res.ms / 1000).toFixed(1)}s`,
		);
	});
});
