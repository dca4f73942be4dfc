/**
 * Task families of the labelling rule (`tier-labeling.md`): what an instruction can ask of its
 * content, as lowercase word-start stems in English, German, French, Spanish, Italian, Portuguese
 * and Dutch. They are features, not verdicts: the trained weights decide how far each family moves
 * the tier, and only when it occurs in the instruction (see `features.ts`). Written from the rule's
 * text, never tuned on the held-out prompts.
 */
import { isLetterOrDigitUnit } from '../chars';

export interface TaskFamily {
	name: string;
	/** The tier the rule gives this kind of task on typical content. */
	tier: 'low' | 'medium' | 'high';
	cues: readonly string[];
}

export const TASK_FAMILIES: readonly TaskFamily[] = [
	// low: copied, recognised or restated
	{ name: 'extract_field', tier: 'low', cues: ['extract', 'pull out', 'pull the', 'copy the', 'what is the', "what's the", 'which is the', 'find the', 'return only', 'only the', 'tracking number', 'order number', 'invoice number', 'reference number', 'ticket number', 'version', 'extrahier', 'nenne', 'gib nur', 'nur die', 'nur den', 'extrai', 'quel est', 'quelle est', 'seulement', 'extrae', 'cuál es', 'solo el', 'solo la', 'estrai', 'qual è', 'welke', 'alleen', 'wat is'] },
	{ name: 'classify', tier: 'low', cues: ['classify', 'categori', 'label', 'tag ', 'which category', 'sentiment', 'spam', 'phishing', 'auto-reply', 'automatic reply', 'out-of-office', 'out of office', 'is this', 'is it', 'yes or no', '"yes" or "no"', 'true or false', 'positive, neutral', 'klassifi', 'kategori', 'ordne', 'ja oder nein', 'ist das', 'ist dies', 'classe', 'catégor', 'oui ou non', 'est-ce', 'clasific', 'categor', 'sí o no', 'es esto', 'classifica', 'sì o no', 'ja of nee'] },
	{ name: 'one_line', tier: 'low', cues: ['one line', 'one-line', 'one sentence', 'single sentence', 'one word', 'a single', 'in a sentence', 'tl;dr', 'tldr', 'gist', 'headline', 'title', 'subject line', 'einem satz', 'einer zeile', 'ein wort', 'une phrase', 'une ligne', 'un mot', 'una frase', 'una línea', 'una palabra', 'una riga', 'een zin', 'één zin', 'jednym zdaniu'] },
	{ name: 'translate', tier: 'low', cues: ['translate', 'translation', 'in english', 'into english', 'in german', 'into german', 'in french', 'in spanish', 'how do you say', 'übersetz', 'auf deutsch', 'auf englisch', 'tradui', 'traduc', 'tradu', 'en anglais', 'en inglés', 'vertaal', 'przetłumacz'] },
	{ name: 'reformat', tier: 'low', cues: ['format', 'reformat', 'pretty-print', 'pretty print', 'indent', 'markdown table', 'to a table', 'into a table', 'as a table', 'csv', 'sort', 'alphabetical', 'uppercase', 'lowercase', 'capitali', 'fix the typo', 'spelling', 'formatier', 'tabelle', 'tableau', 'tabla', 'tabella', 'tabel'] },
	{ name: 'name_language', tier: 'low', cues: ['which language', 'what language', 'which programming language', 'welche sprache', 'quel langage', 'quelle langue', 'qué lenguaje', 'qué idioma'] },
	// medium: modest synthesis or judgement
	{ name: 'action_items', tier: 'medium', cues: ['action item', 'owner', 'who does what', 'due date', 'deadline', 'next step', 'to-do', 'todo', 'decisions', 'verantwortlich', 'aufgaben', 'nächste schritte', 'responsable', 'prochaines étapes', 'tâches', 'próximos pasos', 'tareas', 'prossimi passi', 'acties'] },
	{ name: 'summarise', tier: 'medium', cues: ['summar', 'recap', 'digest', 'overview', 'bullet', 'key points', 'zusammenfass', 'stichpunkt', 'résum', 'points clés', 'resum', 'viñeta', 'riassum', 'samenvat', 'podsumuj'] },
	{ name: 'draft', tier: 'medium', cues: ['draft', 'write a reply', 'write a response', 'reply to', 'respond to', 'write an email', 'write a message', 'write a short', 'compose', 'rewrite', 'polite', 'tone', 'formal', 'friendly', 'apolog', 'entwurf', 'entwirf', 'schreibe', 'formuliere', 'antwort', 'rédige', 'écris', 'répon', 'redacta', 'escribe', 'responde', 'scrivi', 'schrijf'] },
	{ name: 'explain', tier: 'medium', cues: ['explain', 'what does this', 'what does the', 'walk me through', 'how does this', 'difference between', 'erkläre', 'was macht', 'explique', 'que fait', 'explica', 'qué hace', 'spiega', 'leg uit'] },
	{ name: 'aggregate', tier: 'medium', cues: ['total', 'sum of', 'sum up', 'add up', 'average', 'count', 'how many', 'group', 'per region', 'per team', 'per customer', 'per month', 'percentage', 'summe', 'gesamt', 'durchschnitt', 'wie viele', 'somme', 'moyenne', 'combien', 'suma', 'promedio', 'cuántos', 'totale', 'quanti'] },
	{ name: 'time_maths', tier: 'medium', cues: ['time zone', 'timezone', 'what time', 'convert', 'how long', 'how many days', 'business days', 'working days', 'capacity', 'zeitzone', 'wie spät', 'fuseau', 'quelle heure', 'zona horaria', 'qué hora'] },
	{ name: 'apply_policy', tier: 'medium', cues: ['policy', 'according to', 'rules below', 'guideline', 'eligible', 'reimburs', 'allowed', 'complies', 'richtlinie', 'erstattungsfähig', 'politique', 'règle', 'política', 'norma'] },
	{ name: 'spec_writing', tier: 'medium', cues: ['release note', 'changelog', 'acceptance criteria', 'user stor', 'given/when/then', 'test case', 'checklist', 'akzeptanzkriterien', "critères d'acceptation", 'criterios de aceptación'] },
	// high: mistakes compound, or a wrong answer looks plausible and is costly
	{ name: 'root_cause', tier: 'high', cues: ['root cause', 'why does', 'why is', 'why did', 'why do', 'what causes', 'what caused', 'debug', 'diagnos', 'troubleshoot', "what's wrong", 'what is wrong', 'figure out why', 'ursache', 'warum', 'woran liegt', 'cause racine', 'pourquoi', 'causa raíz', 'causa', 'por qué', 'perché', 'waarom', 'dlaczego'] },
	{ name: 'incident', tier: 'high', cues: ['post-mortem', 'postmortem', 'incident', 'timeline', 'outage', 'red herring', 'reconstruct', 'störung', 'vorfall', 'panne', 'incidente', 'chronolog', 'cronolog'] },
	{ name: 'cross_check', tier: 'high', cues: ['contradict', 'inconsisten', "don't add up", 'do not add up', "doesn't add up", 'reconcile', 'cross-check', 'cross check', 'double-check', 'double check', 'verify', 'discrepan', 'mismatch', 'widerspr', 'prüfe', 'überprüf', 'vérifie', 'incohéren', 'contradic', 'verifica', 'comprueba'] },
	{ name: 'legal', tier: 'high', cues: ['clause', 'contract', 'gdpr', 'dsgvo', 'rgpd', 'liabilit', 'indemn', 'legal', 'lawyer', 'terms and conditions', 'licen', 'notice period', 'termination', 'warrant', 'jurisdiction', 'compliance', 'dpa', 'haftung', 'klausel', 'vertrag', 'kündigung', 'rechtlich', 'contrat', 'responsabilité', 'juridique', 'cláusula', 'contrato', 'responsabilidad', 'jurídic', 'contratto', 'clausola'] },
	{ name: 'code_work', tier: 'high', cues: ['review this code', 'review the code', 'code review', 'review this pr', 'review this pull', 'review this diff', 'implement', 'write a function', 'write a class', 'write code', 'write a script', 'write a program', 'refactor', 'fix this code', 'fix the bug', 'fix this bug', 'bug in', 'thread-safe', 'race condition', 'deadlock', 'concurren', 'idempoten', 'pagination', 'redos', 'lock-free', 'memory leak', 'n+1', 'security', 'vulnerab', 'injection', 'implementier', 'schreibe eine funktion', 'implémente', 'écris une fonction', 'implementa', 'escribe una función'] },
	{ name: 'design', tier: 'high', cues: ['architecture', 'trade-off', 'tradeoff', 'design a', 'design the', 'compare the options', 'which option', 'which approach', 'should we', 'recommend', 'migrat', 'scal', 'pros and cons', 'architektur', 'empfiehl', 'sollten wir', 'recommand', 'recomienda', 'deberíamos', 'consiglia'] },
	{ name: 'scheduling', tier: 'high', cues: ['schedul', 'rota', 'roster', 'critical path', 'dependencies', 'constraint', 'dst', 'daylight saving', 'on-call', 'on call', 'shift plan', 'dienstplan', 'bereitschaft', 'planning', 'astreinte', 'horario', 'guardia', 'turni'] },
	{ name: 'quant_reasoning', tier: 'high', cues: ['probabilit', 'expected value', 'sla', 'penalt', 'break-even', 'break even', 'pricing', 'tiered', 'discount', 'prorat', 'compound', 'interest', 'step by step', 'show your work', 'show the reasoning', 'show your reasoning', 'wahrscheinlich', 'schritt für schritt', 'probabilité', 'étape par étape', 'probabilidad', 'paso a paso', 'calcola', 'calcula', 'berechne', 'calcule'] },
	{ name: 'statistics', tier: 'high', cues: ['confound', 'significan', 'a/b test', 'ab test', 'regression', 'correlation', 'causal', 'bias', 'sample size', 'p-value', 'simpson', 'signifikan', 'significati'] },
	{ name: 'proof', tier: 'high', cues: ['prove', 'proof', 'derive', 'show that', 'demonstrate that', 'beweis', 'zeige, dass', 'zeige dass', 'démontr', 'montre que', 'prouve', 'demuestr', 'dimostra', 'bewijs'] },
] as const;

/** One cue of one group, numbered. */
export interface CueEntry {
	cue: string;
	group: number;
	id: number;
}

/** Cues by a hash of their first three code units (every cue has at least three). */
export interface CueIndex {
	groups: readonly string[];
	/** Each (cue, group) pair once. */
	entries: readonly CueEntry[];
	byPrefix: ReadonlyArray<readonly CueEntry[]>;
}

const PREFIX = 3;
const PREFIX_BUCKETS = 1024;

function prefixBucket(text: string, i: number): number {
	const key = (text.charCodeAt(i) * 31 + text.charCodeAt(i + 1)) * 31 + text.charCodeAt(i + 2);
	return (Math.imul(key, 0x9e3779b1) >>> 22) & (PREFIX_BUCKETS - 1);
}

/** Builds the index once for a set of named cue groups. */
export function cueIndex(groups: ReadonlyArray<{ name: string; cues: readonly string[] }>): CueIndex {
	const entries: CueEntry[] = [];
	const byPrefix = Array.from({ length: PREFIX_BUCKETS }, (): CueEntry[] => []);
	groups.forEach((g, group) => {
		for (const cue of new Set(g.cues)) {
			if (cue.length < PREFIX) throw new Error(`cue "${cue}" of ${g.name} is shorter than ${PREFIX} characters`);
			const entry = { cue, group, id: entries.length };
			entries.push(entry);
			byPrefix[prefixBucket(cue, 0)].push(entry);
		}
	});
	return { groups: groups.map((g) => g.name), entries, byPrefix };
}

const UNDERSCORE = 0x5f;

/**
 * Per group, how many of its distinct cues occur in `lower` at the start of a word: the same count
 * as `countCues` for each group, in one pass over the text.
 */
export function countGroups(lower: string, index: CueIndex): number[] {
	const counts = new Array<number>(index.groups.length).fill(0);
	const seen = new Uint8Array(index.entries.length);
	for (let i = 0; i + PREFIX <= lower.length; i++) {
		if (i > 0 && (isLetterOrDigitUnit(lower, i - 1) || lower.charCodeAt(i - 1) === UNDERSCORE)) continue;
		for (const { cue, group, id } of index.byPrefix[prefixBucket(lower, i)]) {
			if (seen[id] === 0 && lower.startsWith(cue, i)) {
				seen[id] = 1;
				counts[group]++;
			}
		}
	}
	return counts;
}
