/**
 * What priced models cost, per credential: spend per UTC day and per execution, per model, and the
 * budgets that hold it. A call is reserved before it is made (its estimated cost counts at once,
 * so concurrent items cannot together pass a budget) and settled with its real cost after.
 * Bounded: at most `maxExecutions` executions and `maxDays` days are remembered per ledger.
 */
import { picoToDecimal, type PicoAmount } from './price';

/** Budgets of one credential, in pico-units; absent: unlimited. */
export interface Budgets {
	perExecutionPico?: PicoAmount;
	perDayPico?: PicoAmount;
}

/** Where a call's spend counts. */
export interface SpendScope {
	/** The credential's identity (its id or name; never its key). */
	credential: string;
	/** n8n's execution id. */
	executionId: string;
	/** Clock time of the call, in ms since the epoch (the UTC day is taken from it). */
	nowMs: number;
}

/** A budget the next call could exceed: which, its limit and what is spent (reserved included). */
export interface BudgetRefusal {
	budget: 'execution' | 'day';
	limitPico: PicoAmount;
	spentPico: PicoAmount;
	estimatePico: PicoAmount;
}

/** A reserved call; pass it to `settle` (or `release` when the call was not made). */
export interface Reservation {
	readonly scope: SpendScope;
	readonly model: string;
	readonly estimatePico: PicoAmount;
}

/** Spend of one bucket (a day or an execution), by model. */
class Bucket {
	readonly byModel = new Map<string, PicoAmount>();
	reservedPico = 0n;
	spentPico = 0n;
	calls = 0;
}

/** Most executions remembered per credential. */
export const MAX_LEDGER_EXECUTIONS = 256;
/** Most days remembered per credential. */
export const MAX_LEDGER_DAYS = 7;
/** Most credentials remembered. */
export const MAX_LEDGER_CREDENTIALS = 64;

/** The UTC day of `nowMs`, "2026-12-06". */
export function utcDay(nowMs: number): string {
	return new Date(nowMs).toISOString().slice(0, 10);
}

function bounded<V>(map: Map<string, V>, key: string, max: number, create: () => V): V {
	let value = map.get(key);
	if (value === undefined) {
		value = create();
		map.set(key, value);
		while (map.size > max) map.delete(map.keys().next().value as string);
	}
	return value;
}

interface CredentialLedger {
	days: Map<string, Bucket>;
	executions: Map<string, Bucket>;
	/** The most one call of each model has cost (the estimate when a call's size is not known). */
	largest: Map<string, PicoAmount>;
}

/** Most models whose largest call is remembered per credential. */
export const MAX_LEDGER_MODELS = 256;

/** Spend and budgets of priced calls, per credential, in the `DispatcherState`. */
export class CostLedger {
	private readonly credentials = new Map<string, CredentialLedger>();
	/** The first call in flight of a model whose call size is not known yet, per credential and model (settled or released → resolved). */
	private readonly learning = new Map<
		string,
		{ reservation: Reservation; done: Promise<void>; resolve: () => void }
	>();

	/** The first call in flight of `model` under `credential` whose size is being learned, if any: resolves when it settles or is released. */
	learningCall(credential: string, model: string): Promise<void> | undefined {
		return this.learning.get(learnKey(credential, model))?.done;
	}

	/** Marks `reservation` as the call that learns its model's size: calls of the model with no known size wait for it. */
	startLearning(reservation: Reservation): void {
		let resolve: () => void = () => undefined;
		const done = new Promise<void>((r) => (resolve = r));
		this.learning.set(learnKey(reservation.scope.credential, reservation.model), {
			reservation,
			done,
			resolve,
		});
	}

	private endLearning(reservation: Reservation): void {
		const key = learnKey(reservation.scope.credential, reservation.model);
		const entry = this.learning.get(key);
		if (entry?.reservation !== reservation) return;
		this.learning.delete(key);
		entry.resolve();
	}

	private buckets(scope: SpendScope): { day: Bucket; execution: Bucket } {
		const ledger = bounded(this.credentials, scope.credential, MAX_LEDGER_CREDENTIALS, () => ({
			days: new Map(),
			executions: new Map(),
			largest: new Map(),
		}));
		return {
			day: bounded(ledger.days, utcDay(scope.nowMs), MAX_LEDGER_DAYS, () => new Bucket()),
			execution: bounded(
				ledger.executions,
				scope.executionId,
				MAX_LEDGER_EXECUTIONS,
				() => new Bucket(),
			),
		};
	}

	/**
	 * Reserves `estimatePico` for a call of `model` unless it could take spent + reserved past a
	 * budget; then returns the refusal naming the budget (the execution's is checked first).
	 */
	reserve(
		scope: SpendScope,
		model: string,
		estimatePico: PicoAmount,
		budgets: Budgets,
	): Reservation | BudgetRefusal {
		const { day, execution } = this.buckets(scope);
		const checks: Array<[BudgetRefusal['budget'], Bucket, PicoAmount | undefined]> = [
			['execution', execution, budgets.perExecutionPico],
			['day', day, budgets.perDayPico],
		];
		for (const [budget, bucket, limitPico] of checks) {
			if (limitPico === undefined) continue;
			const committed = bucket.spentPico + bucket.reservedPico;
			// Strictly "could exceed": a call whose estimate is 0 still needs room left.
			if (committed + estimatePico > limitPico || (estimatePico === 0n && committed >= limitPico)) {
				return { budget, limitPico, spentPico: committed, estimatePico };
			}
		}
		day.reservedPico += estimatePico;
		execution.reservedPico += estimatePico;
		return { scope, model, estimatePico };
	}

	/** Records the real cost of a reserved call (the reservation is released). */
	settle(reservation: Reservation, costPico: PicoAmount): void {
		const { day, execution } = this.buckets(reservation.scope);
		const largest = (this.credentials.get(reservation.scope.credential) as CredentialLedger)
			.largest;
		if (costPico > (largest.get(reservation.model) ?? 0n))
			bounded(largest, reservation.model, MAX_LEDGER_MODELS, () => 0n);
		if (costPico > (largest.get(reservation.model) ?? 0n)) largest.set(reservation.model, costPico);
		for (const bucket of [day, execution]) {
			bucket.reservedPico -= reservation.estimatePico;
			bucket.spentPico += costPico;
			bucket.calls++;
			bucket.byModel.set(
				reservation.model,
				(bucket.byModel.get(reservation.model) ?? 0n) + costPico,
			);
		}
		this.endLearning(reservation);
	}

	/** Gives back a reservation whose call cost nothing (it failed before any token). */
	release(reservation: Reservation): void {
		const { day, execution } = this.buckets(reservation.scope);
		day.reservedPico -= reservation.estimatePico;
		execution.reservedPico -= reservation.estimatePico;
		this.endLearning(reservation);
	}

	/** Spend of one credential for a day and an execution, per model, as exact decimal strings. */
	report(scope: SpendScope): SpendReport {
		const { day, execution } = this.buckets(scope);
		return {
			day: utcDay(scope.nowMs),
			today: bucketReport(day),
			execution: bucketReport(execution),
		};
	}

	/** Today's spend and the latest `limit` executions' spend of `credential` (newest first), per model. Creates nothing. */
	spendOf(
		credential: string,
		nowMs: number,
		limit = 5,
	): {
		day: string;
		today: BucketReport;
		executions: Array<{ executionId: string } & BucketReport>;
	} {
		const ledger = this.credentials.get(credential);
		const day = utcDay(nowMs);
		const today = ledger?.days.get(day);
		const executions = ledger ? [...ledger.executions].reverse().slice(0, limit) : [];
		return {
			day,
			today: bucketReport(today),
			executions: executions.map(([executionId, bucket]) => ({
				executionId,
				...bucketReport(bucket),
			})),
		};
	}

	/** The most one call of `model` has cost under `credential`, in pico-units (0 before the first). */
	largestCallPico(credential: string, model: string): PicoAmount {
		return this.credentials.get(credential)?.largest.get(model) ?? 0n;
	}
}

export interface BucketReport {
	/** Exact decimal amount in the prices' currency. */
	spent: string;
	calls: number;
	byModel: Record<string, string>;
}

export interface SpendReport {
	day: string;
	today: BucketReport;
	execution: BucketReport;
}

function bucketReport(bucket: Bucket | undefined): BucketReport {
	if (!bucket) return { spent: '0', calls: 0, byModel: {} };
	return {
		spent: picoToDecimal(bucket.spentPico),
		calls: bucket.calls,
		byModel: Object.fromEntries(
			[...bucket.byModel].map(([model, pico]) => [model, picoToDecimal(pico)]),
		),
	};
}

const learnKey = (credential: string, model: string) => `${credential}\u0000${model}`;

/** Type guard: the result of `reserve` was a refusal. */
export function isRefusal(result: Reservation | BudgetRefusal): result is BudgetRefusal {
	return 'budget' in result;
}
