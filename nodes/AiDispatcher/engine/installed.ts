/** What Ollama has installed, from the first host that answers /api/tags. */
import { DispatcherError, TransportError } from './errors';
import { causeOf, listWords, MAX_HEADLINE_CHARS } from './failures';
import type { OllamaPort, OllamaTag } from './ports';
import { settle } from './result';

/**
 * Timeout for metadata endpoints, in milliseconds: Ollama's /api/tags, /api/ps, /api/version, and an
 * OpenAI-compatible endpoint's GET /models for the model dropdown.
 */
export const METADATA_TIMEOUT_MS = 5_000;

/**
 * /api/tags of the first of `baseUrls` that answers: a dead host must not hide the models while
 * another is up. Throws `DispatcherError` OLLAMA_UNREACHABLE naming every failure when none answers.
 */
export async function listInstalled(
	ollama: OllamaPort,
	baseUrls: readonly string[],
	cancel?: AbortSignal,
): Promise<{ baseUrl: string; tags: OllamaTag[] }> {
	const failures: string[] = [];
	const refused: string[] = [];
	for (const baseUrl of baseUrls) {
		const listed = await settle(ollama.tags(baseUrl, METADATA_TIMEOUT_MS, cancel));
		if (listed.ok) return { baseUrl, tags: listed.value };
		if (!(listed.error instanceof TransportError)) throw listed.error;
		failures.push(`${baseUrl}/api/tags: ${listed.error.message}`);
		if (causeOf({ kind: listed.error.kind, error: listed.error.message }) === 'refused')
			refused.push(baseUrl);
	}
	const all = `Could not list models at ${failures.join('; ')}`;
	const start =
		refused.length > 0
			? `Nothing accepted the connection at ${listWords(refused)}: start Ollama there (ollama serve). `
			: '';
	throw new DispatcherError(
		'OLLAMA_UNREACHABLE',
		all.length <= MAX_HEADLINE_CHARS
			? all
			: `Could not list models: none of the ${baseUrls.length} Ollama hosts answered`,
		{
			hint: `${start}Auto-Discover needs Ollama to answer. Check the credential's Ollama Base URL, or use a Model List.`,
			...(all.length > MAX_HEADLINE_CHARS ? { details: all } : {}),
		},
	);
}
