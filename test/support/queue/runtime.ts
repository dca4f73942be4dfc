/** The runtime of the queue-mode e2e: n8n + Node 24, Prometheus and the Pushgateway, Redis and PostgreSQL. */
import * as path from 'node:path';

import { REPO_ROOT, runProcess } from '../n8n-harness';
import type { QueueRuntime } from './n8n-cluster';

/** Runs `scripts/ensure-runtime.sh --prometheus --queue` (installs what is missing, under its lock) and reads its KEY=value lines. */
export async function ensureQueueRuntime(): Promise<QueueRuntime> {
	const script = path.join(REPO_ROOT, 'scripts', 'ensure-runtime.sh');
	const res = await runProcess('bash', [script, '--prometheus', '--queue'], {
		cwd: REPO_ROOT,
		env: process.env,
		timeoutMs: 30 * 60 * 1000,
	});
	if (res.exitCode !== 0)
		throw new Error(
			`ensure-runtime.sh --prometheus --queue failed (exit ${res.exitCode}):\n${res.stderr.slice(-4000)}`,
		);
	const kv: Record<string, string> = {};
	for (const line of res.stdout.split('\n')) {
		const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (m) kv[m[1]] = m[2];
	}
	for (const key of [
		'NODE24',
		'N8N_BIN',
		'REDIS_SERVER',
		'POSTGRES_BIN',
		'PROMETHEUS',
		'PUSHGATEWAY',
	]) {
		if (!kv[key])
			throw new Error(
				`ensure-runtime.sh --prometheus --queue did not print ${key}=; stdout:\n${res.stdout}`,
			);
	}
	return {
		node24: kv.NODE24,
		n8nBin: kv.N8N_BIN,
		prometheus: kv.PROMETHEUS,
		nodeExporter: kv.NODE_EXPORTER,
		redisServer: kv.REDIS_SERVER,
		postgresBin: kv.POSTGRES_BIN,
	};
}
