/**
 * The engine's and the transport's unit tests under Node 24 too (issue 9): `npm test` runs every
 * unit test under the system Node (20 on the test machines); n8n 2.x runs on Node 24, whose timers, abort
 * signals and garbage collector behave differently. Runs jest under the Node 24 that
 * scripts/ensure-runtime.sh installs and asserts every test passed.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { ensureN8nRuntime, REPO_ROOT } from '../support/n8n-harness';

interface JestJson {
	numPassedTests: number;
	numFailedTests: number;
	numTotalTestSuites: number;
}

it('the engine and transport unit tests pass under Node 24', async () => {
	const { node24 } = await ensureN8nRuntime();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node24-unit-'));
	const out = path.join(dir, 'result.json');
	try {
		const jest = path.join(REPO_ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
		const args = [
			jest,
			'test/unit/engine',
			'test/unit/transport',
			'--selectProjects',
			'unit',
			'--json',
			`--outputFile=${out}`,
		];
		const { code, stderr, version } = await new Promise<{
			code: number | null;
			stderr: string;
			version: string;
		}>((resolve) => {
			const child = spawn(node24, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
			let err = '';
			child.stderr.on('data', (d: Buffer) => (err += d.toString()));
			child.on('exit', (exit) => resolve({ code: exit, stderr: err, version: node24 }));
		});
		const result = fs.existsSync(out)
			? (JSON.parse(fs.readFileSync(out, 'utf8')) as JestJson)
			: undefined;
		console.log(
			`Node 24 (${version}): ${result?.numPassedTests ?? 0} passed, ${result?.numFailedTests ?? '?'} failed in ${result?.numTotalTestSuites ?? 0} suites`,
		);
		expect({ code, stderr: code === 0 ? '' : stderr.slice(-3000) }).toEqual({
			code: 0,
			stderr: '',
		});
		expect(result?.numFailedTests).toBe(0);
		expect(result?.numPassedTests).toBeGreaterThan(0);
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});
