/**
 * Through the real node: items are counted, the figures are pushed to the credential's Pushgateway
 * URL with its auth (never the Ollama key), a dead Pushgateway fails open, and Status shows it all.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { AiDispatcher } from '../../../nodes/AiDispatcher/AiDispatcher.node';
import { METRICS } from '../../../nodes/AiDispatcher/engine/metrics/catalog';
import { cancelPush } from '../../../nodes/AiDispatcher/engine/metrics/pusher';
import { MetricsRecorder } from '../../../nodes/AiDispatcher/engine/metrics/recorder';
import {
	createDispatcherState,
	type DispatcherState,
} from '../../../nodes/AiDispatcher/engine/state';
import { createContext } from '../../support/n8n-context';
import { runNode } from '../../support/node-run';
import { startOllamaSimulator, type OllamaSimulator } from '../../support/simulator';
import { startBlackhole } from '../../support/loopback';

interface Received {
	method: string;
	url: string;
	headers: http.IncomingHttpHeaders;
	body: string;
}

let sim: OllamaSimulator;
let gateway: http.Server;
let gatewayUrl = '';
const received: Received[] = [];

beforeAll(async () => {
	sim = await startOllamaSimulator({
		timeScale: 0.005,
		numParallel: 4,
		preloaded: ['phi3:mini', 'llama3.2:3b', 'qwen2.5:7b'],
	});
	gateway = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d: Buffer) => (body += d.toString()));
		req.on('end', () => {
			received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
			res.writeHead(200).end();
		});
	});
	await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
	gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sim.close();
	await new Promise<void>((resolve) => gateway.close(() => resolve()));
});
let state: DispatcherState;
let recorder: MetricsRecorder;
beforeEach(() => {
	state = createDispatcherState();
	recorder = state.metrics as MetricsRecorder;
});
afterEach(() => {
	sim.clearFaults();
	received.length = 0;
	cancelPush(recorder.push);
});

const prompts = (n: number) =>
	Array.from({ length: n }, (_, i) => `#${i} summarize: lunch moved to 1pm`);
const sample = (text: string, name: string): number[] =>
	text
		.split('\n')
		.filter((l) => l.startsWith(name))
		.map((l) => Number(l.slice(l.lastIndexOf(' ') + 1)));

describe('metrics through the node', () => {
	it('pushes cumulative figures after the execution, with the Pushgateway auth and not the Ollama key', async () => {
		sim.setFault('phi3:mini', { kind: 'http500' });
		const credentials = {
			baseUrl: sim.url,
			apiKey: 'ollama-secret',
			pushgatewayUrl: gatewayUrl,
			pushgatewayAuth: 'bearer',
			pushgatewayToken: 'pgw-token',
			metricsInstance: 'unit',
		};
		// Complexity forced low: the items must start on the failing phi3:mini to fall back.
		const out = (
			await runNode({
				baseUrl: sim.url,
				prompts: prompts(4),
				credentials,
				options: { maxRetries: 0 },
				params: { complexity: 'low' },
				state,
			}).result
		)[0];
		expect(out).toHaveLength(4);
		expect(received).toHaveLength(1);
		const [push] = received;
		expect(push).toMatchObject({ method: 'PUT', url: '/metrics/job/ai_dispatcher/instance/unit' });
		expect(push.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
		expect(push.headers.authorization).toBe('Bearer pgw-token');
		expect(push.body).not.toContain('ollama-secret');
		expect(push.body).not.toContain('summarize');
		const answeredBy = out.map((o) => o.json.model as string);
		const items = sample(push.body, 'ai_dispatcher_items_total{').reduce((a, b) => a + b, 0);
		expect(items).toBe(out.length);
		const fallbacks = out.reduce(
			(n, o) =>
				n +
				(o.json.attempts as Array<{ model: string }>).filter(
					(a, i, all) => i > 0 && all[i - 1].model !== a.model,
				).length,
			0,
		);
		expect(fallbacks).toBeGreaterThan(0);
		expect(sample(push.body, 'ai_dispatcher_fallbacks_total{').reduce((a, b) => a + b, 0)).toBe(
			fallbacks,
		);
		expect(push.body).toContain(
			`ai_dispatcher_model_calls_total{model="phi3:mini",host="${sim.url}",outcome="http_5xx"}`,
		);
		expect(push.body).toContain(`ai_dispatcher_items_total{model="${answeredBy[0]}",tier=`);
		expect(push.body).toMatch(/# TYPE ai_dispatcher_call_duration_seconds histogram/);
		expect(push.body).toMatch(
			new RegExp(`ai_dispatcher_breaker_state\\{model="phi3:mini",host="${sim.url}"\\} 2`),
		);
	});

	it('a dead Pushgateway costs no item, one timeout at most per interval, and Status says why', async () => {
		const hole = await startBlackhole();
		try {
			const credentials = { baseUrl: sim.url, pushgatewayUrl: hole.url };
			recorder.intervalMs = 60_000; // the second execution falls inside the interval
			const first = await runNode({ baseUrl: sim.url, prompts: prompts(3), credentials, state })
				.result;
			const second = await runNode({ baseUrl: sim.url, prompts: prompts(3), credentials, state })
				.result;
			expect([first[0].length, second[0].length]).toEqual([3, 3]);
			expect([...first[0], ...second[0]].every((o) => typeof o.json.response === 'string')).toBe(
				true,
			);
			expect(hole.requests()).toBe(1);
			const status = recorder.push;
			expect(status).toMatchObject({ failures: 1, pushes: 0, deferred: 1 });
			expect(status.lastError).toMatch(/^timeout: /);
			const ctx = createContext({ credentials, params: { operation: 'status' } });
			const [[statusItem]] = await new AiDispatcher(state).execute.call(ctx.execute);
			const metrics = statusItem.json.metrics as Record<string, unknown>;
			expect(metrics).toMatchObject({
				pushgatewayUrl: hole.url,
				job: 'ai_dispatcher',
				pushing: true,
				failures: 1,
				lastPushAt: null,
			});
			expect(String(metrics.lastError)).toMatch(/^timeout: /);
			const figures = metrics.figures as Record<string, Array<{ value: number }>>;
			expect(figures.ai_dispatcher_items_total.reduce((n, s) => n + s.value, 0)).toBe(6);
		} finally {
			await hole.stop();
		}
	});

	it('Select Model counts decisions, not answered items', async () => {
		const out = await runNode({
			baseUrl: sim.url,
			prompts: prompts(3),
			state,
			params: { operation: 'selectModel' },
		}).result;
		expect(out[0]).toHaveLength(3);
		const registry = recorder.snapshot();
		expect(registry.read(METRICS.decisions).reduce((n, s) => n + s.value, 0)).toBe(3);
		expect(registry.read(METRICS.items)).toEqual([]);
	});

	it('a Pushgateway URL that is not http(s) never fails an item and is shown in Status', async () => {
		const credentials = { baseUrl: sim.url, pushgatewayUrl: 'pushgateway:9091' };
		const out = await runNode({ baseUrl: sim.url, prompts: prompts(2), credentials, state }).result;
		expect(out[0]).toHaveLength(2);
		expect(recorder.push.lastError).toBe(
			'Pushgateway URL "pushgateway:9091" is not an http(s) URL: metrics are not pushed',
		);
	});
});
