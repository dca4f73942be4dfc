/**
 * A REAL Prometheus Pushgateway (Debian's `prometheus-pushgateway`, installed by
 * `scripts/ensure-runtime.sh --prometheus`) on a random loopback port (a hung one: `startBlackhole`
 * in ../loopback.ts), its persistence file inside its own temp folder. `stop()` kills what it started;
 * a watchdog shell does it if the test process dies.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts } from '../loopback';
import { ensurePrometheusBinaries, which } from './binaries';
import { killChild, startWatchdog } from './processes';

export interface PushgatewayHarness {
	/** http://127.0.0.1:PORT */
	url: string;
	/** 127.0.0.1:PORT, for a Prometheus scrape target. */
	address: string;
	/** The Pushgateway's own /metrics (what Prometheus scrapes). */
	metrics(): Promise<string>;
	stop(): Promise<void>;
}

async function binary(): Promise<string> {
	const found = which('prometheus-pushgateway');
	if (found) return found;
	await ensurePrometheusBinaries();
	const installed = which('prometheus-pushgateway');
	if (!installed)
		throw new Error(
			'prometheus-pushgateway is not installed: run scripts/ensure-runtime.sh --prometheus',
		);
	return installed;
}

export async function startPushgateway(timeoutMs = 15_000): Promise<PushgatewayHarness> {
	const bin = await binary();
	const [port] = await freePorts(1);
	const address = `127.0.0.1:${port}`;
	const url = `http://${address}`;
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-pgw-'));
	let output = '';
	// Debian's build persists to /var/lib/prometheus/pushgateway.data unless told otherwise: keep the
	// groups in this harness's temp folder so no run sees another's metrics.
	const args = [
		`--web.listen-address=${address}`,
		'--web.enable-admin-api',
		`--persistence.file=${path.join(dir, 'pushgateway.data')}`,
	];
	const child: ChildProcess = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
	child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-8000)));
	const onExit = () => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL');
	process.on('exit', onExit);
	const watchdog = child.pid ? startWatchdog([child.pid], dir) : undefined;

	const stop = async () => {
		process.off('exit', onExit);
		if (watchdog?.pid) {
			try {
				process.kill(-watchdog.pid, 'SIGKILL');
			} catch {
				// gone
			}
		}
		await killChild(child);
		fs.rmSync(dir, { recursive: true, force: true });
	};

	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			const ready = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
			if (ready.ok) break;
		} catch {
			// not listening yet
		}
		if (child.exitCode !== null || Date.now() > deadline) {
			await stop();
			throw new Error(`the Pushgateway did not become ready at ${url}:\n${output}`);
		}
		await new Promise((r) => setTimeout(r, 100));
	}
	return {
		url,
		address,
		metrics: async () => (await fetch(`${url}/metrics`)).text(),
		stop,
	};
}
