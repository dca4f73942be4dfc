import { withoutTracingEntries } from '../../../../nodes/LmChatAiDispatcher/call/oneEntryPerCall';

/** A context whose methods need their own `this` (as n8n's context classes do). */
class FakeContext {
	readonly entries: string[] = [];
	#name = 'AI Dispatcher Chat Model';
	addInputData(): { index: number } {
		this.entries.push('input');
		return { index: this.entries.length - 1 };
	}
	addOutputData(): void {
		this.entries.push('output');
	}
	getNode(): { name: string } {
		return { name: this.#name };
	}
}

describe('withoutTracingEntries', () => {
	it("drops the tracing's log entries: the context records nothing through the wrapper", () => {
		const ctx = new FakeContext();
		const quiet = withoutTracingEntries(ctx);
		expect(quiet.addInputData()).toEqual({ index: 0 });
		quiet.addOutputData();
		expect(ctx.entries).toEqual([]);
		// Our own log goes to the real context: one entry per call.
		ctx.addInputData();
		ctx.addOutputData();
		expect(ctx.entries).toEqual(['input', 'output']);
	});

	it('forwards every other member bound to the real context (private fields work)', () => {
		const ctx = new FakeContext();
		const quiet = withoutTracingEntries(ctx);
		const { getNode } = quiet;
		expect(getNode()).toEqual({ name: 'AI Dispatcher Chat Model' });
		expect(quiet.entries).toBe(ctx.entries);
	});
});
