import {
	CostLedger,
	isRefusal,
	MAX_LEDGER_EXECUTIONS,
	utcDay,
	type Reservation,
} from '../../../../nodes/AiDispatcher/engine/cost/ledger';

const day = Date.parse('2026-12-06T12:00:00Z');
const scope = (executionId = 'e1', nowMs = day) => ({ credential: 'cred-1', executionId, nowMs });

describe('CostLedger', () => {
	it('lets exactly N calls of cost c through a budget of N × c, then refuses naming the budget, limit and spend', () => {
		const ledger = new CostLedger();
		const c = 6_450_000n;
		let allowed = 0;
		for (let i = 0; i < 20; i++) {
			const r = ledger.reserve(scope(), 'cloud', c, { perExecutionPico: 7n * c });
			if (isRefusal(r)) {
				expect(r).toEqual({
					budget: 'execution',
					limitPico: 7n * c,
					spentPico: 7n * c,
					estimatePico: c,
				});
				continue;
			}
			allowed++;
			ledger.settle(r, c);
		}
		expect(allowed).toBe(7);
		expect(ledger.report(scope()).execution).toEqual({
			spent: '0.00004515',
			calls: 7,
			byModel: { cloud: '0.00004515' },
		});
	});

	it('reservations count at once: concurrent calls cannot pass the budget together', () => {
		const ledger = new CostLedger();
		const held: Reservation[] = [];
		for (let i = 0; i < 10; i++) {
			const r = ledger.reserve(scope(), 'cloud', 100n, { perExecutionPico: 300n });
			if (!isRefusal(r)) held.push(r);
		}
		expect(held).toHaveLength(3);
		ledger.release(held[0]);
		expect(isRefusal(ledger.reserve(scope(), 'cloud', 100n, { perExecutionPico: 300n }))).toBe(
			false,
		);
	});

	it('the day budget spans executions; a new UTC day starts at 0', () => {
		const ledger = new CostLedger();
		const budgets = { perDayPico: 250n };
		for (const id of ['a', 'b']) {
			const r = ledger.reserve(scope(id), 'cloud', 100n, budgets);
			if (isRefusal(r)) throw new Error('refused');
			ledger.settle(r, 100n);
		}
		const third = ledger.reserve(scope('c'), 'cloud', 100n, budgets);
		expect(isRefusal(third) && third.budget).toBe('day');
		const tomorrow = day + 24 * 3600_000;
		expect(utcDay(tomorrow)).toBe('2026-12-07');
		expect(isRefusal(ledger.reserve(scope('c', tomorrow), 'cloud', 100n, budgets))).toBe(false);
	});

	it('remembers the largest call per model (the next estimate)', () => {
		const ledger = new CostLedger();
		const r = ledger.reserve(scope(), 'cloud', 0n, {});
		if (isRefusal(r)) throw new Error('refused');
		ledger.settle(r, 42n);
		expect(ledger.largestCallPico('cred-1', 'cloud')).toBe(42n);
		expect(ledger.largestCallPico('cred-1', 'other')).toBe(0n);
	});

	it('is bounded: old executions are forgotten', () => {
		const ledger = new CostLedger();
		for (let i = 0; i < MAX_LEDGER_EXECUTIONS + 10; i++) {
			const r = ledger.reserve(scope(`e${i}`), 'cloud', 1n, {});
			if (!isRefusal(r)) ledger.settle(r, 1n);
		}
		expect(ledger.report(scope('e0')).execution.calls).toBe(0);
		expect(ledger.report(scope(`e${MAX_LEDGER_EXECUTIONS + 9}`)).execution.calls).toBe(1);
		expect(ledger.report(scope()).today.calls).toBe(MAX_LEDGER_EXECUTIONS + 10);
	});
});
