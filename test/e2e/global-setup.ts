/**
 * Before any e2e test: a file that records the processes the run spawns (for the teardown), and one
 * check that the runtime works — scripts/ensure-runtime.sh installs or repairs Node 24 + n8n and
 * fails unless sqlite3 loads under Node 24 and `n8n --version` answers. When it fails, the run stops
 * here with one message instead of every test failing on the same cause.
 */
import { CHECKED_RUNTIME_ENV, ensureN8nRuntime } from '../support/n8n-harness';
import { createPidFile } from '../support/process-registry';

export default async function globalSetup(): Promise<void> {
	createPidFile();

	const started = Date.now();
	try {
		process.env[CHECKED_RUNTIME_ENV] = JSON.stringify(await ensureN8nRuntime());
	} catch (error) {
		throw new Error(
			'The n8n runtime is broken, so no e2e test can run (nothing else was tried).\n' +
				`${(error as Error).message}\n` +
				'Run `bash scripts/ensure-runtime.sh` to see the full output; deleting the cache ' +
				'(~/.cache/n8n-nodes-ai-dispatcher, or $AI_DISPATCHER_CACHE) makes it install from scratch.',
		);
	}
	console.log(
		`\n[e2e setup] runtime checked in ${((Date.now() - started) / 1000).toFixed(1)} s (sqlite3 loads under Node 24, n8n --version answers)`,
	);
}
