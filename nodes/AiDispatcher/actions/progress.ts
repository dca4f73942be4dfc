/**
 * Progress on long runs: "AI Dispatcher: 8 of 20 items answered (1 failed) after 42 s" in n8n's
 * log and, for a run started in the editor, in the browser's console (`sendMessageToUI`). At most
 * one line per `PROGRESS_INTERVAL_MS`, and one at the end when the run took longer than that.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import type { Clock } from '../engine/ports';

/** Shortest time between two progress lines, in milliseconds. */
export const PROGRESS_INTERVAL_MS = 10_000;

export interface Progress {
	/** Counts one finished item (answered or failed). */
	done(ok: boolean): void;
	/** The closing line, when the run was long enough to have had progress lines. */
	finish(): void;
}

/** Reports the progress of `total` items through `ctx`'s logger and the editor's console. */
export function progressReporter(
	ctx: Pick<IExecuteFunctions, 'logger'> & Partial<Pick<IExecuteFunctions, 'sendMessageToUI'>>,
	clock: Clock,
	total: number,
): Progress {
	const startMs = clock.nowMs();
	let lastMs = startMs;
	let answered = 0;
	let failed = 0;
	const say = (nowMs: number) => {
		lastMs = nowMs;
		const failures = failed > 0 ? ` (${failed} failed)` : '';
		const message = `AI Dispatcher: ${answered} of ${total} items answered${failures} after ${Math.round((nowMs - startMs) / 1000)} s`;
		ctx.logger.info(message);
		try {
			ctx.sendMessageToUI?.(message);
		} catch {
			// Only manual runs have an editor to tell; progress never fails an item.
		}
	};
	return {
		done(ok) {
			if (ok) answered++;
			else failed++;
			const nowMs = clock.nowMs();
			if (nowMs - lastMs >= PROGRESS_INTERVAL_MS && answered + failed < total) say(nowMs);
		},
		finish() {
			const nowMs = clock.nowMs();
			if (nowMs - startMs >= PROGRESS_INTERVAL_MS) say(nowMs);
		},
	};
}
