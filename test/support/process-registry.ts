/**
 * The processes an e2e run spawned (n8n commands, Prometheus, node_exporter, watchdogs), written to
 * the file named by AI_DISPATCHER_E2E_PIDS (created by the e2e and integration globalSetup), so that the
 * globalTeardown can kill whatever a failed or interrupted test left running, even when the test
 * process lost track of it. One line per process: `<pid> <start time> <group|pid>`. The start time
 * (field 22 of /proc/<pid>/stat) guards against killing an unrelated process that reused the PID.
 * Outside an e2e run (no AI_DISPATCHER_E2E_PIDS) registering does nothing.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const PID_FILE_ENV = 'AI_DISPATCHER_E2E_PIDS';

/** Creates an empty pid file in a fresh temp dir and names it in AI_DISPATCHER_E2E_PIDS (a jest globalSetup's job). */
export function createPidFile(): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-e2e-'));
	const file = path.join(dir, 'pids');
	fs.writeFileSync(file, '');
	process.env[PID_FILE_ENV] = file;
	return file;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot), or undefined when gone. */
function startTime(pid: number): string | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// The command name (field 2) is in parentheses and may hold spaces: count from after it.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

/** Records a spawned process; `group` when it leads its own process group (spawned `detached`). */
export function registerProcess(pid: number | undefined, group: boolean): void {
	const file = process.env[PID_FILE_ENV];
	if (!file || pid === undefined) return;
	const started = startTime(pid);
	if (started === undefined) return;
	fs.appendFileSync(file, `${pid} ${started} ${group ? 'group' : 'pid'}\n`);
}

/** Command names of the live processes in process group `pgid` (fields 2, 3 and 5 of /proc/<pid>/stat). */
function groupMembers(pgid: number): string[] {
	const names: string[] = [];
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
			const close = stat.lastIndexOf(')');
			const [state, , group] = stat.slice(close + 2).split(' ');
			// A zombie is already dead (its parent has not reaped it yet): nothing to kill.
			if (Number(group) === pgid && state !== 'Z')
				names.push(stat.slice(stat.indexOf('(') + 1, close));
		} catch {
			// gone meanwhile
		}
	}
	return names;
}

/**
 * Kills (SIGKILL) every registered process that is still the one registered, its whole group when
 * it led one. Returns what it killed, as `<pid> (<command>)` or `group <pgid> (<commands>)`.
 */
export function killRegistered(file: string): string[] {
	if (!fs.existsSync(file)) return [];
	const killed: string[] = [];
	for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
		const [pidText, started, how] = line.trim().split(' ');
		const pid = Number(pidText);
		if (!Number.isInteger(pid) || pid <= 1) continue;
		const alive = startTime(pid);
		if (how === 'group') {
			// The leader may be gone while its group (n8n's task runner) lives on: kill the group anyway
			// when the leader is gone, or when it is still the registered process.
			if (alive !== undefined && alive !== started) continue;
			const members = groupMembers(pid);
			if (members.length === 0) continue;
			try {
				process.kill(-pid, 'SIGKILL');
				killed.push(`group ${pid} (${members.join(', ')})`);
			} catch {
				// no such group any more
			}
		} else if (alive === started) {
			try {
				const name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
				process.kill(pid, 'SIGKILL');
				killed.push(`${pid} (${name})`);
			} catch {
				// already gone
			}
		}
	}
	return killed;
}
