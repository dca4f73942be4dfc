/**
 * Proves the n8n harness on a real n8n: a workflow that needs no custom node (Manual Trigger → Code
 * node, so the JS task runner works too), a failing run, and that the packed package loads from
 * `<user folder>/.n8n/nodes/node_modules` as `n8n-nodes-ai-dispatcher.aiDispatcher` and runs its
 * Status operation against the Ollama simulator.
 *
 * Needs `npm run build` first (the package is packed from dist).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { startN8n, startN8nWithSimulator } from '../support/e2e-run';
import { nodeOutput, pairedIndex, runError, type N8nInstance } from '../support/n8n-harness';
import type { OllamaSimulator } from '../support/simulator';
import { chain, codeNode, manualTrigger } from '../support/workflow';

const NODE_TYPE = 'n8n-nodes-ai-dispatcher.aiDispatcher';

function codeWorkflow(id: string, jsCode: string) {
	return {
		id,
		name: `harness smoke ${id}`,
		active: false,
		nodes: [manualTrigger('n1'), codeNode('n2', 'Code', jsCode)],
		connections: chain('Start', 'Code'),
		settings: {},
		pinData: {},
	};
}

describe('n8n harness (no custom node)', () => {
	let n8n: N8nInstance;

	beforeAll(async () => {
		n8n = await startN8n({ withPackage: false });
	});
	afterAll(async () => {
		if (n8n) {
			console.log(
				`[harness-smoke] n8n command timings: ${n8n.timings.map((t) => `${t.what} ${(t.ms / 1000).toFixed(1)}s`).join('; ')}`,
			);
			await n8n.cleanup();
		}
	});

	test('runs n8n under the cached Node 24', async () => {
		expect(fs.existsSync(n8n.runtime.node24)).toBe(true);
		const version = await n8n.version();
		expect(version).toMatch(/^2\.\d+\.\d+$/);
		console.log(`[harness-smoke] n8n ${version}, node ${n8n.runtime.node24}`);
	});

	test('Manual Trigger → Code node returning 3 items', async () => {
		await n8n.importWorkflow(
			codeWorkflow('smokeCode', 'return [1, 2, 3].map((n) => ({ json: { n, squared: n * n } }));'),
		);
		const res = await n8n.execute('smokeCode');
		expect({ exitCode: res.exitCode, error: runError(res.run) }).toEqual({
			exitCode: 0,
			error: undefined,
		});
		expect(res.run?.status).toBe('success');
		const items = nodeOutput(res.run, 'Code');
		expect(items.map((i) => i.json)).toEqual([
			{ n: 1, squared: 1 },
			{ n: 2, squared: 4 },
			{ n: 3, squared: 9 },
		]);
		expect(items.map(pairedIndex)).toEqual([0, 0, 0]);
		console.log(`[harness-smoke] Code-node run: ${(res.ms / 1000).toFixed(1)}s`);
	});

	test('a failing run exits 1 and still yields the run JSON with the error', async () => {
		await n8n.importWorkflow(
			codeWorkflow('smokeFail', "throw new Error('boom from the smoke test');"),
		);
		const res = await n8n.execute('smokeFail');
		expect(res.exitCode).toBe(1);
		expect(res.run).not.toBeNull();
		expect(runError(res.run)).toContain('boom from the smoke test');
		expect(() => nodeOutput(res.run, 'Code')).toThrow(/boom from the smoke test/);
	});
});

describe('packed package in n8n', () => {
	let n8n: N8nInstance;
	let sim: OllamaSimulator | undefined;

	beforeAll(async () => {
		({ n8n, sim } = await startN8nWithSimulator({ timeScale: 0.05 }));
	});
	afterAll(async () => {
		await sim?.close();
		if (n8n) {
			console.log(
				`[harness-smoke] n8n command timings: ${n8n.timings.map((t) => `${t.what} ${(t.ms / 1000).toFixed(1)}s`).join('; ')}`,
			);
			await n8n.cleanup();
		}
	});

	test('is installed like a community package, without its own n8n-workflow', () => {
		const pkg = n8n.installedPackage!;
		expect(pkg.name).toBe('n8n-nodes-ai-dispatcher');
		expect(pkg.dir).toBe(
			path.join(n8n.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-ai-dispatcher'),
		);
		expect(
			fs.existsSync(path.join(pkg.dir, 'dist', 'nodes', 'AiDispatcher', 'AiDispatcher.node.js')),
		).toBe(true);
		expect(
			fs.existsSync(path.join(pkg.dir, 'dist', 'credentials', 'AiDispatcherApi.credentials.js')),
		).toBe(true);
		expect(fs.existsSync(path.join(pkg.dir, 'node_modules'))).toBe(false);
	});

	test('n8n export:nodes lists the node as n8n-nodes-ai-dispatcher.aiDispatcher', async () => {
		const types = await n8n.exportNodes();
		const ours = types.filter((t) => t.name.startsWith('n8n-nodes-ai-dispatcher.'));
		expect(ours.map((t) => t.name)).toContain(NODE_TYPE);
		expect(ours.find((t) => t.name === NODE_TYPE)?.displayName).toBe('AI Dispatcher');
	});

	test('Status operation answers {reachable, models, loaded} from the simulator', async () => {
		if (!sim) throw new Error('no simulator');
		await n8n.importCredentials([
			{
				id: 'smokeCred1',
				name: 'AI Dispatcher smoke',
				type: 'aiDispatcherApi',
				data: {
					baseUrl: sim.url,
					apiKey: '',
					prometheusUrl: '',
					prometheusAuth: 'none',
					prometheusUser: '',
					prometheusPassword: '',
					prometheusToken: '',
				},
			},
		]);
		await n8n.importWorkflow({
			id: 'smokeStatus',
			name: 'harness smoke status',
			active: false,
			nodes: [
				manualTrigger('s1'),
				{
					id: 's2',
					name: 'AI Dispatcher',
					type: NODE_TYPE,
					typeVersion: 1,
					position: [220, 0],
					parameters: { operation: 'status' },
					credentials: { aiDispatcherApi: { id: 'smokeCred1', name: 'AI Dispatcher smoke' } },
				},
			],
			connections: { Start: { main: [[{ node: 'AI Dispatcher', type: 'main', index: 0 }]] } },
			settings: {},
			pinData: {},
		});
		const res = await n8n.execute('smokeStatus');
		expect({ exitCode: res.exitCode, error: runError(res.run) }).toEqual({
			exitCode: 0,
			error: undefined,
		});
		const items = nodeOutput(res.run, 'AI Dispatcher');
		expect(items).toHaveLength(1);
		const status = items[0].json;
		expect(status.reachable).toBe(true);
		expect(Array.isArray(status.models)).toBe(true);
		expect(status.models.length).toBeGreaterThan(0);
		expect(status).toHaveProperty('loaded');
		console.log(
			`[harness-smoke] Status run ${(res.ms / 1000).toFixed(1)}s: ${JSON.stringify(status).slice(0, 400)}`,
		);
	});
});
