/**
 * The processes of one start: node_exporter, Prometheus and the watchdog, their output, and how they
 * end. `cleanup()` kills them all and removes the temp dir; `fail()` does so and throws
 * {@link PrometheusStartupError} with the config and the output tail.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { PrometheusStartupError } from './api';
import {
	LogTail,
	installExitHook,
	isRunning,
	killChild,
	live,
	startWatchdog,
	type LiveRecord,
} from './processes';
import { registerProcess } from '../process-registry';

export class Launch {
	readonly logs = new LogTail();
	readonly rec: LiveRecord;
	prometheus: ChildProcess | undefined;
	nodeExporter: ChildProcess | undefined;

	constructor(
		readonly dir: string,
		private readonly configPath: string,
		private readonly config: string,
	) {
		this.rec = { children: new Set(), dir };
		installExitHook();
		live.add(this.rec);
	}

	spawnLogged(name: string, bin: string, args: string[]): ChildProcess {
		const child = spawn(bin, args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
		child.stdout?.on('data', (d: Buffer) => this.logs.append(name, d));
		child.stderr?.on('data', (d: Buffer) => this.logs.append(name, d));
		child.on('error', (e) => this.logs.append(name, Buffer.from(`spawn error: ${e.message}\n`)));
		this.rec.children.add(child);
		registerProcess(child.pid, false);
		return child;
	}

	startWatchdog(): void {
		const pids = [this.prometheus?.pid, this.nodeExporter?.pid].filter((p): p is number => !!p);
		this.rec.watchdog = startWatchdog(pids, this.dir);
	}

	/** How a process that should be running ended, if it did: "exited (code …)" or "node_exporter exited (…)". */
	died(): string | undefined {
		const exited = (child: ChildProcess | undefined) =>
			child && !isRunning(child)
				? `exited (code ${child.exitCode}, signal ${child.signalCode})`
				: undefined;
		return (
			exited(this.prometheus) ??
			(exited(this.nodeExporter) && `node_exporter ${exited(this.nodeExporter)}`)
		);
	}

	async cleanup(): Promise<void> {
		const wd = this.rec.watchdog;
		if (wd?.pid && isRunning(wd)) {
			wd.ref();
			const exited = new Promise<void>((resolve) => wd.once('exit', () => resolve()));
			try {
				process.kill(-wd.pid, 'SIGKILL'); // its process group: the shell and its `sleep`
				await exited;
			} catch {
				// gone
			}
		}
		await Promise.all([...this.rec.children].map((c) => killChild(c)));
		fs.rmSync(this.dir, { recursive: true, force: true });
		live.delete(this.rec);
	}

	async fail(what: string): Promise<never> {
		const pids = [...this.rec.children].map((c) => c.pid).filter((p): p is number => !!p);
		if (this.rec.watchdog?.pid) pids.push(this.rec.watchdog.pid);
		await this.cleanup();
		const tail = this.logs.tail();
		const msg = `${what}\n--- config (${this.configPath}) ---\n${this.config}--- process output (tail) ---\n${tail}`;
		throw new PrometheusStartupError(msg, pids, this.dir, /address already in use/i.test(tail));
	}
}
