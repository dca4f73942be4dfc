/**
 * The mixed digest of the thinking e2e and bench: the held-out router prompts (never used to tune
 * anything), with their tier labels, and the model time a reply costs on a simulated model,
 * computed from its token counts (prefill + decode at the model's simulated speeds, before the
 * simulator's time scale): deterministic, unlike wall-clock time on a loaded machine.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { SimModel } from './simulator';

export interface DigestItem {
	id: string;
	tier: 'low' | 'medium' | 'high';
	prompt: string;
}

/** Every prompt of `test/fixtures/router-corpus/heldout.jsonl`, in file order. */
export function heldoutDigest(): DigestItem[] {
	const file = path.join(__dirname, '..', 'fixtures', 'router-corpus', 'heldout.jsonl');
	return fs
		.readFileSync(file, 'utf8')
		.split('\n')
		.filter((l) => l.trim() !== '')
		.map((l) => {
			const row = JSON.parse(l) as DigestItem;
			return { id: row.id, tier: row.tier, prompt: row.prompt };
		});
}

/** Seconds `model` spends on a reply of these token counts (`completion` includes thinking tokens). */
export function modelSeconds(
	model: Pick<SimModel, 'promptTokensPerS' | 'tokensPerS'>,
	promptTokens: number,
	completionTokens: number,
): number {
	return promptTokens / model.promptTokensPerS + completionTokens / model.tokensPerS;
}

/** Share of `items` (by label) that satisfy `test`, as a fraction 0..1 (NaN when none has the label). */
export function shareOf<T extends { tier: string }>(
	items: T[],
	tier: string,
	test: (item: T) => boolean,
): number {
	const labelled = items.filter((i) => i.tier === tier);
	return labelled.filter(test).length / labelled.length;
}
