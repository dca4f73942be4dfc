/** How both nodes show what came with an answer: load, thinking, cost. */
import {
	costJson,
	loadJson,
	thinkingJson,
} from '../../../../nodes/AiDispatcher/adapters/output/answer';
import type { DispatchResult } from '../../../../nodes/AiDispatcher/engine/types';

describe('loadJson', () => {
	it('a model that had to load: not loaded, its load time rounded to the millisecond', () => {
		const load = { alreadyLoaded: false, loadMs: 1234.6, loadedHere: true };
		expect(loadJson({ load } as DispatchResult)).toEqual({
			modelAlreadyLoaded: false,
			loadMs: 1235,
		});
	});

	it('a model already loaded: no load time', () => {
		const load = { alreadyLoaded: true, loadMs: null, loadedHere: false };
		expect(loadJson({ load } as DispatchResult)).toEqual({
			modelAlreadyLoaded: true,
			loadMs: null,
		});
	});

	it('nothing without a residency reading', () => {
		expect(loadJson({} as DispatchResult)).toEqual({});
	});
});

describe('thinkingJson', () => {
	it('says whether the model thought, at which effort, why, with the text apart', () => {
		expect(
			thinkingJson({ think: 'high', effort: 'high', reason: 'hard prompt', text: 'Let me think' }),
		).toEqual({
			thought: true,
			effort: 'high',
			think: 'high',
			reason: 'hard prompt',
			text: 'Let me think',
		});
	});

	it('no thinking text: thought is false; think left out when it was not sent', () => {
		expect(thinkingJson({ effort: 'default', reason: 'think not sent', text: '' })).toEqual({
			thought: false,
			effort: 'default',
			reason: 'think not sent',
			text: '',
		});
	});
});

describe('costJson', () => {
	it('gives the amount as a number for sums and as the exact decimal', () => {
		expect(
			costJson({
				currency: 'EUR',
				inputTokens: 1200,
				outputTokens: 300,
				amount: '0.00000225',
				priced: true,
			}),
		).toEqual({
			inputTokens: 1200,
			outputTokens: 300,
			amount: 0.00000225,
			amountExact: '0.00000225',
			currency: 'EUR',
			priced: true,
		});
	});
});
