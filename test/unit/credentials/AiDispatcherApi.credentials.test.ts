import type { IHttpRequestOptions } from 'n8n-workflow';

import { AiDispatcherApi } from '../../../credentials/AiDispatcherApi.credentials';

const cred = new AiDispatcherApi();
const request = (url: string): IHttpRequestOptions => ({
	url,
	method: 'GET',
	headers: { accept: 'application/json' },
});

describe('AiDispatcherApi credential', () => {
	it('marks every secret as a password field', () => {
		const secrets = cred.properties.filter((p) =>
			['apiKey', 'prometheusPassword', 'prometheusToken'].includes(p.name),
		);
		expect(secrets).toHaveLength(3);
		for (const p of secrets) expect(p.typeOptions?.password).toBe(true);
	});

	it('sends the Ollama API key as Bearer to Ollama, and nothing when unset', async () => {
		const withKey = await cred.authenticate(
			{ baseUrl: 'http://o:11434', apiKey: 'k1' },
			request('http://o:11434/api/tags'),
		);
		expect(withKey.headers).toEqual({ accept: 'application/json', Authorization: 'Bearer k1' });
		const without = await cred.authenticate(
			{ baseUrl: 'http://o:11434', apiKey: '' },
			request('http://o:11434/api/tags'),
		);
		expect(without.headers).toEqual({ accept: 'application/json' });
	});

	it('sends Prometheus auth (basic or bearer) only to the Prometheus URL, never the Ollama key', async () => {
		const basic = {
			baseUrl: 'http://o:1',
			apiKey: 'ollama-key',
			prometheusUrl: 'http://p:9090/',
			prometheusAuth: 'basic',
			prometheusUser: 'u',
			prometheusPassword: 'pw',
		};
		const toProm = await cred.authenticate(basic, request('http://p:9090/api/v1/query'));
		expect(toProm.auth).toEqual({ username: 'u', password: 'pw' });
		expect(JSON.stringify(toProm.headers)).not.toContain('ollama-key');
		const bearer = await cred.authenticate(
			{ ...basic, prometheusAuth: 'bearer', prometheusToken: 't0k' },
			request('http://p:9090/api/v1/query'),
		);
		expect(bearer.headers?.Authorization).toBe('Bearer t0k');
		const toOllama = await cred.authenticate(basic, request('http://o:1/api/chat'));
		expect(toOllama.auth).toBeUndefined();
		expect(toOllama.headers?.Authorization).toBe('Bearer ollama-key');
	});
});

describe('AiDispatcherApi credential description', () => {
	it('keeps authenticate off the description n8n lists, so no "Custom API Call" is added, yet n8n can call it', () => {
		// n8n adds "Custom API Call" to nodes whose credential description ({ ...credential }) has authenticate.
		expect(Object.keys({ ...cred })).not.toContain('authenticate');
		expect(typeof cred.authenticate).toBe('function');
		expect(Object.keys({ ...cred })).not.toContain('test');
	});

	it('has a light and a dark icon', () => {
		expect(cred.icon).toEqual({
			light: 'file:aiDispatcher.light.svg',
			dark: 'file:aiDispatcher.dark.svg',
		});
	});
});
