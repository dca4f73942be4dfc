/**
 * One private server process for a test (Redis, Postgres, an n8n main or worker): spawned in its own
 * process group, its output in a log file inside its temp folder, registered for the e2e teardown,
 * watched by a detached shell that kills it if the test process dies, and stopped (SIGTERM, then
 * SIGKILL of the whole group) by `stop()`, which also removes the folder unless told to keep it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { registerProcess } from '../process-registry';
import { startWatchdog } from '../prometheus/processes';

export interface ServiceOptions {
	/** Name used in messages and as the log file's name (`<dir>/<name>.log`). */
	name: string;
	bin: string;
	args: string[];
	env?: NodeJS.ProcessEnv;
	/** Working directory; the service's files live here. */
	dir: string;
	/** Resolves true once the service answers; polled every 200 ms until `readyTimeoutMs`. */
	ready: () => Promise<boolean>;
	readyTimeoutMs?: number;
	/** Remove `dir` when stopped (default true). */
	removeDir?: boolean;
}

export interface Service {
	name: string;
	pid: number;
	dir: string;
	/** The whole log so far. */
	log(): string;
	/** True while the process has not exited. */
	running(): boolean;
	/** Kills the process group (SIGTERM, SIGKILL after `graceMs`) and removes the folder. Idempotent. */
	stop(graceMs?: number): Promise<void>;
}

const liveGroups = new Set<number>();
let hookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

function installExitHook(): void {
	if (hookInstalled) return;
	hookInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
	});
}

/** Starts the service and waits until it is ready; on failure everything started is stopped and the log tail thrown. */
export async function startService(options: ServiceOptions): Promise<Service> {
	installExitHook();
	const logFile = path.join(options.dir, `${options.name}.log`);
	const out = fs.openSync(logFile, 'a');
	const child: ChildProcess = spawn(options.bin, options.args, {
		cwd: options.dir,
		env: options.env ?? process.env,
		stdio: ['ignore', out, out],
		detached: true,
	});
	fs.closeSync(out);
	const pid = child.pid;
	if (pid === undefined) throw new Error(`${options.name}: could not spawn ${options.bin}`);
	liveGroups.add(pid);
	registerProcess(pid, true);
	// The watchdog only removes the folder when asked to; it always kills the group.
	const watchdog = startWatchdog(
		[-pid],
		options.removeDir === false ? path.join(options.dir, '.none') : options.dir,
	);
	let exited = false;
	const exit = new Promise<void>((resolve) =>
		child.once('exit', () => ((exited = true), resolve())),
	);
	let stopped = false;

	const log = () => {
		try {
			return fs.readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};
	const stop = async (graceMs = 5_000) => {
		if (stopped) return;
		stopped = true;
		killGroup(pid, 'SIGTERM');
		const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), graceMs);
		await exit;
		clearTimeout(timer);
		killGroup(pid, 'SIGKILL'); // whatever of the group outlived its leader
		liveGroups.delete(pid);
		if (watchdog.pid) killGroup(watchdog.pid, 'SIGKILL');
		if (options.removeDir !== false) fs.rmSync(options.dir, { recursive: true, force: true });
	};
	const service: Service = {
		name: options.name,
		pid,
		dir: options.dir,
		log,
		running: () => !exited,
		stop,
	};

	const deadline = Date.now() + (options.readyTimeoutMs ?? 30_000);
	for (;;) {
		let ok = false;
		try {
			ok = await options.ready();
		} catch {
			ok = false;
		}
		if (ok) return service;
		if (exited || Date.now() > deadline) {
			const tail = log().split('\n').slice(-40).join('\n');
			await stop();
			throw new Error(
				`${options.name} ${exited ? 'exited' : 'did not become ready'} (${options.bin} ${options.args.join(' ')}):\n${tail}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}
