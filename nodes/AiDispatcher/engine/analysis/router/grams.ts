/**
 * The router's sparse n-gram features, hashed without building their names: words, word pairs and
 * character 4-grams of a lowercased text, each counted once. A gram is the FNV-1a hash of its name
 * ("w:word", "b:word word", "g:_wor", "c:word"; digits folded to 0, so "T-501" and "T-777" are the
 * same word), computed over the text's code units; the name itself is only built when asked for
 * (`gramName`), for the few features a decision explains.
 */
import { wordSpans } from '../chars';

/** Namespaces of the grams, by the letter that starts their names. */
export const WORD = 0;
export const PAIR = 1;
export const LETTERS = 2;
export const CONTENT_WORD = 3;
const NAMESPACE_LETTERS = ['w', 'b', 'g', 'c'];

/** Character n-gram length, taken within words padded with `_`. */
export const CHAR_GRAM = 4;
const PAD = 0x5f; // '_'
const SPACE = 0x20;
const ZERO = 0x30;

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const step = (hash: number, code: number) => Math.imul(hash ^ code, FNV_PRIME);
const folded = (code: number) => (code >= ZERO && code <= 0x39 ? ZERO : code);

/** FNV-1a over UTF-16 code units, as an unsigned 32-bit number. */
export function fnv1a(name: string): number {
	let hash = FNV_OFFSET;
	for (let i = 0; i < name.length; i++) hash = step(hash, name.charCodeAt(i));
	return hash >>> 0;
}

/** The hash state after "<letter>:", per namespace. */
const PREFIX_HASH = NAMESPACE_LETTERS.map((letter) =>
	step(step(FNV_OFFSET, letter.charCodeAt(0)), 0x3a),
);

/** Distinct grams of one text, in first-occurrence order. */
export interface Grams {
	count: number;
	/**
	 * Four numbers per gram, at `4 * i`: the FNV-1a hash of its name (int32; `>>> 0` for the unsigned
	 * value), its namespace, its word (a pair: the second word), a character gram's start within its
	 * padded word.
	 */
	entries: Int32Array;
	/** The lowercased text and its word spans, for comparing and naming grams. */
	text: string;
	spans: Int32Array;
}

const HASH = 0;
const NAMESPACE = 1;
const OF_WORD = 2;
const OFFSET = 3;

/** Gram `i`'s hash (int32). */
export const hashOf = (g: Grams, i: number) => g.entries[4 * i + HASH];
const namespaceOf = (g: Grams, i: number) => g.entries[4 * i + NAMESPACE];
const wordOf = (g: Grams, i: number) => g.entries[4 * i + OF_WORD];
const offsetOf = (g: Grams, i: number) => g.entries[4 * i + OFFSET];

/** Word `w`'s code unit `k`, digits folded. */
function unit(g: Grams, w: number, k: number): number {
	return folded(g.text.charCodeAt(g.spans[2 * w] + k));
}

const wordLength = (g: Grams, w: number) => g.spans[2 * w + 1] - g.spans[2 * w];

/** Code unit `k` of word `w` padded with `_` on both sides. */
function paddedUnit(g: Grams, w: number, k: number): number {
	return k === 0 || k === wordLength(g, w) + 1 ? PAD : unit(g, w, k - 1);
}

const letterGramLength = (g: Grams, w: number) => Math.min(CHAR_GRAM, wordLength(g, w) + 2);

function sameWord(g: Grams, a: number, b: number): boolean {
	const n = wordLength(g, a);
	if (n !== wordLength(g, b)) return false;
	for (let k = 0; k < n; k++) if (unit(g, a, k) !== unit(g, b, k)) return false;
	return true;
}

/** True when grams `a` and `b` have the same name (their hashes are known to be equal). */
function sameGram(g: Grams, a: number, b: number): boolean {
	if (namespaceOf(g, a) !== namespaceOf(g, b)) return false;
	const wa = wordOf(g, a);
	const wb = wordOf(g, b);
	switch (namespaceOf(g, a)) {
		case PAIR:
			return sameWord(g, wa - 1, wb - 1) && sameWord(g, wa, wb);
		case LETTERS: {
			const n = letterGramLength(g, wa);
			if (n !== letterGramLength(g, wb)) return false;
			for (let k = 0; k < n; k++)
				if (paddedUnit(g, wa, offsetOf(g, a) + k) !== paddedUnit(g, wb, offsetOf(g, b) + k))
					return false;
			return true;
		}
		default:
			return sameWord(g, wa, wb);
	}
}

/** Collects distinct grams into `g`, with an open-addressing table over their hashes. */
class GramSet {
	readonly g: Grams;
	private readonly slots: Int32Array;
	private readonly mask: number;

	constructor(text: string, spans: Int32Array, capacity: number) {
		let size = 16;
		while (size < capacity * 2) size <<= 1;
		this.slots = new Int32Array(size);
		this.mask = size - 1;
		this.g = { count: 0, entries: new Int32Array(4 * capacity), text, spans };
	}

	/** Adds the gram unless one with the same name is already in. */
	add(hash: number, namespace: number, word: number, offset: number): void {
		const g = this.g;
		const candidate = g.count;
		const at = 4 * candidate;
		g.entries[at + HASH] = hash;
		g.entries[at + NAMESPACE] = namespace;
		g.entries[at + OF_WORD] = word;
		g.entries[at + OFFSET] = offset;
		let slot = (Math.imul(hash, 0x9e3779b1) >>> 16) & this.mask;
		for (;;) {
			const taken = this.slots[slot];
			if (taken === 0) break;
			if (hashOf(g, taken - 1) === hash && sameGram(g, taken - 1, candidate)) return;
			slot = (slot + 1) & this.mask;
		}
		this.slots[slot] = candidate + 1;
		g.count++;
	}
}

function hashWord(g: Grams, hash: number, w: number): number {
	const end = g.spans[2 * w + 1];
	for (let i = g.spans[2 * w]; i < end; i++) hash = step(hash, folded(g.text.charCodeAt(i)));
	return hash;
}

/** The instruction's grams: each word, each pair of neighbouring words, each word's character 4-grams. */
export function instructionGrams(lower: string): Grams {
	const { spans, words } = wordSpans(lower);
	const set = new GramSet(lower, spans, 2 * words + lower.length);
	const g = set.g;
	for (let w = 0; w < words; w++) {
		set.add(hashWord(g, PREFIX_HASH[WORD], w), WORD, w, 0);
		if (w > 0)
			set.add(hashWord(g, step(hashWord(g, PREFIX_HASH[PAIR], w - 1), SPACE), w), PAIR, w, 0);
		const padded = wordLength(g, w) + 2;
		const grams = padded <= CHAR_GRAM ? 1 : padded - CHAR_GRAM + 1;
		const n = Math.min(CHAR_GRAM, padded);
		for (let j = 0; j < grams; j++) {
			let hash = PREFIX_HASH[LETTERS];
			for (let k = 0; k < n; k++) hash = step(hash, paddedUnit(g, w, j + k));
			set.add(hash, LETTERS, w, j);
		}
	}
	return g;
}

/** The content's distinct words: all of them up to `max`, else the first `max - tail` and the last `tail`. */
export function contentGrams(lower: string, max: number, tail: number): Grams {
	const { spans, words } = wordSpans(lower);
	const set = new GramSet(lower, spans, Math.min(words, max));
	const head = words <= max ? words : max - tail;
	for (let w = 0; w < words; w++) {
		if (w === head) w = Math.max(head, words - tail);
		set.add(hashWord(set.g, PREFIX_HASH[CONTENT_WORD], w), CONTENT_WORD, w, 0);
	}
	return set.g;
}

function wordText(g: Grams, w: number): string {
	return g.text.slice(g.spans[2 * w], g.spans[2 * w + 1]).replace(/\d/g, '0');
}

/** Gram `i`'s name, e.g. "b:root cause". */
export function gramName(g: Grams, i: number): string {
	const w = wordOf(g, i);
	const prefix = `${NAMESPACE_LETTERS[namespaceOf(g, i)]}:`;
	switch (namespaceOf(g, i)) {
		case PAIR:
			return `${prefix}${wordText(g, w - 1)} ${wordText(g, w)}`;
		case LETTERS:
			return `${prefix}${`_${wordText(g, w)}_`.slice(offsetOf(g, i), offsetOf(g, i) + CHAR_GRAM)}`;
		default:
			return `${prefix}${wordText(g, w)}`;
	}
}
