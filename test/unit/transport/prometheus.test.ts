/** Prometheus reply parsing: table-driven, no network; the real server is used in test/integration/signals-live.test.ts. */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { isTransportError, TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import {
	instantQuery,
	parseQueryReply,
	parseSampleValue,
} from '../../../nodes/AiDispatcher/transport/prometheus';
import { fetchHttpPort } from '../../support/http-port';
import { closedPort } from '../../support/loopback';

const vector = (...values: string[]) =>
	JSON.stringify({
		status: 'success',
		data: {
			resultType: 'vector',
			result: values.map((v, i) => ({ metric: { model: `m${i}` }, value: [1.5, v] })),
		},
	});

describe('parseSampleValue', () => {
	it.each([
		['1', 1],
		['0', 0],
		['-2.5', -2.5],
		['1e-07', 1e-7],
		['6.02E+23', 6.02e23],
		['NaN', null],
		['+Inf', null],
		['-Inf', null],
		['', undefined],
		['abc', undefined],
		['0x10', undefined],
	])('%j → %p', (raw, expected) => {
		expect(parseSampleValue(raw)).toBe(expected);
	});
});

describe('parseQueryReply', () => {
	it('parses a vector with labels; NaN/±Inf become null (unknown), never 0', () => {
		const r = parseQueryReply(200, vector('3', 'NaN', '+Inf', '-Inf'));
		expect(r.resultType).toBe('vector');
		expect(r.samples.map((s) => s.value)).toEqual([3, null, null, null]);
		expect(r.samples[1]).toEqual({ labels: { model: 'm1' }, value: null, raw: 'NaN' });
	});

	it('parses a scalar as one unlabelled sample and an empty vector as no samples', () => {
		expect(
			parseQueryReply(
				200,
				JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '0.25'] } }),
			),
		).toEqual({
			resultType: 'scalar',
			samples: [{ labels: {}, value: 0.25 }],
		});
		expect(parseQueryReply(200, vector()).samples).toEqual([]);
	});

	const errorOf = (status: number, text: string): TransportError => {
		try {
			parseQueryReply(status, text);
		} catch (error) {
			if (isTransportError(error)) return error;
			throw error;
		}
		throw new Error('no error');
	};

	it.each([
		[
			400,
			{ status: 'error', errorType: 'bad_data', error: 'invalid parameter "query": parse error' },
			'bad_request',
			/Prometheus bad_data error \(HTTP 400\): invalid parameter/,
		],
		[
			422,
			{ status: 'error', errorType: 'execution', error: 'many-to-many matching not allowed' },
			'bad_request',
			/execution error \(HTTP 422\)/,
		],
		[
			503,
			{ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' },
			'timeout',
			/timeout error \(HTTP 503\)/,
		],
		[
			500,
			{ status: 'error', errorType: 'internal', error: 'boom' },
			'http_5xx',
			/internal error \(HTTP 500\)/,
		],
		[
			200,
			{ status: 'error', errorType: 'unavailable', error: 'not ready' },
			'busy',
			/unavailable error: not ready/,
		],
	])('HTTP %i %j → %s', (status, body, kind, message) => {
		const error = errorOf(status, JSON.stringify(body));
		expect(error.kind).toBe(kind);
		expect(error.message).toMatch(message);
	});

	it.each([
		[502, '<html>Bad Gateway</html>', 'http_5xx', /HTTP 502: <html>Bad Gateway/],
		[401, 'Unauthorized', 'bad_request', /HTTP 401: Unauthorized/],
		[404, '404 page not found', 'not_found', /HTTP 404/],
		[200, '<html>login page</html>', 'garbage', /did not return JSON/],
		[200, '{"status":"success"}', 'garbage', /no status "success" and data/],
		[
			200,
			JSON.stringify({
				status: 'success',
				data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'high'] }] },
			}),
			'garbage',
			/"high" is not a number/,
		],
		[
			200,
			JSON.stringify({
				status: 'success',
				data: { resultType: 'vector', result: [{ metric: {}, value: [1, 2] }] },
			}),
			'garbage',
			/not \[time, "value"\]/,
		],
		[
			200,
			JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
			'bad_request',
			/matrix result/,
		],
	])('HTTP %i %s → %s', (status, text, kind, message) => {
		const error = errorOf(status, text);
		expect(error.kind).toBe(kind);
		expect(error.message).toMatch(message);
	});
});

describe('instantQuery over HTTP', () => {
	let server: http.Server;
	let url: string;
	const seen: Array<{ method: string; url: string; body: string; type?: string }> = [];

	beforeAll(async () => {
		server = http.createServer((req, res) => {
			let body = '';
			req.on('data', (c: Buffer) => (body += c.toString()));
			req.on('end', () => {
				seen.push({
					method: req.method ?? '',
					url: req.url ?? '',
					body,
					type: req.headers['content-type'],
				});
				if (req.url?.startsWith('/slow')) return; // never answers
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(vector('42'));
			});
		});
		await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
		url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	});
	afterAll(async () => {
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
	});

	it('GETs short queries with query= and a server-side timeout=, POSTs long ones as a form', async () => {
		const port = fetchHttpPort();
		expect((await instantQuery(port, url, 'up', 1000)).samples[0].value).toBe(42);
		const get = seen.at(-1)!;
		expect(get.method).toBe('GET');
		expect(new URLSearchParams(get.url.split('?')[1]).get('query')).toBe('up');
		expect(new URLSearchParams(get.url.split('?')[1]).get('timeout')).toBe('900ms');

		const long = `sum(${'up + '.repeat(600)}up)`;
		await instantQuery(port, `${url}/`, long, 1000);
		const post = seen.at(-1)!;
		expect(post).toMatchObject({
			method: 'POST',
			url: '/api/v1/query',
			type: 'application/x-www-form-urlencoded',
		});
		expect(new URLSearchParams(post.body).get('query')).toBe(long);
	});

	it('classifies a refused connection and a timeout', async () => {
		const refused = await instantQuery(
			fetchHttpPort(),
			`http://127.0.0.1:${await closedPort()}`,
			'up',
			500,
		).catch((e: unknown) => e);
		expect(refused).toMatchObject({ kind: 'connection' });
		const slow = await instantQuery(fetchHttpPort(), `${url}/slow`, 'up', 150).catch(
			(e: unknown) => e,
		);
		expect(slow).toMatchObject({ kind: 'timeout' });
		expect((slow as Error).message).toBe('no complete reply within 150 ms (timed out)');
	});
});
