/**
 * The router's labelled corpus. `test/fixtures/router-corpus/` holds `train*.jsonl` (training,
 * cross-validation, thresholds) and `heldout.jsonl` (the fixed held-out split: only ever scored).
 * Until that folder exists, the older `complexity-corpus.json` stands in, split by its id rule.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { Tier } from '../../nodes/AiDispatcher/engine/types';
import { TIERS } from '../../nodes/AiDispatcher/engine/types';
import { isHoldout, languageOf, loadCorpus } from '../../test/bench/corpus-metrics';

export interface LabelledPrompt {
	id: string;
	source: string;
	lang: string;
	tier: Tier;
	text: string;
}

export interface RouterCorpus {
	train: LabelledPrompt[];
	heldout: LabelledPrompt[];
	/** Where the prompts came from, for the printed reports. */
	origin: string;
}

export const ROUTER_CORPUS_DIR = path.join(
	__dirname,
	'..',
	'..',
	'test',
	'fixtures',
	'router-corpus',
);

function readJsonl(file: string): LabelledPrompt[] {
	const rows: LabelledPrompt[] = [];
	fs.readFileSync(file, 'utf8')
		.split('\n')
		.forEach((line, index) => {
			if (line.trim().length === 0) return;
			const row = JSON.parse(line) as {
				id?: string;
				source?: string;
				lang?: string;
				tier?: string;
				prompt?: string;
			};
			const where = `${path.basename(file)}:${index + 1}`;
			if (
				!row.id ||
				typeof row.prompt !== 'string' ||
				!(TIERS as readonly string[]).includes(row.tier ?? '')
			) {
				throw new Error(
					`${where}: needs id, prompt and tier (low|medium|high), got ${line.slice(0, 80)}`,
				);
			}
			rows.push({
				id: row.id,
				source: row.source ?? 'unknown',
				lang: row.lang ?? 'en',
				tier: row.tier as Tier,
				text: row.prompt,
			});
		});
	return rows;
}

/** Loads the corpus, train part in file-name then line order (the trainer's fixed order). */
export function loadRouterCorpus(): RouterCorpus {
	const heldoutFile = path.join(ROUTER_CORPUS_DIR, 'heldout.jsonl');
	if (fs.existsSync(heldoutFile)) {
		const trainFiles = fs
			.readdirSync(ROUTER_CORPUS_DIR)
			.filter((f) => /^train.*\.jsonl$/.test(f))
			.sort();
		const train = trainFiles.flatMap((f) => readJsonl(path.join(ROUTER_CORPUS_DIR, f)));
		const heldout = readJsonl(heldoutFile);
		const heldIds = new Set(heldout.map((e) => e.id));
		const leaked = train.filter((e) => heldIds.has(e.id));
		if (leaked.length > 0)
			throw new Error(`held-out ids also in train: ${leaked.map((e) => e.id).join(', ')}`);
		return { train, heldout, origin: `test/fixtures/router-corpus/{${trainFiles.join(',')}}` };
	}
	const legacy = loadCorpus().map((e) => ({
		id: e.id,
		source: e.source,
		lang: languageOf(e.id),
		tier: e.tier,
		text: e.text,
	}));
	return {
		train: legacy.filter((e) => !isHoldout(e.id)),
		heldout: legacy.filter((e) => isHoldout(e.id)),
		origin: 'test/fixtures/complexity-corpus.json (held out: ids ending in 0 or 5)',
	};
}

/** Stratified, deterministic folds: each tier's prompts in corpus order, dealt round-robin. */
export function foldsOf(prompts: LabelledPrompt[], k: number): number[] {
	const fold = new Array<number>(prompts.length);
	const dealt: Record<Tier, number> = { low: 0, medium: 0, high: 0 };
	prompts.forEach((p, i) => {
		fold[i] = dealt[p.tier]++ % k;
	});
	return fold;
}
