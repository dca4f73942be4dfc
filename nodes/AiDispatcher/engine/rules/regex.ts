/**
 * Regular expressions from users: checked when the rules are read (compiles, not too long, no
 * nested quantifiers or back-references that could backtrack catastrophically) and run on bounded
 * input only.
 */
import type { Settled } from '../result';
import type { CompiledPattern } from './types';

/** Longest accepted pattern, in characters. */
export const MAX_PATTERN_CHARS = 500;
/** Conditions match the first this many characters of the text only, so a match costs at most this. */
export const MAX_MATCHED_CHARS = 20_000;

const ALLOWED_FLAGS = /^[imsu]*$/;
/** A group ending in a quantifier that is itself quantified: (a+)+, (a*)*, (x+){2,}, (?:a|b+)* … */
const NESTED_QUANTIFIER = /\((?:[^()\\]|\\.)*[+*}](?:\?)?\)\s*(?:[+*]|\{\d+,?\d*\})/;
/** A quantified group of alternatives that can match the same text: (a|a)*, (\w|\d)+ … */
const QUANTIFIED_ALTERNATION =
	/\((?:\?:)?(?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)\s*(?:[+*]|\{\d+,\d*\})/;
const BACKREFERENCE = /\\[1-9]|\\k</;

/** Compiles `source`, or says in words why it is refused. Never throws. */
export function compilePattern(source: string, flags = ''): Settled<CompiledPattern> {
	if (source.length === 0) return refused('is empty');
	if (source.length > MAX_PATTERN_CHARS)
		return refused(`is ${source.length} characters long; the limit is ${MAX_PATTERN_CHARS}`);
	if (!ALLOWED_FLAGS.test(flags))
		return refused(`has flags ${JSON.stringify(flags)}; allowed are i, m, s, u`);
	if (NESTED_QUANTIFIER.test(source))
		return refused('has a nested quantifier such as (a+)+ that can backtrack catastrophically');
	if (QUANTIFIED_ALTERNATION.test(source) && hasOverlappingAlternation(source)) {
		return refused(
			'repeats a group of overlapping alternatives such as (a|a)* that can backtrack catastrophically',
		);
	}
	if (BACKREFERENCE.test(source))
		return refused('uses a back-reference, which can backtrack catastrophically');
	const built = build(source, flags);
	if (!built.ok)
		return refused(`is not a valid regular expression: ${(built.error as Error).message}`);
	return { ok: true, value: { source, flags, regex: built.value } };
}

/** Tests `pattern` on the first `MAX_MATCHED_CHARS` characters of `text`. */
export function testBounded(pattern: CompiledPattern, text: string): boolean {
	const bounded = text.length > MAX_MATCHED_CHARS ? text.slice(0, MAX_MATCHED_CHARS) : text;
	pattern.regex.lastIndex = 0;
	return pattern.regex.test(bounded);
}

function build(source: string, flags: string): Settled<RegExp> {
	try {
		return { ok: true, value: new RegExp(source, flags) };
	} catch (error) {
		return { ok: false, error };
	}
}

/** Alternatives overlap when one is a prefix of another or either is a broad class (\w, \d, ., \s). */
function hasOverlappingAlternation(source: string): boolean {
	const group = /\((?:\?:)?((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*)\)\s*(?:[+*]|\{\d+,\d*\})/.exec(
		source,
	);
	if (!group) return false;
	const alternatives = group[1].split('|');
	if (alternatives.some((a) => /\\[wdsWDS]|\.|\[/.test(a))) return true;
	return alternatives.some((a, i) => alternatives.some((b, j) => i !== j && b.startsWith(a)));
}

function refused(reason: string): Settled<CompiledPattern> {
	return { ok: false, error: reason };
}
