import * as vm from 'node:vm';

import {
	analyseComplexity,
	tierForScore,
} from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import { estimateTokens } from '../../../../nodes/AiDispatcher/engine/analysis/measure';

const JAVA_TRACE = `Summarize this email and say what the sender needs.

Subject: Checkout API down since 09:12
Hi team, payments fail for every customer. Can you find the root cause? Logs below:

2026-11-20 09:12:03 ERROR [http-nio-8080-exec-4] c.a.checkout.PaymentService - charge failed
java.lang.NullPointerException: Cannot invoke "Customer.getId()" because "customer" is null
    at com.acme.checkout.PaymentService.charge(PaymentService.java:118)
    at com.acme.checkout.CheckoutController.submit(CheckoutController.java:64)
    at org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)
Caused by: java.sql.SQLTimeoutException: query timed out after 30000 ms
    at com.zaxxer.hikari.pool.ProxyStatement.executeQuery(ProxyStatement.java:52)
2026-11-20 09:12:05 WARN  [pool-2] HikariPool-1 - Connection is not available, request timed out after 30001ms.

What changed, and what should we roll back first?`;

const CODE_REVIEW = `Please review this function and fix the bug:

\`\`\`python
def average(values):
    total = 0
    for v in values:
        total += v
    return total / len(values)
\`\`\`

It crashes on empty lists. Also: is the loop idiomatic?`;

describe('analyseComplexity', () => {
	it.each([
		[
			'a meeting move',
			'low',
			'Summarize: Hi Anna, can we move our 1:1 from Tuesday to Wednesday 10am? Thanks, Ben',
		],
		['a thank-you', 'low', 'Thanks a lot for the quick delivery yesterday!'],
		['a one-word prompt', 'low', 'Hello'],
		['a Java incident with a stack trace', 'high', JAVA_TRACE],
		['a code review with a fenced block', 'high', CODE_REVIEW],
	])('puts %s on the %s tier', (_name, tier, text) => {
		expect(analyseComplexity(text).tier).toBe(tier);
	});

	it('scores the stack trace well above the simple mail and names the features that drove it', () => {
		const simple = analyseComplexity('Summarize: lunch at noon on Friday?');
		const trace = analyseComplexity(JAVA_TRACE);
		expect(trace.score).toBeGreaterThan(simple.score + 0.4);
		const contributions = Object.fromEntries(trace.features.map((f) => [f.name, f]));
		expect(contributions.stack_trace_lines.value).toBeGreaterThanOrEqual(5);
		expect(contributions.stack_trace_lines.contribution).toBeGreaterThan(0);
		expect(contributions.log_lines.value).toBeGreaterThanOrEqual(2);
		const sum = trace.features.reduce((s, f) => s + f.contribution, 0);
		expect(trace.score).toBeCloseTo(Math.min(1, Math.max(0, sum)), 2);
	});

	it.each([
		[
			'Classify this ticket as bug, feature or question: the export button is grey',
			'classification',
		],
		[
			'Extract the order number and delivery date from this email: Order #4411 ships 3 May',
			'extraction',
		],
		['Give me a TL;DR of the thread below', 'summarization'],
		['Write a function that parses ISO dates in TypeScript', 'code'],
		[JAVA_TRACE, 'analysis'],
		['What is the capital of Peru', 'general'],
	])('detects the task of %#', (text, task) => {
		expect(analyseComplexity(text).task).toBe(task);
	});

	it('keeps an explicit task and a forced tier, and says the tier was forced', () => {
		const result = analyseComplexity('Hello', { task: 'code', complexity: 'high' });
		expect(result).toMatchObject({ task: 'code', tier: 'high', forced: true });
		expect(analyseComplexity('Hello').forced).toBe(false);
	});

	it('scores German, French and Spanish incidents above their routine mails', () => {
		const pairs = [
			[
				'Danke für die Einladung, ich komme gerne.',
				'Bitte analysiere die Ursache: \nERROR: connection refused\n  at db.connect (pool.js:12:5)\n  at main (app.js:4:1)\nWarum passiert das nach jedem Deployment? Was sollen wir prüfen?',
			],
			[
				'Merci pour votre message, à demain.',
				'Pourquoi le service tombe ? Trouvez la cause racine :\nTraceback (most recent call last):\n  File "app.py", line 10, in <module>\n  File "db.py", line 3, in connect\nConnectionError: timeout',
			],
			[
				'Gracias, nos vemos el lunes.',
				'¿Por qué falla? Analiza la causa raíz y compara dos soluciones:\npanic: runtime error: index out of range\ngoroutine 1 [running]:\nmain.main()\n\t/app/main.go:12 +0x1d',
			],
		];
		for (const [routine, incident] of pairs) {
			expect(analyseComplexity(incident).score).toBeGreaterThan(
				analyseComplexity(routine).score + 0.25,
			);
			expect(analyseComplexity(routine).tier).toBe('low');
		}
	});

	it('analyses a 1 MB prompt on a bounded sample and still counts every token', () => {
		const huge = 'word '.repeat(200_000);
		const result = analyseComplexity(huge);
		expect(result.tokens).toBe(estimateTokens(huge));
		expect(result.tokens).toBeGreaterThan(200_000);
		expect(result.score).toBeLessThanOrEqual(1);
	});

	// A catastrophic regex does not throw: it runs for minutes. `bounded` stops any synchronous work
	// past its budget (V8 terminates it), so these tests fail on a hang instead of timing out jest.
	// The budget is two orders of magnitude above the normal cost; it bounds work, it times nothing.
	const BUDGET_MS = 2_000;
	const bounded = <T>(work: () => T): T =>
		vm.runInNewContext('work()', { work }, { timeout: BUDGET_MS }) as T;

	it('the bound catches a catastrophic regex (the check below can fail)', () => {
		expect(() => bounded(() => /^(a+)+$/.test(`${'a'.repeat(40)}!`))).toThrow(/timed out/);
	});

	it.each([
		['one 100 000-character line', `${'a'.repeat(100_000)};`],
		['nested brackets', `${'('.repeat(20_000)}x${')'.repeat(20_000)}`],
		['a stack-trace prefix repeated', '    at '.repeat(20_000)],
		['backticks without a closing fence', '```'.repeat(20_000)],
		['digits and dots', '1.'.repeat(50_000)],
	])('analyses %s within a bounded amount of work', (_name, text) => {
		const result = bounded(() => analyseComplexity(text));
		expect(result.tokens).toBe(estimateTokens(text));
		expect(['low', 'medium', 'high']).toContain(result.tier);
	});
});

describe('tierForScore', () => {
	it.each([
		[0, 'low'],
		[0.149, 'low'],
		[0.15, 'medium'],
		[0.399, 'medium'],
		[0.4, 'high'],
		[1, 'high'],
	] as const)('maps %s to %s', (score, tier) => {
		expect(tierForScore(score)).toBe(tier);
	});

	it('honours custom thresholds', () => {
		expect(tierForScore(0.5, { medium: 0.2, high: 0.4 })).toBe('high');
	});
});

describe('estimateTokens', () => {
	it.each([
		['', 0],
		['abcd', 1],
		['abcde', 2],
		['日本語', 3],
	])('estimates %j as %d tokens', (text, tokens) => {
		expect(estimateTokens(text)).toBe(tokens);
	});
});
