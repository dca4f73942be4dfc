import * as fast from '../../../../nodes/AiDispatcher/engine/analysis/measure';
import { isSpaceUnit } from '../../../../nodes/AiDispatcher/engine/analysis/chars';
import * as CUES from '../../../../nodes/AiDispatcher/engine/analysis/heuristicCues';
import { analyseComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/heuristic';
import { routeComplexity } from '../../../../nodes/AiDispatcher/engine/analysis/router/route';
import { routerFeatures } from '../../../../nodes/AiDispatcher/engine/analysis/router/featureVector';
import { probabilitiesOf } from '../../../../nodes/AiDispatcher/engine/analysis/router/model';
import { loadCorpus } from '../../../bench/corpus-metrics';
import { loadRouterCorpus } from '../../../../scripts/router/corpus';
import * as reference from './reference-structure';

/** The analysers loaded a second time, on the reference measurements instead of the fast ones. */
function referencePipeline() {
	let loaded!: {
		analyseComplexity: typeof analyseComplexity;
		routeComplexity: typeof routeComplexity;
		routerFeatures: typeof routerFeatures;
		probabilitiesOf: typeof probabilitiesOf;
	};
	jest.isolateModules(() => {
		// The old call sequence: each count over its own split of the text.
		jest.doMock(require.resolve('../../../../nodes/AiDispatcher/engine/analysis/measure'), () => ({
			...reference,
			measureStructure: (text: string): fast.StructureCounts => ({
				codeBlocks: reference.countCodeBlocks(text),
				stackFrames: reference.countStackFrames(text),
				logLines: reference.countLogLines(text),
				listItems: reference.countListItems(text),
				structuredData: reference.structuredDataLevel(text),
				figures: reference.countFigures(text),
				math: reference.countMath(text),
			}),
		}));
		loaded = {
			...(jest.requireActual('../../../../nodes/AiDispatcher/engine/analysis/heuristic') as object),
			...(jest.requireActual(
				'../../../../nodes/AiDispatcher/engine/analysis/router/route',
			) as object),
			...(jest.requireActual(
				'../../../../nodes/AiDispatcher/engine/analysis/router/featureVector',
			) as object),
			...(jest.requireActual(
				'../../../../nodes/AiDispatcher/engine/analysis/router/model',
			) as object),
		} as typeof loaded;
	});
	return loaded;
}

const routerCorpus = loadRouterCorpus();
const CORPUS = [...routerCorpus.train, ...routerCorpus.heldout, ...loadCorpus()].map((p) => p.text);

const codeLines = [
	'def f(x):',
	'    return x * 2;',
	'const a = {',
	'}',
	'x := 3',
	'if (a) {',
	'SELECT * FROM t;',
];
/** Empty, huge, CRLF, unicode and lone surrogates, code fences, no newline, and each pattern's edge cases. */
const TRICKY = [
	'',
	' ',
	'\n\n\n',
	'no newline at all',
	codeLines.join('\r\n'),
	codeLines.join('\n') + '\n\n' + codeLines.join('\u2028'),
	codeLines.map((l) => `\u00a0\ufeff${l}\u3000`).join('\n'),
	'```python\nprint(1)\n```\n~~~json\n{"a": 1}\n~~~\n```\n[1, 2]\n```\n``` unclosed',
	'  at com.x.Y.run(Y.java:12)\n  File "a.py", line 3\nTraceback (most recent call last)\ngoroutine 7 [running]\npanic: boom\nmain.go:12\n#3 0XDEADbeef\nCaused by: x\nException in thread "main"\nfoo.BarError:\nValueError',
	'2024-01-02T03:04:05 ERROR x\n[WARN] y\n  FATAL: z\nwarning: lower\n2024-01-02 03:04 e1234 info',
	'1. one\n2) two\na. three\nB) four\n- five\n* six\n• seven\nab. not\n12 no',
	'a,b,c,d\n1;2;3;4\nx|y|z|w\nt\tu\tv\tw\nname: x\n  key-1: value\nk: v\nl: w\nm: n\n{"key": 1, ["k2": 2',
	'n^2 + n*3 O(n log n) o(1) 3 * 4 12/4 2^8 6×7 9÷3 x = 3 X<4 y >5 n + 1 N-2 n*3 ²³√∑∫≤≥≠± a1=2 _x=1 x\u00a0=\u20031 3\n*\n4 ab=3',
	'5% 10ms 3s 2gb 4 GiB 1.5 mb 7tb 3k 2m 9€ 5$ 10 usd 20 eur 100 rps 5 qps 30 req/s 3,5% 7.25ms',
	'Classify: 𝐀𝐁𝐂 𐐀𐐨 \ud800 lone \udc00 surrogates 😀 emoji 中文字 日本語 Ελληνικά ΣΟΦΟΣ ſ K ı İ',
	'summarise_this re-summarise résumé xsummar _summar 1summar émsummar ßsummar root cause why does',
	`${'x'.repeat(1000)}\n${'word; '.repeat(200)}\n${'a'.repeat(50_000)}`,
	`${'Line with code(); and 3 * 4 = 12, "k": 1, ERROR\n'.repeat(20_000)}`, // about 1 MB
];

const TEXTS = [...CORPUS, ...TRICKY];
const ALL_CUES: Array<[string, readonly string[]]> = Object.entries(
	CUES as Record<string, unknown>,
).filter((entry): entry is [string, readonly string[]] => Array.isArray(entry[1]));

describe('structural measurements: the fast versions equal the reference on every corpus prompt and tricky text', () => {
	it('isSpaceUnit is the regex class \\s for every UTF-16 code unit', () => {
		const differ: number[] = [];
		for (let code = 0; code <= 0xffff; code++)
			if (isSpaceUnit(code) !== /\s/.test(String.fromCharCode(code))) differ.push(code);
		expect(differ).toEqual([]);
	});

	it('counts every measurement as the reference does, one by one and through measureStructure', () => {
		const counts = [
			'countCodeBlocks',
			'countStackFrames',
			'countLogLines',
			'countListItems',
			'structuredDataLevel',
			'countFigures',
			'countMath',
			'countQuestions',
		] as const;
		let nonZero = 0;
		for (const text of TEXTS) {
			for (const input of [
				fast.boundedSample(text),
				...(text.length <= fast.MAX_ANALYSED_CHARS ? [] : [text]),
			]) {
				const expected = Object.fromEntries(counts.map((name) => [name, reference[name](input)]));
				expect({
					text: input.slice(0, 60),
					...Object.fromEntries(counts.map((name) => [name, fast[name](input)])),
				}).toEqual({ text: input.slice(0, 60), ...expected });
				const s = fast.measureStructure(input);
				expect([
					s.codeBlocks,
					s.stackFrames,
					s.logLines,
					s.listItems,
					s.structuredData,
					s.figures,
					s.math,
				]).toEqual(counts.slice(0, 7).map((name) => expected[name]));
				nonZero += counts.filter((name) => expected[name] > 0).length;
			}
		}
		expect(nonZero).toBeGreaterThan(TEXTS.length);
	});

	it('finds the same cues of every cue list', () => {
		let hits = 0;
		for (const text of TEXTS) {
			const lower = text.toLowerCase();
			for (const [name, cues] of ALL_CUES) {
				const count = fast.countCues(lower, cues);
				expect([name, count]).toEqual([name, reference.countCues(lower, cues)]);
				hits += count;
			}
		}
		expect(ALL_CUES.length).toBeGreaterThanOrEqual(9);
		expect(hits).toBeGreaterThan(CORPUS.length);
	});

	it('gives the same router features, probabilities (bit for bit), decisions and explanations, and the same heuristic results', () => {
		const old = referencePipeline();
		const tiers = new Set<string>();
		for (const text of TEXTS) {
			const f = routerFeatures(text);
			const g = old.routerFeatures(text);
			expect([f.task, f.counts, Array.from(f.indices), Array.from(f.values)]).toEqual([
				g.task,
				g.counts,
				Array.from(g.indices),
				Array.from(g.values),
			]);
			expect(Array.from(probabilitiesOf(f))).toEqual(Array.from(old.probabilitiesOf(g)));
			const routed = routeComplexity(text);
			expect(routed).toEqual(old.routeComplexity(text));
			expect(analyseComplexity(text)).toEqual(old.analyseComplexity(text));
			tiers.add(routed.tier);
		}
		expect([...tiers].sort()).toEqual(['high', 'low', 'medium']);
	});
});
