import {
	countGroups,
	cueIndex,
	TASK_FAMILIES,
} from '../../../../../nodes/AiDispatcher/engine/analysis/router/taskFamilies';
import {
	bucketOf,
	featureName,
	routerFeatures,
} from '../../../../../nodes/AiDispatcher/engine/analysis/router/featureVector';
import {
	ANALYSIS_CUES,
	REASONING_CUES,
} from '../../../../../nodes/AiDispatcher/engine/analysis/heuristicCues';
import { loadRouterCorpus } from '../../../../../scripts/router/corpus';
import {
	referenceContentWords,
	referenceCountGroups,
	referenceInstructionGrams,
} from './reference-features';

const corpus = loadRouterCorpus();
const PROMPTS = [...corpus.train, ...corpus.heldout].map((p) => p.text);

/** Texts that stress the tokeniser: digits, underscores, accents, astral letters, lone surrogates, one- and two-letter words. */
const TRICKY = [
	'',
	'a',
	'Is T-501 the same as T-777? Answer yes or no.\n\nx_y __init__ a1b2 ÄÖÜ ß İstanbul',
	'Classify: 𝐀𝐁𝐂 𐐀𐐨 \ud800 lone \udc00 surrogates 😀 emoji 中文字 日本語 Ελληνικά ΣΟΦΟΣ',
	'Root cause root cause ROOT CAUSE? why does why DOES it fail\n\n' +
		'word '.repeat(500) +
		'tail words at the end',
	'summarise_this re-summarise résumé résumer ist das ist dies classify:classify',
	'abc ab a ab abc abcd abcde abcdef abc',
];

describe('router features: the fast hashing equals the plain-string specification', () => {
	it.each([
		...PROMPTS.map((p, i) => [`corpus prompt ${i}`, p]),
		...TRICKY.map((p, i) => [`tricky text ${i}`, p]),
	])('%s', (_, text) => {
		const f = routerFeatures(text);
		const grams = referenceInstructionGrams(f.parts.instruction);
		const content = referenceContentWords(f.parts.content, 400, 100);
		const names = Array.from(f.indices, (_i, i) => featureName(f, i));
		expect(names.slice(0, grams.length + content.length)).toEqual([...grams, ...content]);
		expect(Array.from(f.indices)).toEqual(names.map(bucketOf));
		const expectedValues = [
			...grams.map(() => 1 / Math.sqrt(grams.length)),
			...content.map(() => 0.5 / Math.sqrt(content.length)),
		];
		expect(Array.from(f.values.subarray(0, expectedValues.length))).toEqual(expectedValues);
	});

	it('counts cue groups as the plain search does, on every corpus prompt and the tricky texts', () => {
		const index = cueIndex([
			...TASK_FAMILIES,
			{ name: 'analysis', cues: ANALYSIS_CUES },
			{ name: 'reasoning', cues: REASONING_CUES },
		]);
		let hits = 0;
		for (const text of [...PROMPTS, ...TRICKY]) {
			const lower = text.toLowerCase();
			const counts = countGroups(lower, index);
			expect(counts).toEqual(referenceCountGroups(lower, index));
			hits += counts.reduce((a, b) => a + b, 0);
		}
		expect(hits).toBeGreaterThan(PROMPTS.length);
	});
});
