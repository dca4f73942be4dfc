/** GET `<baseUrl>/models`: the model ids an OpenAI-compatible endpoint serves (the credential test and the model list). */
import { TransportError } from '../../engine/errors';
import { parseJson, settle } from '../../engine/result';
import { excerpt, MAX_ERROR_BODY_CHARS, readAll, readText } from '../body';
import { networkError } from '../errors';
import { MAX_METADATA_CHARS, type MetadataGet } from '../ollama';
import { joinUrl } from '../url';
import { openAiStatusError } from './errors';

/** The ids of `data[]`, in the endpoint's order. */
export const listModels: MetadataGet<string[]> = async (http, baseUrl, timeoutMs, cancel) => {
	const url = joinUrl(baseUrl, '/models');
	const fetched = await settle(
		(async () => {
			const response = await http({ method: 'GET', url, timeoutMs, abort: cancel });
			if (response.status >= 300)
				throw openAiStatusError(
					response.status,
					await readText(response.body, MAX_ERROR_BODY_CHARS),
				);
			return await readAll(response.body, MAX_METADATA_CHARS, url);
		})(),
	);
	if (!fetched.ok) throw networkError(fetched.error, cancel?.aborted === true);
	const parsed = parseJson(fetched.value);
	const data = parsed.ok ? (parsed.value as { data?: unknown } | null)?.data : undefined;
	if (!Array.isArray(data))
		throw new TransportError(
			'garbage',
			`${url} did not return an OpenAI model list ({"data": [...]}): "${excerpt(fetched.value, 80)}"`,
		);
	return data
		.map((m) => (m as { id?: unknown } | null)?.id)
		.filter((id): id is string => typeof id === 'string' && id !== '');
};
