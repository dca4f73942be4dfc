/**
 * Helpers for the chat-model e2e tests: the sub-node's per-call entries (the decisions it logs for
 * n8n's logs panel) out of a run, and per-model counts.
 */
import type { N8nRun } from './n8n-harness';

/** One call as the AI Dispatcher Chat Model logged it (input: conversation; output: decision). */
export interface ChatCallEntry {
	input: {
		analysedText: string;
		tools: string[];
		streaming: boolean;
		messages: Array<{ role: string; content: string }>;
	};
	output?: {
		summary: string;
		model: string;
		tier: string;
		reason: string;
		response: string;
		skippedForTools: string[];
		toolCalls: string[];
		attempts: Array<{ model: string; ok: boolean; error: string | null; kind?: string }>;
		decision: { candidates: Array<{ model: string; excluded?: string }> };
	};
	error?: { message?: string };
}

/**
 * The calls the sub-node `nodeName` logged, in order: ours are the runs whose input carries
 * `analysedText` (n8n's own LLM tracing entries, messages → generations, are not logged; see
 * `subNodeRuns` to check that every run is one of ours).
 */
export function chatCalls(run: N8nRun | null, nodeName: string): ChatCallEntry[] {
	const runs = run?.data?.resultData?.runData?.[nodeName];
	if (!runs)
		throw new Error(
			`sub-node "${nodeName}" has no runs (ran: ${Object.keys(run?.data?.resultData?.runData ?? {}).join(', ')})`,
		);
	const calls: ChatCallEntry[] = [];
	for (const task of runs) {
		const inputs = (
			task as {
				inputOverride?: { ai_languageModel?: Array<Array<{ json: ChatCallEntry['input'] }>> };
			}
		).inputOverride;
		const input = inputs?.ai_languageModel?.[0]?.[0]?.json;
		if (!input || typeof input.analysedText !== 'string') continue;
		const output = (
			task.data as
				{ ai_languageModel?: Array<Array<{ json: ChatCallEntry['output'] }>> } | undefined
		)?.ai_languageModel?.[0]?.[0]?.json;
		calls.push({ input, output, ...(task.error ? { error: task.error } : {}) });
	}
	return calls;
}

/** How many runs (entries in n8n's logs panel) the sub-node `nodeName` has in all. */
export function subNodeRuns(run: N8nRun | null, nodeName: string): number {
	return run?.data?.resultData?.runData?.[nodeName]?.length ?? 0;
}

/** How many calls each model answered. */
export function perModel(calls: ChatCallEntry[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const c of calls) {
		const model = c.output?.model ?? 'failed';
		counts[model] = (counts[model] ?? 0) + 1;
	}
	return counts;
}
