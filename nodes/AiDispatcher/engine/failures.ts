/**
 * Failures told to a person: what went wrong with each model in words a user knows ("out of
 * memory", "refused the connection"), a headline of at most `MAX_HEADLINE_CHARS` characters, and
 * advice that follows from the causes. Pure: reads attempts, returns text.
 */
import type { Attempt } from './types';

/** n8n shows the headline in one line of the error panel; longer text goes to the description. */
export const MAX_HEADLINE_CHARS = 200;

/** Why a model did not answer, as a person would group failures. */
export type FailureCause =
	| 'memory'
	| 'refused'
	| 'connection'
	| 'timeout'
	| 'not_installed'
	| 'busy'
	| 'server_error'
	| 'bad_reply'
	| 'rejected'
	| 'circuit_open'
	| 'cancelled'
	| 'auth'
	| 'context_length'
	| 'budget';

/** The words after a model name: "qwen2.5:7b out of memory". */
const CAUSE_WORDS: Record<FailureCause, string> = {
	memory: 'out of memory',
	refused: 'refused the connection',
	connection: 'lost the connection',
	timeout: 'timed out',
	not_installed: 'not installed',
	busy: 'busy',
	server_error: 'had a server error',
	bad_reply: 'gave an unusable reply',
	rejected: 'rejected the request',
	circuit_open: 'skipped after repeated failures',
	cancelled: 'cancelled',
	auth: 'rejected the API key',
	context_length: 'got a prompt longer than its context',
	budget: 'skipped: over the budget',
};

const MEMORY =
	/more system memory|out of memory|\boom\b|insufficient memory|cudaMalloc|failed to allocate/i;

/** The cause of one failed attempt, from its kind and Ollama's own words. */
export function causeOf(attempt: Pick<Attempt, 'kind' | 'error'>): FailureCause {
	const text = attempt.error ?? '';
	if (attempt.kind === 'circuit_open') return 'circuit_open';
	if (attempt.kind === 'aborted') return 'cancelled';
	if (attempt.kind === 'auth' || attempt.kind === 'context_length' || attempt.kind === 'budget')
		return attempt.kind;
	if (MEMORY.test(text)) return 'memory';
	switch (attempt.kind) {
		case 'connection':
			return /ECONNREFUSED|refused/i.test(text) ? 'refused' : 'connection';
		case 'timeout':
			return 'timeout';
		case 'not_found':
			return 'not_installed';
		case 'busy':
		case 'rate_limited':
			return 'busy';
		case 'http_5xx':
			return 'server_error';
		case 'bad_request':
			return 'rejected';
		default:
			return 'bad_reply';
	}
}

/** One model's end: its last failed attempt's cause, the host it failed on, the raw error. */
export interface ModelFailure {
	model: string;
	cause: FailureCause;
	host?: string;
	error: string;
}

/** Each model once, in the order first tried, with the cause of its last failed attempt. */
export function modelFailures(attempts: readonly Attempt[]): ModelFailure[] {
	const byModel = new Map<string, ModelFailure>();
	for (const a of attempts) {
		if (a.ok) continue;
		const failure: ModelFailure = {
			model: a.model,
			cause: causeOf(a),
			error: a.error ?? 'error',
			...(a.host ? { host: a.host } : {}),
		};
		byModel.set(a.model, failure);
	}
	return [...byModel.values()];
}

/** "a", "a and b", "a, b and c"; `limit` names at most that many and counts the rest. */
export function listWords(names: readonly string[], limit = Infinity): string {
	const shown =
		names.length > limit ? [...names.slice(0, limit), `${names.length - limit} more`] : [...names];
	if (shown.length <= 1) return shown.join('');
	return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** Models grouped by cause, causes in the order first seen. */
function byCause(
	failures: readonly ModelFailure[],
): Array<{ cause: FailureCause; models: string[] }> {
	const groups = new Map<FailureCause, string[]>();
	for (const f of failures) groups.set(f.cause, [...(groups.get(f.cause) ?? []), f.model]);
	return [...groups].map(([cause, models]) => ({ cause, models }));
}

/**
 * The headline, at most `MAX_HEADLINE_CHARS` characters: "All 3 models failed: qwen2.5:7b out of
 * memory, phi3:mini and llama3.2:3b refused the connection". Long model lists are shortened to
 * "a, b and 4 more".
 */
export function failureHeadline(failures: readonly ModelFailure[]): string {
	if (failures.length === 0) return 'No model could answer';
	const groups = byCause(failures);
	const head =
		failures.length === 1
			? 'The only candidate model failed: '
			: `All ${failures.length} models failed: `;
	for (const limit of [Infinity, 3, 2, 1]) {
		const text =
			head + groups.map((g) => `${listWords(g.models, limit)} ${CAUSE_WORDS[g.cause]}`).join(', ');
		if (text.length <= MAX_HEADLINE_CHARS) return text;
	}
	const causes = groups.map((g) => CAUSE_WORDS[g.cause]).join(', ');
	const text = `${head}${causes}`;
	return text.length <= MAX_HEADLINE_CHARS ? text : `${text.slice(0, MAX_HEADLINE_CHARS - 1)}…`;
}

/** The hosts a group of failures happened on, or every configured host when not recorded. */
function hostsOf(failures: readonly ModelFailure[], baseUrls: readonly string[]): string {
	const hosts = [
		...new Set(failures.map((f) => f.host).filter((h): h is string => h !== undefined)),
	];
	return listWords(hosts.length > 0 ? hosts : [...baseUrls]);
}

/** "retry after 2026-…Z" from a circuit's exclusion text, when present. */
function retryTime(failures: readonly ModelFailure[]): string | undefined {
	const times = failures
		.map((f) => /retry after (\S+?)\)?(?:;|$)/.exec(f.error)?.[1])
		.filter((t): t is string => t !== undefined);
	return times.sort()[0];
}

/** What to do, one sentence per cause, in the order the causes were seen. */
export function failureAdvice(
	failures: readonly ModelFailure[],
	baseUrls: readonly string[],
): string[] {
	return byCause(failures).map(({ cause, models }) => {
		const these = failures.filter((f) => f.cause === cause);
		const names = listWords(models, 4);
		const hosts = hostsOf(these, baseUrls);
		switch (cause) {
			case 'memory':
				return `${names}: not enough free memory to load. Choose a smaller model for that tier, or let Ollama keep fewer models loaded (OLLAMA_MAX_LOADED_MODELS=1, or a short Keep Alive on the other models).`;
			case 'refused':
				return `Nothing accepted the connection at ${hosts}: start Ollama there (ollama serve), or correct the Ollama URL in the AI Dispatcher credential.`;
			case 'connection':
				return `The connection to ${hosts} broke during the call: check that Ollama is still running there (its log says whether it restarted).`;
			case 'timeout':
				return `${names}: no answer within the time limit. Raise the tier's timeout under Options › Timeouts, or use a smaller model.`;
			case 'not_installed':
				return `${names}: not installed at ${hosts}. Run "ollama pull ${models[0]}" there, or remove it from the Model List.`;
			case 'busy':
				return `Ollama at ${hosts} was busy: lower Concurrency under Options, or raise OLLAMA_NUM_PARALLEL / OLLAMA_MAX_QUEUE on the Ollama host.`;
			case 'server_error':
				return `${names}: Ollama answered with a server error; its log (e.g. journalctl -u ollama) says why.`;
			case 'bad_reply':
				return `${names}: the reply was empty, broken or not the JSON asked for. Try another model, or Output Format Text.`;
			case 'rejected':
				return `${names}: Ollama rejected the request; check the model's options (context window, format) in the Model List.`;
			case 'circuit_open': {
				const when = retryTime(these);
				return `${names} failed several times in a row, so it is skipped${when ? ` until ${when}` : ' for a while'}; it is then tried again (Options › Circuit Breaker).`;
			}
			case 'cancelled':
				return 'The execution was stopped.';
			case 'auth':
				return `${names}: the endpoint rejected the API key; check the key in the credential.`;
			case 'context_length':
				return `${names}: the prompt is longer than the model's context; shorten it, or raise the context window in the model's options.`;
			case 'budget':
				return `${names}: skipped because the cost budget is spent; raise the budget or wait for it to reset.`;
		}
	});
}

/** Every attempt once, for the error's description: "Attempts: 1. qwen2.5:7b (812 ms): HTTP 500: … | 2. …". */
export function failureDetails(attempts: readonly Attempt[], hostCount: number): string {
	const lines = attempts.map((a, i) => {
		const retry = a.retry ? ` (retry ${a.retry})` : '';
		const host = hostCount > 1 && a.host ? ` on ${a.host}` : '';
		return `${i + 1}. ${a.model}${retry}${host} (${a.ms} ms): ${a.ok ? 'ok' : a.error}`;
	});
	return `Attempts: ${lines.join(' | ')}`;
}
