/** actions/hints.ts: the warning above the output when items fell back, and when n8n shows it. */
import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

import { addFallbackHint, fallbackHint } from '../../../nodes/AiDispatcher/actions/hints';

const first = { fallback: false, model: 'qwen2.5:7b' };
const fellBack = (from: string) => ({ fallback: true, firstChoice: from, model: 'llama3.2:3b' });

describe('fallbackHint', () => {
	it('is undefined when every item got its first choice', () => {
		expect(fallbackHint([first, first], 2)).toBeUndefined();
		expect(fallbackHint([], 3)).toBeUndefined();
	});

	it('counts the items that fell back out of all items, as a warning on the output pane', () => {
		expect(fallbackHint([first, fellBack('qwen2.5:7b')], 3)).toEqual({
			type: 'warning',
			location: 'outputPane',
			message:
				"1 of 3 items was answered by a fallback model because qwen2.5:7b did not answer; each item's reason says why.",
		});
	});

	it('says "item" for a single item and "were" for several fallbacks', () => {
		expect(fallbackHint([fellBack('a')], 1)?.message).toMatch(/^1 of 1 item was answered/);
		expect(fallbackHint([fellBack('a'), fellBack('a')], 2)?.message).toMatch(
			/^2 of 2 items were answered/,
		);
	});

	it('names each model that did not answer once', () => {
		const message = fallbackHint([fellBack('a'), fellBack('b'), fellBack('a')], 3)?.message;
		expect(message).toContain('because a and b did not answer');
	});

	it('names at most three models, then how many more', () => {
		const four = ['a', 'b', 'c', 'd'].map(fellBack);
		expect(fallbackHint(four, 4)?.message).toContain('because a, b, c and 1 more did not answer');
	});
});

describe('addFallbackHint', () => {
	const context = (withHints: boolean) => {
		const hints: NodeExecutionHint[] = [];
		const ctx = (withHints
			? { addExecutionHints: (...h: NodeExecutionHint[]) => hints.push(...h) }
			: {}) as unknown as IExecuteFunctions;
		return { ctx, hints };
	};

	it('adds the hint when an item fell back', () => {
		const { ctx, hints } = context(true);
		addFallbackHint(ctx, [fellBack('qwen2.5:7b')], 1);
		expect(hints).toHaveLength(1);
		expect(hints[0].type).toBe('warning');
	});

	it('adds nothing when no item fell back', () => {
		const { ctx, hints } = context(true);
		addFallbackHint(ctx, [first], 1);
		expect(hints).toEqual([]);
	});

	it('does not fail on an n8n without execution hints', () => {
		const { ctx } = context(false);
		expect(() => addFallbackHint(ctx, [fellBack('qwen2.5:7b')], 1)).not.toThrow();
	});
});
