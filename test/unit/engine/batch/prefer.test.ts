/** A load as a cost: which items move to a model the batch uses anyway, and how far each setting lets them. */
import {
	preferResident,
	type LoadCostFacts,
	type LoadPreference,
	type PreferenceItem,
} from '../../../../nodes/AiDispatcher/engine/batch/prefer';
import type { Decision, Tier } from '../../../../nodes/AiDispatcher/engine/types';

const H = 'h';
const TIER: Record<string, Tier> = { small: 'low', mid: 'medium', big: 'high' };

function decision(model: string, extra: { forced?: boolean; excluded?: string[] } = {}): Decision {
	const order = [model, ...Object.keys(TIER).filter((m) => m !== model)];
	const tried = order.filter((m) => !extra.excluded?.includes(m));
	return {
		model,
		tier: TIER[model],
		reason: `chose ${model}`,
		alternatives: tried.slice(1),
		candidates: [
			...tried.map((m, rank) => ({
				model: m,
				tier: TIER[m],
				rank,
				reasons: m === model && extra.forced ? ['forced by rule "x"'] : [`tier ${TIER[m]}`],
			})),
			...(extra.excluded ?? []).map((m) => ({
				model: m,
				tier: TIER[m],
				rank: -1,
				reasons: [],
				excluded: 'rule',
			})),
		],
	};
}

const item = (
	index: number,
	model: string,
	preference: LoadPreference = 'balanced',
	extra = {},
): PreferenceItem => ({ index, decision: decision(model, extra), host: H, preference });

/** Loads of 8 s; warm answers: small 0.5 s, mid 1 s, big 3 s. */
const FACTS: LoadCostFacts = {
	loaded: () => [],
	loadMsOf: () => 8_000,
	warmCallMsOf: (_, m) => ({ small: 500, mid: 1_000, big: 3_000 })[m],
};

describe('preferResident', () => {
	it('Balanced: two low items move up to the high model the batch loads anyway (2 × 2.5 s < 8 s load)', () => {
		const changed = preferResident([item(0, 'small'), item(1, 'big'), item(2, 'small')], FACTS);
		expect([...changed.keys()]).toEqual([0, 2]);
		const d = changed.get(0) as Decision;
		expect(d).toMatchObject({ model: 'big', tier: 'high', alternatives: ['small', 'mid'] });
		expect(d.reason).toBe(
			'chose small; batch: answered by big, which this batch uses anyway, instead of loading small for 2 items (load ~8.0 s > ~5.0 s of slower answers)',
		);
		expect(d.candidates[0]).toMatchObject({
			model: 'big',
			rank: 0,
			reasons: ['tier high', 'loaded for this batch'],
		});
		expect(d.candidates.map((c) => c.rank)).toEqual([0, 1, 2]);
	});

	it('Balanced: a group whose slower answers cost more than its load keeps its model', () => {
		const items = [item(0, 'big'), ...[1, 2, 3, 4].map((i) => item(i, 'small'))]; // 4 × 2.5 s = 10 s > 8 s
		expect(preferResident(items, FACTS).size).toBe(0);
	});

	it('Balanced never goes below the item’s tier: a lone high item stays on the high model', () => {
		expect(
			preferResident(
				[
					item(0, 'big'),
					item(1, 'small'),
					item(2, 'small'),
					item(3, 'small'),
					item(4, 'small'),
					item(5, 'small'),
				],
				FACTS,
			).size,
		).toBe(0);
		const facts = { ...FACTS, loaded: () => ['mid'] };
		expect(preferResident([item(0, 'big')], facts).size).toBe(0);
	});

	it('Speed may go one tier down, never for a high item; Quality never moves anything', () => {
		const facts = { ...FACTS, loaded: () => ['small'] };
		expect(preferResident([item(0, 'mid', 'speed')], facts).get(0)?.model).toBe('small');
		expect(preferResident([item(0, 'big', 'speed')], facts).size).toBe(0);
		expect(preferResident([item(0, 'mid', 'balanced')], facts).size).toBe(0);
		expect(
			preferResident([item(0, 'small', 'quality'), item(1, 'big', 'quality')], FACTS).size,
		).toBe(0);
	});

	it('a model the host holds already counts as used by the batch', () => {
		const facts = { ...FACTS, loaded: () => ['big'] };
		expect(preferResident([item(0, 'mid')], facts).get(0)?.model).toBe('big');
	});

	it('never replaces a model a rule forced, nor moves to a model a rule excluded for the item', () => {
		expect(
			preferResident([item(0, 'small', 'balanced', { forced: true }), item(1, 'big')], FACTS).size,
		).toBe(0);
		expect(
			preferResident([item(0, 'small', 'balanced', { excluded: ['big'] }), item(1, 'big')], FACTS)
				.size,
		).toBe(0);
	});

	it('moves nothing without learned figures (load time or warm answer times unknown)', () => {
		expect(
			preferResident([item(0, 'small'), item(1, 'big')], { ...FACTS, loadMsOf: () => undefined })
				.size,
		).toBe(0);
		expect(
			preferResident([item(0, 'small'), item(1, 'big')], {
				...FACTS,
				warmCallMsOf: (_, m) => (m === 'big' ? undefined : 500),
			}).size,
		).toBe(0);
	});

	it('moves a group only when every item of it may move', () => {
		const changed = preferResident(
			[item(0, 'small'), item(1, 'small', 'quality'), item(2, 'big')],
			FACTS,
		);
		expect(changed.size).toBe(0);
	});
});
