/**
 * The processes a harness spawns and how they end: `stop()` kills them (SIGTERM, then SIGKILL after
 * 5 s); a `process.on('exit')` hook SIGKILLs whatever is still running if the test process exits; a
 * tiny detached `sh` watchdog kills them and removes their temp dir if the test process dies without
 * running exit hooks (SIGTERM/SIGKILL of a jest worker).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';

import { registerProcess } from '../process-registry';

const LOG_TAIL_BYTES = 64 * 1024;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** What one harness start spawned: killed by the exit hook while it is in {@link live}. */
export interface LiveRecord {
	children: Set<ChildProcess>;
	watchdog?: ChildProcess;
	dir: string;
}

/** The records the exit hook kills: added at start, removed once stopped. */
export const live = new Set<LiveRecord>();
let exitHookInstalled = false;

export function installExitHook(): void {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const rec of live) {
			for (const child of rec.children) {
				try {
					if (child.pid && child.exitCode === null && child.signalCode === null)
						process.kill(child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			if (rec.watchdog?.pid) {
				try {
					process.kill(-rec.watchdog.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			try {
				fs.rmSync(rec.dir, { recursive: true, force: true });
			} catch {
				// best effort
			}
		}
		live.clear();
	});
}

/** Detached shell that kills `pids` and removes `dir` once this process no longer exists. */
export function startWatchdog(pids: number[], dir: string): ChildProcess {
	const script = [
		'parent=$1; dir=$2; shift 2',
		'while kill -0 "$parent" 2>/dev/null; do sleep 1; done',
		'kill -TERM "$@" 2>/dev/null; sleep 2; kill -KILL "$@" 2>/dev/null',
		'rm -rf "$dir"',
	].join('\n');
	const wd = spawn(
		'sh',
		['-c', script, 'prometheus-harness-watchdog', String(process.pid), dir, ...pids.map(String)],
		{
			detached: true,
			stdio: 'ignore',
		},
	);
	wd.unref();
	if (!wd.pid) throw new Error('could not start the watchdog shell');
	registerProcess(wd.pid, true);
	return wd;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** The last {@link LOG_TAIL_BYTES} of the output of several processes, each line prefixed with its name. */
export class LogTail {
	private buf = '';
	append(prefix: string, chunk: Buffer): void {
		const text = chunk
			.toString()
			.split('\n')
			.map((l, i, arr) => (l === '' && i === arr.length - 1 ? l : `[${prefix}] ${l}`))
			.join('\n');
		this.buf = (this.buf + text).slice(-LOG_TAIL_BYTES);
	}
	tail(chars = 4000): string {
		return this.buf.slice(-chars);
	}
	all(): string {
		return this.buf;
	}
}

export function isRunning(child: ChildProcess): boolean {
	return child.exitCode === null && child.signalCode === null;
}

export async function killChild(child: ChildProcess, graceMs = 5000): Promise<void> {
	if (!isRunning(child)) return;
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	try {
		child.kill('SIGTERM');
	} catch {
		// gone
	}
	const timer = setTimeout(() => {
		try {
			if (isRunning(child)) child.kill('SIGKILL');
		} catch {
			// gone
		}
	}, graceMs);
	await exited;
	clearTimeout(timer);
}

/** True if a process with this pid exists (and is not a zombie we could still reap). */
export function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
	} catch (err) {
		return (err as NodeJS.ErrnoException).code === 'EPERM';
	}
	// A zombie still answers kill(0); treat it as dead.
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
		return state !== 'Z';
	} catch {
		return false;
	}
}
