/**
 * `npm run complexity-report`: the trained router against the heuristic analyser, on the held-out
 * split of the router corpus only (never used for training, thresholds or cues), then 5-fold
 * cross-validation of the training part with its spread, and the held-out prompts the router gets
 * most wrong. `--all-misses` lists every held-out miss.
 */
import { OPERATING_POINTS } from '../../nodes/AiDispatcher/engine/analysis/router/model';
import { TIERS } from '../../nodes/AiDispatcher/engine/types';
import { loadRouterCorpus } from '../../scripts/router/corpus';
import { figuresOf, type Figures } from './corpus-metrics';
import {
	crossValidationFigures,
	heuristicPredictions,
	routerPredictions,
	spread,
	wrongness,
} from './router-metrics';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const col = (s: string, w = 22) => s.padEnd(w);

function sideBySide(title: string, columns: Array<[string, Figures]>): void {
	console.log(`\n=== ${title} ===`);
	console.log(`  ${col('')}${columns.map(([name]) => col(name)).join('')}`);
	const line = (label: string, f: (x: Figures) => string) =>
		console.log(`  ${col(label)}${columns.map(([, x]) => col(f(x))).join('')}`);
	line('prompts', (x) => String(x.count));
	line('tier accuracy', (x) => pct(x.accuracy));
	line('high-tier recall', (x) => pct(x.highRecall));
	line('high-tier precision', (x) => pct(x.highPrecision));
	line('served below high', (x) => pct(x.belowHigh));
	line('low sent to high', (x) => pct(x.lowToHigh));
	line('high sent to low', (x) => String(x.confusion.high.low));
	console.log('  confusion (rows: labelled, columns: predicted low/medium/high)');
	for (const labelled of TIERS)
		line(`    ${labelled}`, (x) =>
			TIERS.map((p) => String(x.confusion[labelled][p]).padStart(4)).join(' '),
		);
	const groups = (pick: (x: Figures) => Figures['byLanguage']) => {
		const keys = [...new Set(columns.flatMap(([, x]) => Object.keys(pick(x))))].sort(
			(a, b) => (pick(columns[0][1])[b]?.count ?? 0) - (pick(columns[0][1])[a]?.count ?? 0),
		);
		for (const key of keys)
			line(`    ${key} (${pick(columns[0][1])[key]?.count ?? 0})`, (x) =>
				pick(x)[key] ? pct(pick(x)[key].accuracy) : '-',
			);
	};
	console.log('  accuracy by source');
	groups((x) => x.bySource);
	console.log('  accuracy by language');
	groups((x) => x.byLanguage);
}

const corpus = loadRouterCorpus();
console.log(
	`Corpus: ${corpus.origin}: ${corpus.train.length} training prompts; held out: ${corpus.heldout.length}`,
);

const routed = routerPredictions(corpus.heldout);
sideBySide('held-out split: trained router (balanced) vs heuristic analyser', [
	['router (balanced)', figuresOf(routed)],
	['heuristic analyser', figuresOf(heuristicPredictions(corpus.heldout))],
]);
sideBySide(
	'held-out split: the Quality ↔ Speed points',
	OPERATING_POINTS.map((name) => [name, figuresOf(routerPredictions(corpus.heldout, name))]),
);

const cv = crossValidationFigures(corpus.train);
console.log(
	`\n=== 5-fold cross-validation of the training part (balanced point chosen on the pooled out-of-fold probabilities) ===`,
);
const folds = cv.folds.map(
	(f, i) =>
		`fold ${i + 1}: acc ${pct(f.accuracy)} recall ${pct(f.highRecall)} below ${pct(f.belowHigh)} (${f.count})`,
);
for (const fold of folds) console.log(`  ${fold}`);
for (const [label, pick] of [
	['tier accuracy', (f: Figures) => f.accuracy],
	['high-tier recall', (f: Figures) => f.highRecall],
	['served below high', (f: Figures) => f.belowHigh],
] as const) {
	const s = spread(cv.folds.map(pick));
	console.log(
		`  ${col(label)} mean ${pct(s.mean)} ± ${pct(s.sd)} (min ${pct(s.min)}, max ${pct(s.max)}); pooled ${pct(pick(cv.pooled))}`,
	);
}

const misses = routed
	.filter((p) => p.predicted !== p.entry.tier)
	.sort((a, b) => wrongness(b) - wrongness(a));
const shown = process.argv.includes('--all-misses') ? misses : misses.slice(0, 10);
console.log(
	`\n=== held-out prompts the router gets most wrong (${shown.length} of ${misses.length} misses) ===`,
);
for (const p of shown) {
	const r = p.result.router;
	const probs = r ? TIERS.map((t) => `${t[0]}${r.probabilities[t].toFixed(2)}`).join(' ') : '';
	console.log(
		`  ${p.entry.id} [${p.entry.source}/${p.entry.lang ?? '?'}] labelled ${p.entry.tier}, got ${p.predicted} (${probs}, confidence ${r?.confidence})`,
	);
	console.log(`     ${p.entry.text.replace(/\s+/g, ' ').slice(0, 150)}`);
	console.log(
		`     moved by: ${p.result.features
			.slice(0, 4)
			.map((f) => `${f.name} ${f.contribution > 0 ? '+' : ''}${f.contribution}`)
			.join(', ')}`,
	);
}
