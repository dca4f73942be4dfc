/** The reply text: a deterministic summary of the prompt, JSON when JSON was asked for, split into tokens. */
import { isRecord, type JsonObject } from './json';
import type { CompletionRequest } from './requests';

/** Words of the prompt a default reply repeats. */
const SUMMARY_WORDS = 12;

export interface ReplyHints {
	model: string;
	summary: string;
}

/** `"[<model>] "` + the first {@link SUMMARY_WORDS} words of `text`. */
export function summarise(model: string, text: string): string {
	// Multi-paragraph prompts usually open with the instruction: answer from the content instead,
	// naming a "Subject:" line when there is one, so replies read like answers in a digest.
	const paragraphs = text.split(/\n\s*\n/).filter((p) => p.trim().length > 0);
	const subject = /^Subject:\s*(.+)$/m.exec(text)?.[1]?.trim();
	const content = (paragraphs.length > 1 ? paragraphs.slice(1).join('\n') : text)
		.split('\n')
		.filter((line) => !/^(From|To|Cc|Date|Subject):/i.test(line.trim()))
		.join(' ');
	const words = content
		.split(/\s+/)
		.filter((w) => w.length > 0)
		.slice(0, SUMMARY_WORDS);
	const lead = subject ? `Re "${subject}": ` : '';
	return `[${model}] ${lead}${words.join(' ')}`.trimEnd();
}

export function clamp(value: number, min: unknown, max: unknown): number {
	let result = value;
	if (typeof min === 'number') result = Math.max(result, min);
	if (typeof max === 'number') result = Math.min(result, max);
	return result;
}

export function schemaType(schema: JsonObject): string | undefined {
	const type = schema.type;
	if (Array.isArray(type)) return (type.find((t) => t !== 'null') as string | undefined) ?? 'null';
	if (typeof type === 'string') return type;
	if (isRecord(schema.properties)) return 'object';
	if (schema.items !== undefined) return 'array';
	return undefined;
}

export function sampleString(schema: JsonObject, key: string, hints: ReplyHints): string {
	let text = key === 'model' ? hints.model : hints.summary;
	if (typeof schema.maxLength === 'number') text = text.slice(0, schema.maxLength);
	if (typeof schema.minLength === 'number') text = text.padEnd(schema.minLength, '.');
	return text;
}

export function sampleObject(schema: JsonObject, hints: ReplyHints, depth: number): JsonObject {
	const properties = isRecord(schema.properties) ? schema.properties : {};
	const result: JsonObject = {};
	for (const [key, sub] of Object.entries(properties))
		result[key] = sampleSchema(sub, hints, key, depth + 1);
	const required = Array.isArray(schema.required) ? schema.required : [];
	for (const key of required) {
		if (typeof key === 'string' && !(key in result)) result[key] = hints.summary;
	}
	return result;
}

/** Builds a value satisfying a JSON schema's type/properties/required/enum/items, recursively. */
export function sampleSchema(schema: unknown, hints: ReplyHints, key = '', depth = 0): unknown {
	if (!isRecord(schema) || depth > 16) return hints.summary;
	if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
	if ('const' in schema) return schema.const;
	const variants = schema.anyOf ?? schema.oneOf ?? schema.allOf;
	if (Array.isArray(variants) && variants.length > 0)
		return sampleSchema(variants[0], hints, key, depth + 1);
	switch (schemaType(schema)) {
		case 'object':
			return sampleObject(schema, hints, depth);
		case 'array': {
			const count = clamp(1, schema.minItems, schema.maxItems);
			return Array.from({ length: count }, () => sampleSchema(schema.items, hints, key, depth + 1));
		}
		case 'integer':
			return Math.round(clamp(1, schema.minimum, schema.maximum));
		case 'number':
			return clamp(0.5, schema.minimum, schema.maximum);
		case 'boolean':
			return true;
		case 'null':
			return null;
		default:
			return sampleString(schema, key, hints);
	}
}

/** The default deterministic reply: a summary, or a JSON object when JSON output was asked for. */
export function defaultReply(req: CompletionRequest, model: string): string {
	const hints = { model, summary: summarise(model, req.prompt) };
	if (req.format === 'json') return JSON.stringify({ summary: hints.summary, model });
	if (isRecord(req.format)) return JSON.stringify(sampleSchema(req.format, hints));
	return hints.summary;
}

/** Invalid JSON for the `badjson` fault: chatter followed by an unterminated object. */
export function brokenJsonReply(req: CompletionRequest, model: string): string {
	return `Sure! Here is the JSON you asked for: {"summary": "${summarise(model, req.prompt)}`;
}

/** Splits text into word-ish tokens (at most 16 non-space characters) whose concatenation is the text. */
export function tokenize(text: string): string[] {
	return text.match(/\s*\S{1,16}|\s+$/g) ?? [];
}
