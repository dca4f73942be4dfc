/** The Prometheus binaries from Debian's packages: found on PATH, or installed by scripts/ensure-runtime.sh. */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

let binariesPromise: Promise<{ prometheus: string; nodeExporter: string }> | undefined;

/** The path of the executable `name` on PATH (or in /usr/bin, /usr/local/bin, /usr/sbin), if any. */
export function which(name: string): string | undefined {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			if (fs.statSync(candidate).isFile()) return candidate;
		} catch {
			// not here
		}
	}
	for (const dir of ['/usr/bin', '/usr/local/bin', '/usr/sbin']) {
		const candidate = path.join(dir, name);
		if (fs.existsSync(candidate)) return candidate;
	}
	return undefined;
}

/**
 * Returns the paths of `prometheus` and `prometheus-node-exporter`; runs
 * `scripts/ensure-runtime.sh --prometheus` (Debian packages via apt; may also install Node 24 and n8n
 * on first use, which takes minutes) when either is missing.
 */
export async function ensurePrometheusBinaries(): Promise<{
	prometheus: string;
	nodeExporter: string;
}> {
	binariesPromise ??= (async () => {
		const prometheus = which('prometheus');
		const nodeExporter = which('prometheus-node-exporter');
		if (prometheus && nodeExporter) return { prometheus, nodeExporter };

		const script = path.join(REPO_ROOT, 'scripts', 'ensure-runtime.sh');
		const { code, stdout, stderr } = await new Promise<{
			code: number | null;
			stdout: string;
			stderr: string;
		}>((resolve, reject) => {
			const child = spawn('bash', [script, '--prometheus'], {
				cwd: REPO_ROOT,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			let out = '';
			let err = '';
			child.stdout.on('data', (d: Buffer) => (out += d.toString()));
			child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8000)));
			child.on('error', reject);
			child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
		});
		const get = (key: string) => stdout.match(new RegExp(`^${key}=(.+)$`, 'm'))?.[1]?.trim();
		const p = get('PROMETHEUS');
		const n = get('NODE_EXPORTER');
		if (code !== 0 || !p || !n || !fs.existsSync(p) || !fs.existsSync(n)) {
			throw new Error(
				`scripts/ensure-runtime.sh --prometheus failed (exit ${code}); stdout:\n${stdout}\nstderr tail:\n${stderr}`,
			);
		}
		return { prometheus: p, nodeExporter: n };
	})();
	try {
		return await binariesPromise;
	} catch (err) {
		binariesPromise = undefined;
		throw err;
	}
}
