/**
 * The push and Status read what the state's observer offers as its `figures`, whatever observer it
 * is: a custom observer with figures is pushed and shown; one without figures pushes nothing and
 * Status says metrics are off.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ConnectionSettings } from '../../../nodes/AiDispatcher/adapters/config';
import { metricsStatus, pushAfterExecution } from '../../../nodes/AiDispatcher/adapters/metrics';
import { METRIC_DEFS, METRICS } from '../../../nodes/AiDispatcher/engine/metrics/catalog';
import type { MetricsFigures } from '../../../nodes/AiDispatcher/engine/metrics/figures';
import { newPushState } from '../../../nodes/AiDispatcher/engine/metrics/pusher';
import { MetricsRegistry } from '../../../nodes/AiDispatcher/engine/metrics/registry';
import {
	createDispatcherState,
	type DispatchObserver,
} from '../../../nodes/AiDispatcher/engine/state';
import { fakePorts, scriptedOllama } from '../../support/fakes';
import { createContext } from '../../support/n8n-context';

let gateway: http.Server;
let gatewayUrl = '';
const received: Array<{ url: string; body: string }> = [];

beforeAll(async () => {
	gateway = http.createServer((req, res) => {
		let body = '';
		req.on('data', (d: Buffer) => (body += d.toString()));
		req.on('end', () => {
			received.push({ url: req.url ?? '', body });
			res.writeHead(200).end();
		});
	});
	await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
	gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => await new Promise<void>((resolve) => gateway.close(() => resolve())));
beforeEach(() => (received.length = 0));

const connection = (): ConnectionSettings => ({
	baseUrls: ['http://o:11434'],
	prometheusUrl: null,
	pushgatewayUrl: gatewayUrl,
	metricsInstance: 'custom',
});

/** An observer that is not a `MetricsRecorder`: it counts loads into figures of its own. */
function loadCounter(): DispatchObserver & { figures: MetricsFigures } {
	const registry = new MetricsRegistry(METRIC_DEFS);
	const figures: MetricsFigures = {
		push: newPushState(),
		instance: null,
		intervalMs: 0,
		snapshot: () => registry,
	};
	return {
		loaded: (host, model) => registry.inc(METRICS.modelLoads, [model, host]),
		figures,
	};
}

describe("the observer's figures are what push and Status read", () => {
	it('a custom observer with figures is pushed under the credential’s instance, and Status shows them', async () => {
		const observer = loadCounter();
		const state = createDispatcherState({ metrics: observer });
		observer.loaded?.('http://o:11434', 'phi3:mini', 1200);
		const { execute } = createContext({ credentials: { baseUrl: 'http://o:11434' } });
		const ports = fakePorts(scriptedOllama({}).ollama);

		await pushAfterExecution(execute, state, connection(), ports);

		expect(received).toHaveLength(1);
		expect(received[0].url).toBe('/metrics/job/ai_dispatcher/instance/custom');
		expect(received[0].body).toContain(
			'ai_dispatcher_model_loads_total{model="phi3:mini",host="http://o:11434"} 1',
		);
		const status = metricsStatus(state, connection(), ports.clock.nowMs());
		expect(status).toMatchObject({ enabled: true, instance: 'custom', pushes: 1, failures: 0 });
		expect(status.figures).toEqual({
			ai_dispatcher_model_loads_total: [{ model: 'phi3:mini', host: 'http://o:11434', value: 1 }],
		});
		expect(observer.figures.push.pushes).toBe(1);
	});

	it('an observer without figures: nothing is pushed and Status says metrics are off', async () => {
		const state = createDispatcherState({ metrics: { planned: () => undefined } });
		const { execute } = createContext({ credentials: { baseUrl: 'http://o:11434' } });
		const ports = fakePorts(scriptedOllama({}).ollama);

		await pushAfterExecution(execute, state, connection(), ports);

		expect(received).toEqual([]);
		expect(metricsStatus(state, connection(), ports.clock.nowMs())).toEqual({ enabled: false });
	});

	it('the default recorder offers itself as its figures', () => {
		const state = createDispatcherState();
		expect(state.metrics?.figures).toBe(state.metrics);
	});
});
