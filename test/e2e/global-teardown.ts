/**
 * After the e2e run, passed or failed: kills every process the run spawned that is still alive (the
 * harnesses stop their own; this catches what a failed test or a crash left behind), so jest exits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { PID_FILE_ENV, killRegistered } from '../support/process-registry';

export default async function globalTeardown(): Promise<void> {
	const file = process.env[PID_FILE_ENV];
	if (!file) return;
	const killed = killRegistered(file);
	if (killed.length > 0)
		console.log(`[e2e teardown] killed processes left running: ${killed.join(', ')}`);
	fs.rmSync(path.dirname(file), { recursive: true, force: true });
}
