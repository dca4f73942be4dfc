import { getEventListeners } from 'node:events';

/** The abortable sleep works whether or not the running n8n's n8n-workflow exports sleepWithAbort. */
describe.each([
	['with sleepWithAbort', true],
	['without sleepWithAbort (n8n 2.40.7 ships n8n-workflow 2.40.1)', false],
])('abortableSleep %s', (_name, hasSleepWithAbort) => {
	let abortableSleep: typeof import('../../../nodes/AiDispatcher/adapters/sleep').abortableSleep;

	beforeAll(() => {
		jest.resetModules();
		jest.doMock('n8n-workflow', () => {
			const actual = jest.requireActual('n8n-workflow');
			return { ...actual, sleepWithAbort: hasSleepWithAbort ? actual.sleepWithAbort : undefined };
		});
		abortableSleep = require('../../../nodes/AiDispatcher/adapters/sleep').abortableSleep;
	});
	afterAll(() => jest.dontMock('n8n-workflow'));

	it('waits about the given time', async () => {
		const started = Date.now();
		await abortableSleep(60);
		await abortableSleep(20, new AbortController().signal);
		expect(Date.now() - started).toBeGreaterThanOrEqual(75);
	});

	it('rejects soon after the signal aborts', async () => {
		const controller = new AbortController();
		// Timers stand still: the sleep can only end through the abort, not by its 5 s passing.
		jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
		try {
			const sleeping = abortableSleep(5_000, controller.signal);
			controller.abort();
			await expect(sleeping).rejects.toBeDefined();
		} finally {
			jest.useRealTimers();
		}
	});

	it('adds no listener to the caller signal that outlives the sleep', async () => {
		const controller = new AbortController();
		for (let i = 0; i < 50; i++) await abortableSleep(0, controller.signal);
		expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
	});
});
