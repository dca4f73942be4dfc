/**
 * The one setup of the e2e tests: a real n8n from the cached runtime with the packed package in a
 * fresh user folder, an Ollama simulator, and, for the example tests, the example credential pointed
 * at it and the example workflow imported. Whatever fails half-way is stopped before the error is
 * reported, so the caller has nothing to clean up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	REPO_ROOT,
	createN8nInstance,
	ensureN8nRuntime,
	withPackedPackage,
	type N8nCredential,
	type N8nInstance,
} from './n8n-harness';
import { startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from './simulator';

export interface StartN8nOptions {
	/** Also make sure Prometheus, promtool, node_exporter and the Pushgateway are installed. */
	prometheus?: boolean;
	/** false: plain n8n without the package (the harness's own smoke test). Default true. */
	withPackage?: boolean;
}

/** A real n8n (the runtime checked, the package packed and installed unless `withPackage: false`). */
export async function startN8n(options: StartN8nOptions = {}): Promise<N8nInstance> {
	const runtime = await ensureN8nRuntime({ prometheus: options.prometheus });
	if (options.withPackage === false) return await createN8nInstance({ runtime });
	return await withPackedPackage((tgz) => createN8nInstance({ runtime, tgz }));
}

export interface N8nWithSimulator {
	n8n: N8nInstance;
	sim: OllamaSimulator;
}

/** {@link startN8n} and an Ollama simulator; when the simulator fails to start, n8n's folder is removed. */
export async function startN8nWithSimulator(
	simulator: SimulatorOptions = { timeScale: 0.02, numParallel: 2 },
	options: StartN8nOptions = {},
): Promise<N8nWithSimulator> {
	const n8n = await startN8n(options);
	try {
		return { n8n, sim: await startOllamaSimulator(simulator) };
	} catch (error) {
		await n8n.cleanup();
		throw error;
	}
}

/** `examples/<file>` parsed (a workflow, or the credentials file). */
export function readExample<T = Record<string, unknown>>(file: string): T {
	return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as T;
}

/** The example credential (`examples/credentials.example.json`, id aiDispatcherCred1) pointed at `baseUrl`. */
export function exampleCredentials(baseUrl: string): N8nCredential[] {
	const creds = readExample<N8nCredential[]>('credentials.example.json');
	if (creds.length !== 1 || creds[0].type !== 'aiDispatcherApi')
		throw new Error('examples/credentials.example.json should hold one aiDispatcherApi credential');
	creds[0].data.baseUrl = baseUrl;
	return creds;
}

export interface ExampleRun extends N8nWithSimulator {
	/** The example workflow as imported (its id is what `n8n.execute` takes). */
	workflow: { id: string; nodes: Array<{ name: string; parameters: Record<string, unknown> }> };
}

/**
 * Starts n8n with the package and imports `examples/<file>` with the example credential;
 * `dispatcher` parameters, when given, are set on its node named `nodeName` (e.g. `simplifyOutput: false`).
 */
export async function startExample(
	file: string,
	simulator: SimulatorOptions = { timeScale: 0.02, numParallel: 2 },
	dispatcher: Record<string, unknown> = {},
	nodeName = 'AI Dispatcher',
): Promise<ExampleRun> {
	const { n8n, sim } = await startN8nWithSimulator(simulator);
	try {
		await n8n.importCredentials(exampleCredentials(sim.url));
		const workflow = readExample<ExampleRun['workflow']>(file);
		// Only when asked: chain and agent examples have an AI Dispatcher Chat Model instead.
		if (Object.keys(dispatcher).length > 0) {
			const node = workflow.nodes.find((n) => n.name === nodeName);
			if (!node) throw new Error(`examples/${file} has no node named "${nodeName}"`);
			Object.assign(node.parameters, dispatcher);
		}
		await n8n.importWorkflow(workflow);
		return { n8n, sim, workflow };
	} catch (error) {
		// The caller gets nothing to clean up: stop what was started here before reporting the failure.
		await sim.close();
		await n8n.cleanup();
		throw error;
	}
}
