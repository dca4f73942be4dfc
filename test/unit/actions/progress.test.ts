import {
	PROGRESS_INTERVAL_MS,
	progressReporter,
} from '../../../nodes/AiDispatcher/actions/progress';

function setup(total: number, withUi = true) {
	let nowMs = 1_000_000;
	const lines: string[] = [];
	const ui: string[] = [];
	const ctx = {
		logger: { info: (m: string) => lines.push(m) } as never,
		...(withUi ? { sendMessageToUI: (m: string) => ui.push(m) } : {}),
	};
	const progress = progressReporter(ctx, { nowMs: () => nowMs }, total);
	return { progress, lines, ui, advance: (ms: number) => (nowMs += ms) };
}

describe('progressReporter', () => {
	it('says how many items are answered at most once per interval, and once at the end of a long run', () => {
		const { progress, lines, ui, advance } = setup(5);
		progress.done(true); // at once: nothing yet
		advance(PROGRESS_INTERVAL_MS);
		progress.done(true);
		advance(1000);
		progress.done(false); // within the interval: nothing
		advance(PROGRESS_INTERVAL_MS);
		progress.done(true);
		progress.done(true); // the last item: the closing line says it
		progress.finish();
		expect(lines).toEqual([
			'AI Dispatcher: 2 of 5 items answered after 10 s',
			'AI Dispatcher: 3 of 5 items answered (1 failed) after 21 s',
			'AI Dispatcher: 4 of 5 items answered (1 failed) after 21 s',
		]);
		expect(ui).toEqual(lines);
	});

	it('stays silent on a short run, and works without an editor to tell', () => {
		const quick = setup(3);
		for (let i = 0; i < 3; i++) quick.progress.done(true);
		quick.progress.finish();
		expect(quick.lines).toEqual([]);
		const headless = setup(2, false);
		headless.progress.done(true);
		headless.advance(PROGRESS_INTERVAL_MS);
		headless.progress.done(true);
		headless.progress.finish();
		expect(headless.lines).toEqual(['AI Dispatcher: 2 of 2 items answered after 10 s']);
	});
});
