import type { IHttpRequestOptions } from 'n8n-workflow';

import { AiDispatcherOpenAiApi } from '../../../credentials/AiDispatcherOpenAiApi.credentials';

const cred = new AiDispatcherOpenAiApi();
const request: IHttpRequestOptions = {
	url: 'https://api.example.com/v1/chat/completions',
	method: 'POST',
	headers: { 'content-type': 'application/json' },
};

describe('OpenAI-Compatible Endpoint API credential', () => {
	it('has a required Base URL, a password-typed API key, a currency and the plain-http switch off by default', () => {
		const byName = new Map(cred.properties.map((p) => [p.name, p]));
		expect(byName.get('baseUrl')?.required).toBe(true);
		expect(byName.get('apiKey')?.typeOptions?.password).toBe(true);
		expect(byName.get('currency')?.default).toBe('USD');
		expect(byName.get('allowInsecureHttp')).toMatchObject({ type: 'boolean', default: false });
		expect(cred.displayName).toBe('OpenAI-Compatible Endpoint API');
	});

	it('sends the key as a Bearer token, and nothing without a key', async () => {
		const withKey = await cred.authenticate(
			{ baseUrl: 'https://api.example.com/v1', apiKey: 'sk-test' },
			request,
		);
		expect(withKey.headers).toEqual({
			'content-type': 'application/json',
			Authorization: 'Bearer sk-test',
		});
		const without = await cred.authenticate(
			{ baseUrl: 'http://127.0.0.1:8000/v1', apiKey: '' },
			request,
		);
		expect(without.headers).toEqual({ 'content-type': 'application/json' });
	});

	it('is tested with GET <Base URL>/models', () => {
		expect(cred.test.request).toMatchObject({ url: '/models', method: 'GET' });
		expect(String(cred.test.request.baseURL)).toContain('$credentials.baseUrl');
	});

	it('carries no authenticate field in its description (no "Custom API Call" in the node operations)', () => {
		expect(Object.keys(cred)).not.toContain('authenticate');
	});
});
