/**
 * End to end: the shipped example `examples/gmail-digest.json` on a real n8n (2.x, Node 24) with the
 * packed package installed as a community package, against the Ollama simulator.
 *
 *  1. healthy run: one answer per email, in order, simple emails on phi3:mini (low), complex ones on
 *     qwen2.5:7b (high), and a digest of 20;
 *  2. qwen2.5:7b answers HTTP 500: every email is still answered, complex ones by falling back; once
 *     its circuit breaker opens (after 3 failed calls) it is skipped without being called.
 *
 * Needs `npm run build` first (the package is packed from dist).
 */

import type { OllamaSimulator } from '../support/simulator';
import { startExample } from '../support/e2e-run';
import {
	nodeOutput,
	pairedIndex,
	runError,
	type ExecuteResult,
	type N8nInstance,
	type N8nItem,
} from '../support/n8n-harness';

/**
 * The complex emails of the example (production incident with a Java stack trace, Python traceback,
 * contract clauses, code review, capacity plan, EXPLAIN ANALYZE, Kubernetes CrashLoopBackOff, pricing
 * model with figures). The other 12 are simple (meeting moved, thanks, receipt, newsletter, OOO, ...).
 */
const COMPLEX_IDS = new Set([
	'197342a1c0d41a11', // [SEV-1] payments-api, Java stack trace + logs
	'197342a1c0d41a44', // contract review, 5 numbered questions
	'197342a1c0d41a77', // code review with a TypeScript block
	'197342a1c0d41a99', // Python traceback, Celery export
	'197342a1c0d41acc', // Black Friday capacity planning with figures
	'197342a1c0d41aee', // Postgres EXPLAIN ANALYZE
	'197342a1c0d41b10', // Kubernetes CrashLoopBackOff + Helm values
	'197342a1c0d41b32', // pricing model with figures
]);
const EMAIL_COUNT = 20;

const LOW = { tier: 'low', model: 'phi3:mini' };
const HIGH = { tier: 'high', model: 'qwen2.5:7b' };

interface Attempt {
	model: string;
	ok: boolean;
	error?: string;
	ms?: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('examples/gmail-digest.json on n8n with the AI Dispatcher package', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator;
	let n8nVersion = '';
	let example: Awaited<ReturnType<typeof startExample>>;
	const figures: string[] = [];

	beforeAll(async () => {
		// The tests read the full decision (attempts, complexity, rules); the browser test runs the example as shipped.
		// These scenarios pin the heuristic analyser's known tiers for the example's emails (simple → low,
		// complex → high) to test fallback, rules and signals; the trained router's tiers are measured on
		// the held-out corpus (npm run complexity-report), not here.
		example = await startExample('gmail-digest.json', undefined, {
			simplifyOutput: false,
			options: { analyser: 'heuristic' },
		});
		({ n8n, sim } = example);
		n8nVersion = await n8n.version();
		expect(example.workflow.id).toBe('gmailDigestExample');
	});

	afterAll(async () => {
		await sim?.close();
		if (n8n) {
			figures.push(
				`n8n ${n8nVersion}; command timings: ${n8n.timings.map((t) => `${t.what.split(' ')[0]} ${(t.ms / 1000).toFixed(1)}s`).join(', ')}`,
			);
			await n8n.cleanup();
		}
		console.log(`[gmail-digest e2e]\n  ${figures.join('\n  ')}`);
	});

	/** Runs the example and checks what holds in every scenario; returns emails and answers by index. */
	async function runExample(
		label: string,
	): Promise<{ emails: N8nItem[]; answers: N8nItem[]; res: ExecuteResult }> {
		sim.resetStats();
		const res = await n8n.execute('gmailDigestExample');
		if (res.exitCode !== 0) {
			throw new Error(
				`${label}: n8n execute exited ${res.exitCode}: ${runError(res.run) ?? ''}\n${res.stdout.slice(-3000)}\n${res.stderr.slice(-3000)}`,
			);
		}
		const emails = nodeOutput(res.run, 'Fetch emails');
		const answers = nodeOutput(res.run, 'AI Dispatcher');
		expect(emails).toHaveLength(EMAIL_COUNT);
		expect(emails.filter((e) => COMPLEX_IDS.has(e.json.id))).toHaveLength(COMPLEX_IDS.size);

		// One item per email, each paired with its own input, in input order: none dropped or duplicated.
		expect(answers).toHaveLength(EMAIL_COUNT);
		expect(answers.map(pairedIndex)).toEqual(emails.map((_, i) => i));

		for (const [i, item] of answers.entries()) {
			const r = item.json;
			const where = `${label}: item ${i} (${emails[i].json.subject})`;
			expect({ where, error: r.error }).toEqual({ where, error: undefined });
			expect(typeof r.response).toBe('string');
			expect(r.response.trim().length).toBeGreaterThan(0);
			// The simulator prefixes its replies with the model that produced them.
			expect({ where, prefix: r.response.slice(0, r.model.length + 2) }).toEqual({
				where,
				prefix: `[${r.model}]`,
			});
			const attempts = r.attempts as Attempt[];
			expect(Array.isArray(attempts) && attempts.length > 0).toBe(true);
			expect({ where, last: attempts[attempts.length - 1] }).toMatchObject({
				where,
				last: { model: r.model, ok: true },
			});
			expect(r.complexity).toEqual(
				expect.objectContaining({ score: expect.any(Number), tier: expect.any(String) }),
			);
			expect(r.decision).toEqual(expect.objectContaining({ reason: expect.any(String) }));
		}

		const digest = nodeOutput(res.run, 'Build digest');
		expect(digest).toHaveLength(1);
		expect(digest[0].json.count).toBe(EMAIL_COUNT);
		expect(typeof digest[0].json.digest).toBe('string');
		for (const e of emails) expect(digest[0].json.digest).toContain(e.json.subject);

		const perTier: Record<string, number> = {};
		const perModel: Record<string, number> = {};
		for (const a of answers) {
			perTier[a.json.tier] = (perTier[a.json.tier] ?? 0) + 1;
			perModel[a.json.model] = (perModel[a.json.model] ?? 0) + 1;
		}
		const nodeMs = res.run?.data.resultData.runData['AI Dispatcher']?.[0]?.executionTime;
		figures.push(
			`${label}: n8n execute wall ${(res.ms / 1000).toFixed(1)}s (AI Dispatcher node ${nodeMs ?? '?'} ms); ` +
				`items per tier ${JSON.stringify(perTier)}; per model ${JSON.stringify(perModel)}; ` +
				`simulator generations ${JSON.stringify(sim.stats().generations)}`,
		);
		return { emails, answers, res };
	}

	test('healthy: simple emails on phi3:mini (low), complex ones on qwen2.5:7b (high)', async () => {
		const { emails, answers } = await runExample('healthy run');
		const got = answers.map((a, i) => ({
			id: emails[i].json.id,
			tier: a.json.tier,
			model: a.json.model,
		}));
		const want = emails.map((e) => ({
			id: e.json.id,
			...(COMPLEX_IDS.has(e.json.id) ? HIGH : LOW),
		}));
		expect(got).toEqual(want);
		for (const a of answers) {
			expect(a.json.attempts).toHaveLength(1);
		}
	});

	test('qwen2.5:7b answers HTTP 500: every email still answered, complex ones by fallback', async () => {
		sim.setFault('qwen2.5:7b', { kind: 'http500' });
		try {
			const { emails, answers } = await runExample('qwen2.5:7b http500 run');
			for (const [i, a] of answers.entries()) {
				const attempts = a.json.attempts as Attempt[];
				const where = `item ${i} (${emails[i].json.subject})`;
				if (COMPLEX_IDS.has(emails[i].json.id)) {
					if (attempts[0].model === 'qwen2.5:7b') {
						// Until its circuit breaker opens (3 failures), qwen2.5:7b is tried first (and retried once).
						expect({ where, first: attempts[0] }).toMatchObject({
							where,
							first: { model: 'qwen2.5:7b', ok: false },
						});
						expect(attempts[0].error).toMatch(/500|model runner has unexpectedly stopped/i);
						expect(attempts.length).toBeGreaterThan(1);
					} else {
						// Then it is skipped at once, and the decision says so.
						expect({ where, reason: a.json.decision.reason }).toEqual({
							where,
							reason: expect.stringMatching(/skipped qwen2\.5:7b: circuit open since /),
						});
					}
					const ok = attempts.filter((t) => t.ok);
					expect(ok).toHaveLength(1);
					expect(ok[0].model).not.toBe('qwen2.5:7b');
					expect(a.json.model).toBe(ok[0].model);
					// In plain words: a fallback, naming the model that answered and the first choice.
					expect({ where, fallback: a.json.fallback, firstChoice: a.json.firstChoice }).toEqual({
						where,
						fallback: true,
						firstChoice: 'qwen2.5:7b',
					});
					expect({ where, reason: a.json.reason }).toEqual({
						where,
						// Tried and failed ("chose qwen2.5:7b …, but it failed (server error), so <model> … answered"), or
						// skipped once its circuit opened ("chose <model> …; qwen2.5:7b skipped: it failed repeatedly …").
						reason: expect.stringMatching(
							new RegExp(
								`chose qwen2\\.5:7b .*but it failed \\(server error\\), so ${escapeRegExp(a.json.model)} |chose ${escapeRegExp(a.json.model)} .*; qwen2\\.5:7b skipped: it failed repeatedly`,
							),
						),
					});
				} else {
					expect({ where, tier: a.json.tier, model: a.json.model }).toEqual({ where, ...LOW });
					expect(attempts).toHaveLength(1);
					// Simple emails never wanted qwen2.5:7b: no fallback, no note about its circuit.
					expect({ where, fallback: a.json.fallback, reason: a.json.reason }).toEqual({
						where,
						fallback: false,
						reason: expect.not.stringContaining('qwen2.5:7b'),
					});
				}
			}
			// Every answered item's reason names the model that answered (100 %).
			const named = answers.filter((a) => String(a.json.reason).includes(a.json.model)).length;
			figures.push(
				`qwen2.5:7b http500 run: reason names the answering model on ${named} of ${answers.length} items`,
			);
			expect(named).toBe(answers.length);
			// The breaker opened after 3 failed calls: later complex emails did not call qwen2.5:7b at all.
			expect(sim.stats().generations['qwen2.5:7b']).toBe(3);
		} finally {
			sim.clearFaults();
		}
	});

	test('every model down: each email is an error item whose headline says what failed, within 200 characters', async () => {
		for (const model of ['phi3:mini', 'llama3.2:3b']) sim.setFault(model, { kind: 'reset' });
		sim.setFault('qwen2.5:7b', { kind: 'oom' });
		const node = example.workflow.nodes.find((n) => n.name === 'AI Dispatcher') as {
			continueOnFail?: boolean;
			onError?: string;
		};
		try {
			// Continue On Fail: one error item per email instead of a stopped run.
			node.onError = 'continueRegularOutput';
			await n8n.importWorkflow(example.workflow);
			const res = await n8n.execute('gmailDigestExample');
			const answers = nodeOutput(res.run, 'AI Dispatcher');
			expect(answers).toHaveLength(EMAIL_COUNT);
			const headlines = answers.map((a) => String(a.json.error));
			figures.push(
				`every model down: headline lengths ${Math.min(...headlines.map((h) => h.length))}–${Math.max(...headlines.map((h) => h.length))} chars; e.g. "${headlines[0]}"`,
			);
			for (const [i, h] of headlines.entries()) {
				expect({ i, length: h.length <= 200 }).toEqual({ i, length: true });
				expect({ i, h }).toEqual({ i, h: expect.stringMatching(/^All 3 models failed: /) });
				expect(h).not.toMatch(/connection to the server was closed/i);
				expect(answers[i].json.code).toBe('ALL_CANDIDATES_FAILED');
			}
			// The first email met every failure itself: its headline names each model by its cause.
			expect(headlines[0]).toMatch(
				/phi3:mini and llama3\.2:3b lost the connection|qwen2\.5:7b out of memory/,
			);
			expect(String(answers[0].json.description)).toMatch(/Attempts: 1\. /);
		} finally {
			sim.clearFaults();
			delete node.onError;
			await n8n.importWorkflow(example.workflow);
		}
	});
});
