/** What an answer says when it was reused: the `reused` field and the one-line summary. */
import { reusedJson, reusedSummary } from '../../../../nodes/AiDispatcher/adapters/output/reused';
import type { ReusedFrom } from '../../../../nodes/AiDispatcher/engine/reuse/types';

const from = (kind: ReusedFrom['kind']): ReusedFrom => ({
	kind,
	model: 'llama3.2:3b',
	tier: 'medium',
	ageMs: 12_540,
	savedMs: 2_160,
});

describe('reusedJson', () => {
	it('says how, from which model and tier, its age and the model time saved, in seconds to a tenth', () => {
		expect(reusedJson(from('earlier execution'))).toEqual({
			how: 'earlier execution',
			model: 'llama3.2:3b',
			tier: 'medium',
			ageSeconds: 12.5,
			savedSeconds: 2.2,
		});
	});
});

describe('reusedSummary', () => {
	it.each<[ReusedFrom['kind'], string]>([
		[
			'this execution',
			'reused the answer llama3.2:3b gave 12.5 s ago in this execution (no model call)',
		],
		[
			'earlier execution',
			'reused the answer llama3.2:3b gave 12.5 s ago in an earlier execution (no model call)',
		],
		[
			'in flight',
			'llama3.2:3b: shared the call of an identical item in flight (no extra model call)',
		],
	])('%s', (kind, summary) => {
		expect(reusedSummary(from(kind))).toBe(summary);
	});
});
