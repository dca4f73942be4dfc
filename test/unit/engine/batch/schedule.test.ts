/** The batch planner: run order, groups at once, preloads and releases. Table-driven, no fakes. */
import {
	planBatch,
	type BatchEntry,
	type ResidencyFacts,
} from '../../../../nodes/AiDispatcher/engine/batch/schedule';

const H = 'http://ollama:11434';
const facts = (loaded: string[], holds: number | null): ResidencyFacts => ({
	loaded: () => loaded,
	holds: () => holds,
});
const entries = (models: Array<string | null>, keepAliveSet: string[] = []): BatchEntry[] =>
	models.map((model, index) => ({
		index,
		model,
		host: H,
		keepAliveSet: model !== null && keepAliveSet.includes(model),
	}));

// A mixed digest as it comes in: the models alternate, so per-item order loads at almost every item.
const MIXED = ['low', 'high', 'low', 'mid', 'high', 'low', 'mid', 'mid', 'high', 'low'];

describe('planBatch', () => {
	it('groups the items by model, the loaded model first, each other model once in order of first appearance', () => {
		const s = planBatch(entries(MIXED), facts(['mid'], 1));
		expect(s.groups.map((g) => [g.model, g.indices, g.loaded])).toEqual([
			['mid', [3, 6, 7], true],
			['low', [0, 2, 5, 9], false],
			['high', [1, 4, 8], false],
		]);
		expect(s.order).toEqual([3, 6, 7, 0, 2, 5, 9, 1, 4, 8]);
		expect([...s.order].sort((a, b) => a - b)).toEqual(MIXED.map((_, i) => i)); // none dropped or duplicated
	});

	it('loads each model once: the number of cold groups is the number of models not loaded', () => {
		const s = planBatch(entries(MIXED), facts([], null));
		let loads = 0;
		let current: string | null = null;
		for (const i of s.order) if (MIXED[i] !== current) ((current = MIXED[i]), loads++);
		expect(loads).toBe(3);
		expect(s.groups.every((g) => !g.loaded)).toBe(true);
	});

	it('puts the items no model can take first: they fail before any load', () => {
		const s = planBatch(entries(['low', null, 'high', null]), facts([], 1));
		expect(s.groups[0]).toMatchObject({ model: null, indices: [1, 3] });
		expect(s.order).toEqual([1, 3, 0, 2]);
		expect(s.steps.every((step) => step.model !== null)).toBe(true);
	});

	it('with several loaded models, the least recently used runs first so the latest stays loaded', () => {
		const s = planBatch(entries(['b', 'a', 'c']), facts(['a', 'b'], 3));
		expect(s.groups.map((g) => g.model)).toEqual(['a', 'b', 'c']);
	});

	it.each([
		// [what the host holds, groups at once, steps between the groups]
		[null, 1, []],
		[1, 1, ['release low after group 0', 'release high after group 1']],
		[2, 2, ['preload high during group 0', 'preload mid during group 1']],
		[3, 3, ['preload high during group 0', 'preload mid during group 1']],
	] as const)(
		'a host holding %s model(s): %s group(s) at once, steps %j',
		(holds, atOnce, steps) => {
			const s = planBatch(entries(['low', 'high', 'mid', 'low']), facts([], holds));
			expect(s.holds).toBe(atOnce);
			expect(
				s.steps.map(
					(st) =>
						`${st.kind} ${st.model} ${st.kind === 'release' ? 'after' : 'during'} group ${st.group}`,
				),
			).toEqual(steps);
		},
	);

	it('never preloads or releases around a model that is already loaded', () => {
		const s = planBatch(entries(['low', 'high']), facts(['high', 'low'], 2));
		expect(s.steps).toEqual([]);
	});

	it('respects a Keep Alive the user set: that model is not released, and the notes say why', () => {
		const s = planBatch(entries(['low', 'high', 'mid'], ['low']), facts([], 1));
		expect(s.steps.map((st) => `${st.kind} ${st.model}`)).toEqual(['release high']);
		expect(s.notes.join('\n')).toContain('keep low loaded after its items: its Keep Alive is set');
	});

	it('says what it planned in one line per decision', () => {
		const s = planBatch(entries(MIXED), facts(['mid'], 1));
		expect(s.notes[0]).toBe(
			'10 items, 3 models: mid ×3 (loaded), low ×4, high ×3; one model at a time',
		);
	});

	it('an empty batch is an empty schedule', () => {
		expect(planBatch([], facts([], null))).toMatchObject({
			groups: [],
			order: [],
			steps: [],
			holds: 1,
		});
	});
});

describe('planBatch when every model is loaded and the host holds them all', () => {
	it('keeps the input order (no load to save; the slow model’s items are not bunched at the end)', () => {
		const s = planBatch(
			entries(['low', 'high', null, 'low', 'mid']),
			facts(['low', 'mid', 'high'], 3),
		);
		expect(s.order).toEqual([2, 0, 1, 3, 4]);
		expect(s.steps).toEqual([]);
		expect(s.notes).toContain(
			'every model is loaded and the host holds them all: items run in input order',
		);
	});

	it('groups as soon as one model is not loaded, or the host holds fewer models than the batch uses', () => {
		expect(planBatch(entries(['low', 'high', 'low']), facts(['low'], 3)).order).toEqual([0, 2, 1]);
		expect(planBatch(entries(['low', 'high', 'low']), facts(['low', 'high'], 1)).order).toEqual([
			0, 2, 1,
		]);
	});
});
