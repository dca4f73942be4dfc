/**
 * The setup every example e2e shares: the cached runtime, the packed package in a fresh n8n user
 * folder, a simulator, the example credential pointed at it, and the example workflow imported.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	REPO_ROOT,
	createN8nInstance,
	ensureN8nRuntime,
	packPackage,
	type N8nCredential,
	type N8nInstance,
} from './n8n-harness';
import { startOllamaSimulator, type OllamaSimulator, type SimulatorOptions } from './simulator';

export interface ExampleRun {
	n8n: N8nInstance;
	sim: OllamaSimulator;
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
	const runtime = await ensureN8nRuntime();
	const tgz = await packPackage();
	const n8n = await createN8nInstance({ runtime, tgz });
	let sim: OllamaSimulator | undefined;
	try {
		sim = await startOllamaSimulator(simulator);
		return await importExample(n8n, sim, file, dispatcher, nodeName);
	} catch (error) {
		// The caller gets nothing to clean up: stop what was started here before reporting the failure.
		await sim?.close();
		await n8n.cleanup();
		throw error;
	}
}

async function importExample(n8n: N8nInstance, sim: OllamaSimulator, file: string, dispatcher: Record<string, unknown>, nodeName: string): Promise<ExampleRun> {
	const creds = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'credentials.example.json'), 'utf8')) as N8nCredential[];
	if (creds.length !== 1 || creds[0].type !== 'aiDispatcherApi') throw new Error('examples/credentials.example.json should hold one aiDispatcherApi credential');
	creds[0].data.baseUrl = sim.url;
	await n8n.importCredentials(creds);

	const workflow = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as ExampleRun['workflow'];
	// Only when asked: chain and agent examples have an AI Dispatcher Chat Model instead.
	if (Object.keys(dispatcher).length > 0) {
		const node = workflow.nodes.find((n) => n.name === nodeName);
		if (!node) throw new Error(`examples/${file} has no node named "${nodeName}"`);
		Object.assign(node.parameters, dispatcher);
	}
	await n8n.importWorkflow(workflow);
	return { n8n, sim, workflow };
}
