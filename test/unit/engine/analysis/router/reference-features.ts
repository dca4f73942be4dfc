/**
 * The router's sparse features written the plain way (strings, regexes, sets): the specification the
 * allocation-free version in `router/grams.ts` and `router/taskFamilies.ts` must match name for name, in the
 * same order, so the shipped weights give bit-identical probabilities.
 */
import type { CueIndex } from '../../../../../nodes/AiDispatcher/engine/analysis/router/taskFamilies';

const WORD = /[\p{L}\p{N}]+/gu;
const CHAR_GRAM = 4;

/** Lowercased words with digits folded to 0. */
export function referenceWords(text: string): string[] {
	return (text.toLowerCase().match(WORD) ?? []).map((w) => w.replace(/\d/g, '0'));
}

export function referenceInstructionGrams(instruction: string): string[] {
	const ws = referenceWords(instruction);
	const grams = new Set<string>();
	for (let i = 0; i < ws.length; i++) {
		grams.add(`w:${ws[i]}`);
		if (i > 0) grams.add(`b:${ws[i - 1]} ${ws[i]}`);
		const padded = `_${ws[i]}_`;
		if (padded.length <= CHAR_GRAM) grams.add(`g:${padded}`);
		else
			for (let j = 0; j + CHAR_GRAM <= padded.length; j++)
				grams.add(`g:${padded.slice(j, j + CHAR_GRAM)}`);
	}
	return [...grams];
}

export function referenceContentWords(content: string, max: number, tail: number): string[] {
	const ws = referenceWords(content);
	const kept = ws.length <= max ? ws : [...ws.slice(0, max - tail), ...ws.slice(-tail)];
	return [...new Set(kept.map((w) => `c:${w}`))];
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;

/** Per group, how many of its distinct cues start a word in `lower`. */
export function referenceCountGroups(lower: string, index: CueIndex): number[] {
	const cues = index.groups.map(() => new Set<string>());
	index.entries.forEach(({ cue, group }) => cues[group].add(cue));
	return cues.map((set) => {
		let count = 0;
		for (const cue of set) {
			for (let i = lower.indexOf(cue); i >= 0; i = lower.indexOf(cue, i + 1)) {
				if (i === 0 || !WORD_CHAR.test(lower[i - 1])) {
					count++;
					break;
				}
			}
		}
		return count;
	});
}
