/**
 * Character classes read per UTF-16 code unit without a regex per character: the router's words
 * (runs of `[\p{L}\p{N}]` with the `u` flag), and the regex whitespace `\s` the structural
 * counts skip.
 */

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;

/** Code units below this are classified by a table built once; the rest by the regex. */
const TABLE_SIZE = 0x800;
const TABLE = Uint8Array.from({ length: TABLE_SIZE }, (_, code) =>
	LETTER_OR_DIGIT.test(String.fromCharCode(code)) ? 1 : 0,
);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** True when the code unit at `i` is a letter or digit on its own (a lone surrogate is not). */
export function isLetterOrDigitUnit(text: string, i: number): boolean {
	const code = text.charCodeAt(i);
	if (code < TABLE_SIZE) return TABLE[code] === 1;
	return LETTER_OR_DIGIT.test(text[i]);
}

/**
 * Length in code units of the letter or digit starting at `i` (2 for an astral letter written as a
 * surrogate pair), or 0 when the character there is neither.
 */
export function letterOrDigitLength(text: string, i: number): number {
	const code = text.charCodeAt(i);
	return code < TABLE_SIZE ? TABLE[code] : beyondTable(text, i, code);
}

function beyondTable(text: string, i: number, code: number): number {
	if (isHighSurrogate(code) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
		return LETTER_OR_DIGIT.test(text.slice(i, i + 2)) ? 2 : 0;
	}
	return LETTER_OR_DIGIT.test(text[i]) ? 1 : 0;
}

/** The words of `text`: `spans` holds start and end offsets as pairs `[start0, end0, start1, end1, …]`. */
export function wordSpans(text: string): { spans: Int32Array; words: number } {
	// Words are separated, so there are at most (length + 1) / 2 of them.
	const spans = new Int32Array(text.length + 1);
	let n = 0;
	let i = 0;
	while (i < text.length) {
		let step = letterOrDigitLength(text, i);
		if (step === 0) {
			i++;
			continue;
		}
		spans[n++] = i;
		while (step > 0) {
			i += step;
			step = i < text.length ? letterOrDigitLength(text, i) : 0;
		}
		spans[n++] = i;
	}
	return { spans, words: n / 2 };
}

/** `\s` (WhiteSpace and LineTerminator): every such code unit is below this, except U+FEFF. */
const SPACE_TABLE_SIZE = 0x3001;
const BYTE_ORDER_MARK = 0xfeff;
const SPACE = Uint8Array.from({ length: SPACE_TABLE_SIZE }, (_, code) =>
	/\s/.test(String.fromCharCode(code)) ? 1 : 0,
);

/** True when the code unit `code` matches the regex class `\s`. */
export function isSpaceUnit(code: number): boolean {
	return code < SPACE_TABLE_SIZE ? SPACE[code] === 1 : code === BYTE_ORDER_MARK;
}
