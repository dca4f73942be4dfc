/**
 * Finds the instruction in a prompt. A workflow's prompt is usually an instruction followed (or
 * preceded) by the content it works on: an email, a ticket, a log, a table. The labelling rule
 * judges what the instruction asks, so the router looks at the two separately instead of averaging
 * the instruction into a long email.
 */
import { boundedSample } from '../measure';

export interface PromptParts {
	/** What the prompt asks: its first and/or last paragraph when they do not look like content. */
	instruction: string;
	/** What it works on: everything else (may be empty for a bare question). */
	content: string;
}

/** Longest paragraph still read as an instruction, in characters. */
const MAX_INSTRUCTION_BLOCK_CHARS = 700;
/** A trailing paragraph up to this long may be a second instruction ("Answer in one line."). */
const MAX_TRAILING_INSTRUCTION_CHARS = 400;
/** …and up to this long when the first paragraph already was one. */
const SHORT_TRAILING_INSTRUCTION_CHARS = 160;
const GREETING =
	/^(?:hi|hello|hey|dear|hallo|liebe|lieber|sehr geehrte|guten|bonjour|salut|madame|monsieur|hola|estimad|buenos|ciao|buongiorno|gentile|hoi|beste|dzień dobry|olá|caro|cara)\b/i;
/** How a second, trailing request starts ("Answer in one line.", "Return JSON only."). */
const REQUEST_START =
	/^(?:answer|reply|respond|return|output|give|list|include|use|keep|format|only|write|make sure|do not|don't|be |please|remember|note:|antworte|gib|nenne|nur|bitte|schreibe|verwende|réponds|donne|utilise|seulement|merci de|responde|devuelve|usa|solo|por favor|rispondi|restituisci|antwoord|geef)/i;
/** Sentences kept from each end of a single long paragraph. */
const EDGE_SENTENCES = 2;

const HEADER_LINE =
	/^\s*(?:from|to|cc|subject|date|sent|von|an|betreff|datum|de|à|objet|para|asunto|fecha|da|oggetto|body|ticket|title|titel|description|reporter|assignee|status|priority|card|carte|karte|tarjeta|scheda|kaart|list|members|labels|due|comments?|customer|agent|kunde|client|cliente)\s*[:：]/i;
const CONTENT_START =
	/^\s*(?:```|~~~|>|[{[<]|\||#\s|\d{4}-\d{2}-\d{2}|\[\d|at\s+\S+\(|traceback|exception|error[:\s]|warn|info\s|debug\s|select\s|insert\s|update\s|def\s|class\s|function\s|import\s|package\s|const\s|let\s|var\s|public\s|func\s|fn\s|#include)/i;
const ROW_LINE = /^\s*(?:[-*•]\s+\S|\d+[.)]\s+\S|[\w.-]+\s*[,;\t|]\s*[\w."-]+\s*[,;\t|])/;

/** True when a paragraph looks like material to work on rather than a request. */
export function looksLikeContent(block: string): boolean {
	const lines = block.split('\n').filter((line) => line.trim().length > 0);
	if (lines.length === 0) return true;
	if (HEADER_LINE.test(lines[0]) || CONTENT_START.test(lines[0])) return true;
	if (lines.length >= 3) {
		const rows = lines.filter((line) => ROW_LINE.test(line) || HEADER_LINE.test(line)).length;
		if (rows / lines.length >= 0.6) return true;
	}
	return false;
}

/** Splits a prompt into its instruction and its content. Cost is linear in the bounded sample. */
export function splitPrompt(text: string): PromptParts {
	const blocks = boundedSample(text)
		.split(/\n[ \t]*\n/)
		.map((block) => block.trim())
		.filter((block) => block.length > 0);
	if (blocks.length === 0) return { instruction: '', content: '' };
	if (blocks.length === 1) return splitSingle(blocks[0]);

	const instruction: string[] = [];
	const content: string[] = [];
	const first = blocks[0];
	const last = blocks[blocks.length - 1];
	if (!looksLikeContent(first)) {
		const lead = leadingInstruction(first);
		instruction.push(lead.instruction);
		if (lead.content) content.push(lead.content);
	} else {
		content.push(first);
	}
	content.push(...blocks.slice(1, -1));
	// After an instruction, a last paragraph is usually the content's end; it is a second request only when short.
	const second = instruction.length > 0;
	const trailingLimit = second ? SHORT_TRAILING_INSTRUCTION_CHARS : MAX_TRAILING_INSTRUCTION_CHARS;
	const asks = !second || REQUEST_START.test(last);
	if (
		asks &&
		last.length <= trailingLimit &&
		!looksLikeContent(last) &&
		!isSignOff(last) &&
		!GREETING.test(last)
	)
		instruction.push(last);
	else content.push(last);
	if (instruction.length === 0) return splitSingle(blocks.join('\n\n'));
	return { instruction: instruction.join('\n'), content: content.join('\n\n') };
}

/** The first paragraph's request lines; header, code or data lines after them are content. */
function leadingInstruction(block: string): PromptParts {
	const lines = block.split('\n');
	let cut = lines.findIndex(
		(line, i) => i > 0 && (HEADER_LINE.test(line) || CONTENT_START.test(line)),
	);
	if (cut < 0) cut = endsRequest(lines) ? 1 : lines.length;
	const head = lines.slice(0, cut).join('\n');
	const rest = lines.slice(cut).join('\n');
	if (head.length <= MAX_INSTRUCTION_BLOCK_CHARS) return { instruction: head, content: rest };
	const edges = edgeSentences(head);
	return {
		instruction: edges.instruction,
		content: [edges.content, rest].filter(Boolean).join('\n'),
	};
}

/**
 * One paragraph: content when its first line is; otherwise read like a leading paragraph (request
 * lines up to the first header, code or data line, or up to a request line followed by material).
 */
function splitSingle(block: string): PromptParts {
	const first = block.split('\n', 1)[0];
	if (HEADER_LINE.test(first) || CONTENT_START.test(first) || ROW_LINE.test(first))
		return { instruction: '', content: block };
	return leadingInstruction(block);
}

/** Material after a request line: a first line ending a sentence or a colon, then at least this much. */
const MIN_CONTENT_AFTER_REQUEST_CHARS = 150;

function endsRequest(lines: string[]): boolean {
	if (
		lines.length < 2 ||
		lines[0].length > MAX_INSTRUCTION_BLOCK_CHARS ||
		!/[.?!:？。]\s*$/.test(lines[0])
	)
		return false;
	return lines.slice(1).join('\n').length >= MIN_CONTENT_AFTER_REQUEST_CHARS;
}

function edgeSentences(block: string): PromptParts {
	const sentences = block.split(/(?<=[.?!？。])\s+/);
	if (sentences.length <= EDGE_SENTENCES * 2) return { instruction: block, content: '' };
	const head = sentences.slice(0, EDGE_SENTENCES);
	const tail = sentences.slice(-EDGE_SENTENCES);
	return {
		instruction: [...head, ...tail].join(' '),
		content: sentences.slice(EDGE_SENTENCES, -EDGE_SENTENCES).join(' '),
	};
}

const SIGN_OFF =
	/^(?:thanks|thank you|best|regards|cheers|kind regards|best regards|viele grüße|mit freundlichen grüßen|grüße|danke|merci|cordialement|bien à vous|saludos|un saludo|gracias|atentamente|cumprimentos|grazie|saluti)\b/i;

function isSignOff(block: string): boolean {
	const lastLine = block.split('\n').pop()?.trim() ?? '';
	const nameOnly = /^[\p{Lu}][\p{L}'-]*(?:\s[\p{Lu}][\p{L}'-]*){0,3}$/u.test(lastLine);
	return SIGN_OFF.test(block.trim()) || (block.length < 60 && nameOnly);
}
