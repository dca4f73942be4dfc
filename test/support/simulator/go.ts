/** Go compatibility: the texts Ollama's Go decoder gives for bad JSON, Go durations, `%q`. */
import { HttpError } from './http';
import { isRecord, type JsonObject } from './json';

/** Go's `%q` for ASCII strings (close enough to JSON string quoting). */
export function goQuote(text: string): string {
	return JSON.stringify(text);
}

/** Go's `quoteChar` as used by encoding/json syntax errors. */
export function goQuoteChar(c: string): string {
	if (c === "'") return "'\\''";
	if (c === '"') return "'\"'";
	return `'${JSON.stringify(c).slice(1, -1)}'`;
}

/**
 * Returns the message Go's `encoding/json` gives for malformed `text`, e.g.
 * `invalid character 'x' looking for beginning of value` or `unexpected EOF`.
 * Only called when `JSON.parse` failed, so it need not be a full validator.
 */
export function goJsonSyntaxError(text: string): string {
	let i = 0;
	const fail = (context: string): never => {
		throw new Error(
			i >= text.length ? 'unexpected EOF' : `invalid character ${goQuoteChar(text[i])} ${context}`,
		);
	};
	const skipWs = (): void => {
		while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
	};
	const expectChar = (c: string, context: string): void => {
		skipWs();
		if (text[i] !== c) fail(context);
		i++;
	};
	const parseString = (): void => {
		i++; // opening quote
		while (i < text.length && text[i] !== '"') {
			if (text.charCodeAt(i) < 0x20) fail('in string literal');
			i += text[i] === '\\' ? 2 : 1;
		}
		if (i >= text.length) fail('');
		i++;
	};
	const parseLiteral = (word: string): void => {
		for (let k = 0; k < word.length; k++, i++) {
			if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${goQuoteChar(word[k])})`);
		}
	};
	const parseNumber = (): void => {
		const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
		if (!match) {
			i++;
			fail('in numeric literal');
		}
		i += match ? match[0].length : 0;
	};
	const parseValue = (): void => {
		skipWs();
		const c = text[i];
		if (c === '{') parseObject();
		else if (c === '[') parseArray();
		else if (c === '"') parseString();
		else if (c === 't') parseLiteral('true');
		else if (c === 'f') parseLiteral('false');
		else if (c === 'n') parseLiteral('null');
		else if (c === '-' || (c >= '0' && c <= '9')) parseNumber();
		else fail('looking for beginning of value');
	};
	const parseObject = (): void => {
		i++;
		skipWs();
		if (text[i] === '}') {
			i++;
			return;
		}
		for (;;) {
			skipWs();
			if (text[i] !== '"') fail('looking for beginning of object key string');
			parseString();
			expectChar(':', 'after object key');
			parseValue();
			skipWs();
			if (text[i] === '}') break;
			if (text[i] !== ',') fail('after object key:value pair');
			i++;
		}
		i++;
	};
	const parseArray = (): void => {
		i++;
		skipWs();
		if (text[i] === ']') {
			i++;
			return;
		}
		for (;;) {
			parseValue();
			skipWs();
			if (text[i] === ']') break;
			if (text[i] !== ',') fail('after array element');
			i++;
		}
		i++;
	};
	try {
		parseValue();
		skipWs();
		if (i < text.length) fail('after top-level value');
		return 'unexpected EOF';
	} catch (error) {
		return (error as Error).message;
	}
}

export const GO_DURATION_UNITS_MS: Record<string, number> = {
	ns: 1e-6,
	us: 1e-3,
	µs: 1e-3,
	μs: 1e-3,
	ms: 1,
	s: 1000,
	m: 60_000,
	h: 3_600_000,
};

/** Parses a Go duration string (`"5m"`, `"1h30m"`, `"-1s"`, `"0"`) into milliseconds. */
export function parseGoDuration(text: string): number {
	if (text === '0' || text === '+0' || text === '-0') return 0;
	const match = /^([+-]?)((?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+)$/.exec(text);
	if (!match) {
		const missingUnit = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text);
		throw new HttpError(
			400,
			`time: ${missingUnit ? 'missing unit in' : 'invalid'} duration ${goQuote(text)}`,
		);
	}
	let ms = 0;
	for (const part of match[2].matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
		ms += Number(part[1]) * GO_DURATION_UNITS_MS[part[2]];
	}
	return match[1] === '-' ? -ms : ms;
}

/** Type name Go's reflect prints for a decoded JSON value. */
export function goDynamicType(value: unknown): string {
	if (typeof value === 'boolean') return 'bool';
	if (typeof value === 'number') return 'float64';
	if (typeof value === 'string') return 'string';
	if (Array.isArray(value)) return '[]interface {}';
	return 'map[string]interface {}';
}

/**
 * `keep_alive` as Ollama's `Duration.UnmarshalJSON` reads it, in milliseconds:
 * number = seconds, string = Go duration, negative = forever (Infinity), undefined/null = not given.
 */
export function parseKeepAlive(value: unknown): number | undefined {
	if (value === undefined || value === null) return undefined;
	let ms: number;
	if (typeof value === 'number') ms = value * 1000;
	else if (typeof value === 'string') ms = parseGoDuration(value);
	else throw new HttpError(400, `Unsupported type: '${goDynamicType(value)}'`);
	return ms < 0 ? Infinity : ms;
}

/** JSON kind names used in Go's `cannot unmarshal X into ...` messages. */
export function jsonKind(value: unknown): string {
	if (Array.isArray(value)) return 'array';
	if (typeof value === 'boolean') return 'bool';
	return typeof value; // number | string | object
}

export type GoFieldType = 'string' | 'bool' | 'map[string]interface {}' | '[]api.Message';

export function fieldTypeMatches(value: unknown, type: GoFieldType): boolean {
	switch (type) {
		case 'string':
			return typeof value === 'string';
		case 'bool':
			return typeof value === 'boolean';
		case 'map[string]interface {}':
			return isRecord(value);
		case '[]api.Message':
			return Array.isArray(value);
	}
}

/** Mimics the Go decoder's type errors for the fields the simulator reads. */
export function checkFieldTypes(
	body: JsonObject,
	struct: string,
	fields: Record<string, GoFieldType>,
): void {
	for (const [field, type] of Object.entries(fields)) {
		const value = body[field];
		if (value === undefined || value === null || fieldTypeMatches(value, type)) continue;
		throw new HttpError(
			400,
			`json: cannot unmarshal ${jsonKind(value)} into Go struct field ${struct}.${field} of type ${type}`,
		);
	}
}
