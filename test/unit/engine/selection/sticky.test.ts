/** A conversation sticks to the model that answered its previous call, as far as the setting allows. */
import { stickToPrevious } from '../../../../nodes/AiDispatcher/engine/selection/sticky';
import type { Decision, Tier } from '../../../../nodes/AiDispatcher/engine/types';

const TIER: Record<string, Tier> = { small: 'low', mid: 'medium', big: 'high' };

function decision(model: string, excluded: string[] = []): Decision {
	const tried = [model, ...Object.keys(TIER).filter((m) => m !== model && !excluded.includes(m))];
	return {
		model,
		tier: TIER[model],
		reason: `chose ${model}`,
		alternatives: tried.slice(1),
		candidates: [
			...tried.map((m, rank) => ({ model: m, tier: TIER[m], rank, reasons: [] })),
			...excluded.map((m) => ({
				model: m,
				tier: TIER[m],
				rank: -1,
				reasons: [],
				excluded: 'circuit open',
			})),
		],
	};
}

describe('stickToPrevious', () => {
	it('Balanced: keeps the previous model of the same or a higher tier, with the reason, the fresh choice next', () => {
		const d = stickToPrevious(decision('mid'), 'big', 'balanced');
		expect(d).toMatchObject({ model: 'big', tier: 'high', alternatives: ['mid', 'small'] });
		expect(d.reason).toBe(
			"chose mid; sticky: kept big (high), which answered this conversation's previous call, instead of switching to mid (medium)",
		);
	});

	it.each([
		['balanced', 'big', 'small', 'big'], // never below the call's tier
		['balanced', 'small', 'mid', 'mid'], // above it, yes
		['speed', 'big', 'mid', 'big'], // a high call never goes down
		['speed', 'mid', 'small', 'small'], // one tier down for a non-high call
		['quality', 'small', 'big', 'small'], // Quality: each call keeps its own choice
	] as const)(
		'%s: a %s call after %s is answered by %s',
		(preference, chosen, previous, expected) => {
			expect(stickToPrevious(decision(chosen), previous, preference).model).toBe(expected);
		},
	);

	it('changes nothing without a previous model, when it is the choice already, or when it is excluded now', () => {
		const d = decision('mid');
		expect(stickToPrevious(d, null, 'balanced')).toBe(d);
		expect(stickToPrevious(d, 'mid', 'balanced')).toBe(d);
		const open = decision('mid', ['big']);
		expect(stickToPrevious(open, 'big', 'balanced')).toBe(open);
	});
});
