/**
 * Cue words and phrases (lowercase stems) in English, German, French and Spanish. A cue matches at
 * the start of a word (see `countCues`), so stems like "analy" match "analyse" and "analysis" but
 * "risk" does not match inside "asterisk".
 */

/** Diagnosis, evaluation, comparison: the prompt asks to judge, not to repeat. */
export const ANALYSIS_CUES = [
	'analy', 'root cause', 'diagnos', 'investigat', 'evaluat', 'assess', 'trade-off', 'tradeoff',
	'compare', 'comparison', 'implication', 'risk', 'review', 'audit', 'why does', 'why is', 'why do', 'explain why',
	'post-mortem', 'postmortem', 'reconcile', 'vulnerab', 'bottleneck', 'race condition', 'deadlock',
	'ursache', 'bewert', 'vergleich', 'warum', 'risiko', 'prüf', 'analysiere',
	'cause racine', 'évalu', 'compar', 'pourquoi', 'risque',
	'causa raíz', 'causa raiz', 'evalú', 'por qué', 'riesgo', 'diagnostica',
] as const;

/** Multi-step reasoning, math, planning under constraints. */
export const REASONING_CUES = [
	'step by step', 'step-by-step', 'prove', 'derive', 'calculate', 'compute', 'estimate', 'reason about',
	'plan ', 'strategy', 'optimi', 'what if', 'therefore', 'justify', 'design a', 'architecture',
	'probability', 'show your work', 'constraint', 'recommend', 'forecast', 'break-even', 'margin',
	'how many', 'worst case', 'complexity', 'thread-safe', 'concurren', 'schedule', 'rota',
	'schritt für schritt', 'berechne', 'schätz', 'begründ', 'wahrscheinlich', 'beweise',
	'étape par étape', 'calcul', 'démontr', 'justifi', 'probabilit',
	'paso a paso', 'calcula', 'demuestr', 'justific', 'recomienda', 'probabilidad',
] as const;

/**
 * Verbs asking to produce new text (not just to pick a label): enough to leave the low tier for a
 * small model's comfort zone. Summarise/classify/extract/translate are deliberately absent.
 */
export const GENERATIVE_CUES = [
	'write', 'draft', 'explain', 'create', 'rewrite', 'produce', 'convert', 'turn this', 'turn these',
	'suggest', 'propose', 'outline', 'describe', 'break this', 'group these', 'structure',
	'erkläre', 'erstelle', 'schreibe', 'strukturiere', 'formuliere',
	'rédige', 'explique', 'crée', 'propose', 'structure',
	'escribe', 'explica', 'redacta', 'convierte', 'crea', 'propón',
] as const;

/** Asks for a structured output: several fields, a table, sections, a list per item. */
export const OUTPUT_STRUCTURE_CUES = [
	'json', 'markdown table', 'table with', 'bullet', 'checklist', 'sections', 'numbered list', 'for each',
	'acceptance criteria', 'given/when/then', 'columns', 'tabelle', 'abschnitt', 'tableau', 'sección', 'tabla',
] as const;

/** Asks for a one-word / one-line answer: the hallmark of routine prompts. */
export const SHORT_ANSWER_CUES = [
	'one word', 'one sentence', 'yes or no', '"yes" or "no"', 'reply with', 'answer with', 'return only',
	'only the', 'answer only', 'one line', 'a single', 'in one sentence',
	'ein wort', 'einem satz', 'ja oder nein', 'antworte nur', 'un mot', 'une phrase', 'oui ou non',
	'réponds avec', 'una palabra', 'una frase', 'sí o no', 'responde con',
] as const;

export const SUMMARY_CUES = ['summar', 'tl;dr', 'tldr', 'digest', 'recap', 'zusammenfass', 'résum', 'resum'] as const;
export const CLASSIFY_CUES = ['classif', 'categori', 'label', 'which category', 'triage', 'sentiment', 'klassifi', 'kategori', 'classe '] as const;
export const EXTRACT_CUES = ['extract', 'pull out', 'list all', 'find the', 'parse', 'extrahier', 'extrai', 'extrae'] as const;
export const CODE_CUES = [
	'write a function', 'write code', 'implement', 'refactor', 'fix this code', 'fix the bug', 'fix this bug', 'unit test',
	'code review', 'regex', 'sql query', 'script', 'funktion', 'fonction', 'función', 'one-liner', 'formula',
] as const;
