/**
 * The credential's Test button (the node's `credentialTest`): Ollama's JSON passes; n8n's own HTML
 * page, a refused port, a URL without scheme and a rejected key fail with a message saying what to fix.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, ICredentialTestFunctions } from 'n8n-workflow';

import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';

import { AiDispatcher } from '../../../nodes/AiDispatcher/AiDispatcher.node';
import {
	dockerHostUrl,
	failureMessage,
	testOllamaHosts,
} from '../../../nodes/AiDispatcher/methods/credentialTest';
import { fetchHttpPort } from '../../support/http-port';
import { closedPort } from '../../support/loopback';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';

let sim: OllamaSimulator;
let html: http.Server;
let htmlUrl: string;
const seen: Array<string | undefined> = [];

beforeAll(async () => {
	sim = await startOllamaSimulator({ timeScale: 0.002 });
	// Like n8n's editor: the same HTML page on every path, status 200.
	html = http.createServer((req, res) => {
		seen.push(req.headers.authorization);
		if (req.headers.authorization === 'Bearer wrong') {
			res.writeHead(401, { 'content-type': 'text/plain' }).end('unauthorized');
			return;
		}
		res
			.writeHead(200, { 'content-type': 'text/html' })
			.end('<!DOCTYPE html><html><head><title>n8n.io - Workflow Automation</title></head></html>');
	});
	await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
	htmlUrl = `http://127.0.0.1:${(html.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sim.close();
	await new Promise((resolve) => html.close(resolve));
});

/** n8n's request-style helper for credential tests, over fetch: full response, no throw on HTTP errors. */
const legacyRequest: ICredentialTestFunctions['helpers']['request'] = async (options) => {
	const o = options as {
		uri: string;
		method: string;
		headers: Record<string, string>;
		timeout: number;
	};
	const response = await fetch(o.uri, {
		method: o.method,
		headers: o.headers,
		signal: AbortSignal.timeout(o.timeout),
	});
	return { statusCode: response.status, body: await response.text(), headers: {} };
};
const testContext = { helpers: { request: legacyRequest } } as unknown as ICredentialTestFunctions;
const nodeTest = (data: ICredentialDataDecryptedObject) =>
	new AiDispatcher().methods.credentialTest.aiDispatcherApiTest.call(testContext, {
		id: '1',
		name: 'c',
		type: 'aiDispatcherApi',
		data,
	});

describe('credential test', () => {
	it('passes for Ollama and names the models it found', async () => {
		const result = await nodeTest({ baseUrl: sim.url });
		expect(result.status).toBe('OK');
		expect(result.message).toBe(
			`Ollama answered. ${sim.url}: 3 models (phi3:mini, llama3.2:3b, qwen2.5:7b)`,
		);
	});

	it('fails for an HTML page answering 200 on every path (n8n itself), saying it is not Ollama', async () => {
		const result = await nodeTest({ baseUrl: htmlUrl });
		expect(result.status).toBe('Error');
		expect(result.message).toContain(`${htmlUrl} answered, but not with Ollama's JSON`);
		expect(result.message).toContain('<!DOCTYPE html>');
		expect(result.message).toContain('Ollama listens on port 11434 by default');
	});

	it('fails for a refused port, saying to start Ollama or fix the host and port', async () => {
		const port = await closedPort();
		const url = `http://127.0.0.1:${port}`;
		const result = await nodeTest({ baseUrl: url });
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringContaining(
				`Nothing is listening at ${url} (connection refused). Start Ollama`,
			),
		});
		// The Docker hint keeps the port entered, not Ollama's default.
		expect(result.message).toContain(`use http://host.docker.internal:${port}.`);
		expect(port).not.toBe(11434);
	});

	it('the Docker hint keeps the scheme, port and path entered', () => {
		expect(dockerHostUrl('http://127.0.0.1:11500')).toBe('http://host.docker.internal:11500');
		expect(dockerHostUrl('https://localhost/ollama')).toBe('https://host.docker.internal/ollama');
	});

	it('fails for a URL without scheme before any request, showing the fix', async () => {
		const result = await testOllamaHosts({ baseUrl: '127.0.0.1:11434' }, () =>
			Promise.reject(new Error('no request expected')),
		);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('"127.0.0.1:11434" is not an http(s) URL');
		expect(result.message).toContain('http://127.0.0.1:11434');
	});

	it('sends the API key, and says so when it is rejected', async () => {
		const result = await nodeTest({ baseUrl: htmlUrl, apiKey: 'wrong' });
		expect(seen).toContain('Bearer wrong');
		expect(result).toEqual({
			status: 'Error',
			message: `${htmlUrl} rejected the API key (HTTP 401): set the right API Key, or leave it empty for plain Ollama.`,
		});
	});

	it.each([
		[403, 'refused access (HTTP 403)', 'OLLAMA_ORIGINS'],
		[
			404,
			'No Ollama API at http://o:11434 (HTTP 404 on /api/tags)',
			'must not include a path such as /api',
		],
	])('explains HTTP %d', (status, what, fix) => {
		const message = failureMessage(
			'http://o:11434',
			new TransportError(status === 404 ? 'not_found' : 'bad_request', `HTTP ${status}: x`, status),
		);
		expect(message).toContain(what);
		expect(message).toContain(fix);
	});

	it('checks every listed host and names the one that fails', async () => {
		const result = await testOllamaHosts({ baseUrl: `${sim.url}, ${htmlUrl}` }, fetchHttpPort());
		expect(result.status).toBe('Error');
		expect(result.message.startsWith(`${htmlUrl} answered, but not with Ollama's JSON`)).toBe(true);
	});

	it('is what the node declares for its credential (the credential has no request test of its own)', () => {
		const node = new AiDispatcher();
		// The second entry is the OpenAI-Compatible Endpoint API credential (issue 19), shown only when the node uses one.
		expect(node.description.credentials).toEqual([
			{ name: 'aiDispatcherApi', required: true, testedBy: 'aiDispatcherApiTest' },
			{
				name: 'aiDispatcherOpenAiApi',
				required: true,
				displayOptions: { show: { useOpenAiEndpoint: [true] } },
			},
		]);
		expect(typeof node.methods.credentialTest.aiDispatcherApiTest).toBe('function');
	});
});
