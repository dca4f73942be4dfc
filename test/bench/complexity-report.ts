/**
 * `npm run complexity-report`: how well the complexity analyser's tiers match the labeled corpus,
 * on all prompts, on the train split (used for calibration) and on the held-out fifth.
 * Add `--misses` to list the misclassified prompts of each split.
 */
import { DEFAULT_THRESHOLDS } from '../../nodes/AiDispatcher/engine/analysis/complexity';
import { TIERS } from '../../nodes/AiDispatcher/engine/types';
import { figuresOf, loadCorpus, predict, splitOf, type Figures, type Split } from './corpus-metrics';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function printFigures(split: Split, f: Figures): void {
	console.log(`\n=== ${split} (${f.count} prompts) ===`);
	console.log('confusion (rows: labeled, columns: predicted)');
	console.log(`  ${'labeled'.padEnd(8)} ${TIERS.map((t) => t.padStart(7)).join(' ')}`);
	for (const labeled of TIERS) {
		console.log(`  ${labeled.padEnd(8)} ${TIERS.map((p) => String(f.confusion[labeled][p]).padStart(7)).join(' ')}`);
	}
	console.log(`  accuracy            ${pct(f.accuracy)}`);
	console.log(`  high-tier recall    ${pct(f.highRecall)}  (complex prompts that reach high)`);
	console.log(`  high-tier precision ${pct(f.highPrecision)}`);
	console.log(`  served below high   ${pct(f.belowHigh)}`);
	console.log(`  low sent to high    ${pct(f.lowToHigh)}`);
	const groups = (g: Figures['byLanguage']) =>
		Object.entries(g)
			.sort((a, b) => b[1].count - a[1].count)
			.map(([k, v]) => `${k} ${pct(v.accuracy)} (${v.count})`)
			.join(' · ');
	console.log(`  by language         ${groups(f.byLanguage)}`);
	console.log(`  by source           ${groups(f.bySource)}`);
}

const corpus = loadCorpus();
const showMisses = process.argv.includes('--misses');
console.log(`Complexity analyser on test/fixtures/complexity-corpus.json; thresholds medium ≥ ${DEFAULT_THRESHOLDS.medium}, high ≥ ${DEFAULT_THRESHOLDS.high}`);
console.log('holdout = ids ending in 0 or 5 (not looked at while calibrating)');
for (const split of ['all', 'train', 'holdout'] as const) {
	const predictions = predict(splitOf(corpus, split));
	printFigures(split, figuresOf(predictions));
	if (showMisses && split !== 'all') {
		for (const p of predictions.filter((x) => x.predicted !== x.entry.tier)) {
			console.log(`    miss ${p.entry.id.padEnd(11)} labeled ${p.entry.tier.padEnd(6)} got ${p.predicted.padEnd(6)} score ${p.score.toFixed(3)}  ${p.entry.text.slice(0, 70).replace(/\s+/g, ' ')}`);
		}
	}
}

// `--calibrate`: the threshold pairs that score best on the train split (accuracy + ½·high recall),
// to re-check DEFAULT_THRESHOLDS after changing a feature. Pick a round pair near the top, not the
// single best one, and confirm on the holdout.
if (process.argv.includes('--calibrate')) {
	const train = splitOf(corpus, 'train');
	const rows: Array<{ objective: number; text: string }> = [];
	for (let m = 10; m <= 35; m++) {
		for (let h = Math.max(m + 5, 30); h <= 60; h++) {
			const f = figuresOf(predict(train, { medium: m / 100, high: h / 100 }));
			rows.push({
				objective: f.accuracy + 0.5 * f.highRecall,
				text: `medium ≥ ${(m / 100).toFixed(2)} high ≥ ${(h / 100).toFixed(2)}: accuracy ${pct(f.accuracy)}, high recall ${pct(f.highRecall)}, below high ${pct(f.belowHigh)}`,
			});
		}
	}
	console.log('\n=== calibration on train (best 10) ===');
	for (const row of rows.sort((a, b) => b.objective - a.objective).slice(0, 10)) console.log(`  ${row.text}`);
}
