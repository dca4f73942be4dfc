import type { IHttpRequestOptions } from 'n8n-workflow';

import { AiDispatcherApi } from '../../../credentials/AiDispatcherApi.credentials';

const cred = new AiDispatcherApi();
const request = (url: string): IHttpRequestOptions => ({
	url,
	method: 'PUT',
	headers: { 'content-type': 'text/plain' },
});
const base = {
	baseUrl: 'http://o:1',
	apiKey: 'ollama-key',
	prometheusUrl: 'http://p:9090',
	prometheusAuth: 'bearer',
	prometheusToken: 'prom-token',
	pushgatewayUrl: 'http://g:9091/',
};

describe('AiDispatcherApi credential: Pushgateway', () => {
	it('has an optional URL, auth choice, password fields for its secrets and an instance label', () => {
		const byName = new Map(cred.properties.map((p) => [p.name, p]));
		for (const name of ['pushgatewayUrl', 'pushgatewayAuth', 'pushgatewayUser', 'metricsInstance'])
			expect(byName.get(name)?.required).toBeFalsy();
		for (const name of ['pushgatewayPassword', 'pushgatewayToken'])
			expect(byName.get(name)?.typeOptions?.password).toBe(true);
	});

	it('sends the Pushgateway auth to the Pushgateway only, never the Ollama key or the Prometheus token', async () => {
		const basic = await cred.authenticate(
			{ ...base, pushgatewayAuth: 'basic', pushgatewayUser: 'u', pushgatewayPassword: 'pw' },
			request('http://g:9091/metrics/job/ai_dispatcher'),
		);
		expect(basic.auth).toEqual({ username: 'u', password: 'pw' });
		expect(basic.headers).toEqual({ 'content-type': 'text/plain' });
		const bearer = await cred.authenticate(
			{ ...base, pushgatewayAuth: 'bearer', pushgatewayToken: 'pgw' },
			request('http://g:9091/metrics/job/ai_dispatcher'),
		);
		expect(bearer.headers).toEqual({ 'content-type': 'text/plain', Authorization: 'Bearer pgw' });
		const none = await cred.authenticate(
			{ ...base, pushgatewayAuth: 'none' },
			request('http://g:9091/metrics/job/ai_dispatcher'),
		);
		expect(none.headers).toEqual({ 'content-type': 'text/plain' });
		expect(none.auth).toBeUndefined();
	});

	it('keeps routing Prometheus and Ollama requests as before', async () => {
		const toProm = await cred.authenticate(
			{ ...base, pushgatewayAuth: 'bearer', pushgatewayToken: 'pgw' },
			request('http://p:9090/api/v1/query'),
		);
		expect(toProm.headers?.Authorization).toBe('Bearer prom-token');
		const toOllama = await cred.authenticate(
			{ ...base, pushgatewayAuth: 'bearer', pushgatewayToken: 'pgw' },
			request('http://o:1/api/chat'),
		);
		expect(toOllama.headers?.Authorization).toBe('Bearer ollama-key');
	});
});
