/**
 * The credential's "Test" button: every listed Ollama host must answer GET /api/tags with Ollama's
 * JSON. A page that is not Ollama (n8n itself, a web server) fails, and every failure says what to fix.
 */
import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { readConnection } from '../adapters/config';
import { isDispatcherError, isTransportError, type TransportError } from '../engine/errors';
import type { HttpPort } from '../engine/ports';
import { settle } from '../engine/result';
import { tags } from '../transport/ollama';

/** How long each host may take to list its models during the test. */
export const CREDENTIAL_TEST_TIMEOUT_MS = 5000;

/** Tests the credential's Ollama hosts through `http`; never throws. */
export async function testOllamaHosts(
	credentials: IDataObject,
	http: HttpPort,
): Promise<INodeCredentialTestResult> {
	const read = await settle(Promise.resolve().then(() => readConnection(credentials)));
	if (!read.ok) {
		const error = read.error;
		const message = isDispatcherError(error)
			? `${error.message}. ${error.hint ?? ''}`.trim()
			: String(error);
		return { status: 'Error', message };
	}
	const summaries: string[] = [];
	for (const baseUrl of read.value.baseUrls) {
		const listed = await settle(tags(http, baseUrl, CREDENTIAL_TEST_TIMEOUT_MS));
		if (!listed.ok) return { status: 'Error', message: failureMessage(baseUrl, listed.error) };
		const names = listed.value.map((t) => t.name);
		const shown =
			names.length === 0
				? 'no models yet: run "ollama pull qwen2.5:7b"'
				: `${names.length} model${names.length === 1 ? '' : 's'} (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''})`;
		summaries.push(`${baseUrl}: ${shown}`);
	}
	return { status: 'OK', message: `Ollama answered. ${summaries.join('; ')}` };
}

/** What went wrong with one host, and what to change. */
export function failureMessage(baseUrl: string, error: unknown): string {
	if (!isTransportError(error))
		return `${baseUrl}: ${error instanceof Error ? error.message : String(error)}`;
	const e: TransportError = error;
	const text = e.message;
	if (e.kind === 'garbage') {
		return `${baseUrl} answered, but not with Ollama's JSON (${text}). This URL is not the Ollama API: check the host and port (Ollama listens on port 11434 by default).`;
	}
	if (e.kind === 'timeout') {
		return `${baseUrl} did not answer within ${CREDENTIAL_TEST_TIMEOUT_MS / 1000} s. Check that Ollama runs there and that no firewall drops the connection.`;
	}
	if (e.kind === 'connection') {
		if (/ECONNREFUSED|refused/i.test(text)) {
			return `Nothing is listening at ${baseUrl} (connection refused). Start Ollama ("ollama serve") or fix the host and port. If n8n runs in Docker, 127.0.0.1 is the container itself: use ${dockerHostUrl(baseUrl)}.`;
		}
		if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(text)) {
			return `The host name in ${baseUrl} could not be resolved. Check its spelling, or use an IP address.`;
		}
		return `Could not connect to ${baseUrl} (${text}). Check the host and port, and that Ollama runs there.`;
	}
	if (e.status === 401)
		return `${baseUrl} rejected the API key (HTTP 401): set the right API Key, or leave it empty for plain Ollama.`;
	if (e.status === 403) {
		return `${baseUrl} refused access (HTTP 403): a proxy refused the request, or Ollama rejected the Host header (set OLLAMA_ORIGINS / OLLAMA_HOST).`;
	}
	if (e.status === 404)
		return `No Ollama API at ${baseUrl} (HTTP 404 on /api/tags): check the Ollama Base URL; it must not include a path such as /api.`;
	return `${baseUrl}/api/tags failed: ${text}`;
}

/** The URL entered with its host replaced by Docker's name for the host machine, port and path kept. */
export function dockerHostUrl(baseUrl: string): string {
	try {
		const url = new URL(baseUrl);
		url.hostname = 'host.docker.internal';
		return url.toString().replace(/\/$/, '');
	} catch {
		return 'http://host.docker.internal:11434';
	}
}

/** n8n's credential-test request helper (request-style options) as the engine's HttpPort. */
function legacyRequestPort(
	request: ICredentialTestFunctions['helpers']['request'],
	apiKey: string,
): HttpPort {
	return async ({ method, url, timeoutMs }) => {
		const reply = (await request({
			method,
			uri: url,
			headers: apiKey === '' ? {} : { Authorization: `Bearer ${apiKey}` },
			timeout: timeoutMs,
			json: false,
			simple: false,
			resolveWithFullResponse: true,
		})) as { statusCode?: number; body?: unknown };
		const body = reply?.body;
		const text =
			typeof body === 'string'
				? body
				: Buffer.isBuffer(body)
					? body.toString('utf8')
					: body === undefined || body === null
						? ''
						: JSON.stringify(body);
		return {
			status: typeof reply?.statusCode === 'number' ? reply.statusCode : 200,
			body: (async function* () {
				yield text;
			})(),
		};
	};
}

/** `methods.credentialTest.aiDispatcherApiTest`, named by the node's `testedBy`. */
export async function aiDispatcherApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const data = (credential.data ?? {}) as IDataObject;
	// n8n 2.x gives credential tests only the request-style helper (no httpRequest): it goes through
	// n8n's outbound HTTP client, so proxy and SSRF settings apply.
	const { helpers } = this;
	return await testOllamaHosts(data, legacyRequestPort(helpers.request, String(data.apiKey ?? '')));
}
