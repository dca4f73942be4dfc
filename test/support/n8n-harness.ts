/**
 * Runs a REAL n8n (the pinned version that `scripts/ensure-runtime.sh` installs under Node 24) headless,
 * with our package installed the way users get it: `npm pack` tarball unpacked into
 * `<user folder>/.n8n/nodes/node_modules/n8n-nodes-ai-dispatcher`, loaded by n8n's community-package
 * loader as `n8n-nodes-ai-dispatcher.<node>` and resolving `n8n-workflow` to n8n's own copy.
 *
 * n8n 2.x has no `execute --file`; a run is:
 *   n8n import:credentials --input=creds.json   (array of {id,name,type,data:{plain values}})
 *   n8n import:workflow    --input=wf.json      (explicit id of at most 21 chars, Manual Trigger first)
 *   n8n execute --id=<id> --rawOutput           (run JSON printed through the logger at level info)
 *
 * Every instance has its own temp user folder (SQLite DB, encryption key), its own free N8N_PORT and
 * task-broker port (the Code node runs in n8n's JS task runner, which listens on
 * N8N_RUNNERS_BROKER_PORT, 5679 by default, so parallel instances would collide), and an environment
 * built from a short allow-list: nothing N8N_*, DB_*, NODE_ENV (jest sets "test", which changes n8n's
 * behaviour), NODE_OPTIONS or NODE_PATH leaks in from the parent.
 *
 * Set N8N_E2E_KEEP=1 to keep the user folders for inspection (their paths are printed).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts } from './loopback';
import { registerProcess } from './process-registry';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface N8nRuntime {
	/** absolute path of the cached Node 24 binary */
	node24: string;
	/** absolute path of n8n's bin/n8n script (run it as `<node24> <n8nBin>`) */
	n8nBin: string;
	/** set when asked for with `{prometheus: true}` */
	prometheus?: string;
	nodeExporter?: string;
}

export interface ProcResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	ms: number;
	timedOut: boolean;
}

export interface ExecuteResult {
	/** 0 when the run succeeded; n8n exits 1 when the workflow fails */
	exitCode: number | null;
	/** the run (IRun) as JSON, or null when none was printed */
	run: N8nRun | null;
	stdout: string;
	stderr: string;
	/** wall time of the whole `n8n execute` process (start-up included) */
	ms: number;
}

/** The parts of n8n's IRun that tests look at. */
export interface N8nRun {
	status?: string;
	finished?: boolean;
	mode?: string;
	data: {
		resultData: {
			runData: Record<string, N8nTaskData[]>;
			lastNodeExecuted?: string;
			error?: {
				message?: string;
				description?: string;
				node?: { name?: string };
				[k: string]: unknown;
			};
		};
		[k: string]: unknown;
	};
	[k: string]: unknown;
}

export interface N8nTaskData {
	executionStatus?: string;
	executionTime?: number;
	error?: { message?: string; description?: string; [k: string]: unknown };
	data?: { main?: Array<N8nItem[] | null> };
	[k: string]: unknown;
}

export interface N8nItem {
	json: Record<string, any>;
	pairedItem?: { item: number; input?: number } | Array<{ item: number; input?: number }> | number;
	[k: string]: unknown;
}

export interface N8nCredential {
	id: string;
	name: string;
	type: string;
	data: Record<string, unknown>;
}

export interface TimingEntry {
	what: string;
	ms: number;
}

export interface N8nInstance {
	/** the n8n user folder (N8N_USER_FOLDER); n8n keeps its data in `<userFolder>/.n8n` */
	userFolder: string;
	runtime: N8nRuntime;
	/** name and version of the installed package, when a tarball was given */
	installedPackage?: { name: string; version: string; dir: string };
	/** the environment every n8n command of this instance runs with */
	env: NodeJS.ProcessEnv;
	ports: { n8n: number; broker: number };
	/** wall times of every n8n command run so far */
	timings: TimingEntry[];
	/** Runs `<node24> <n8nBin> ...args` with this instance's environment. */
	run(args: string[], opts?: { timeoutMs?: number }): Promise<ProcResult>;
	importCredentials(creds: N8nCredential[]): Promise<ProcResult>;
	/** Imports one workflow (or an array). Each must have an `id`. */
	importWorkflow(
		workflow: Record<string, unknown> | Array<Record<string, unknown>>,
	): Promise<ProcResult>;
	execute(workflowId: string, opts?: { timeoutMs?: number }): Promise<ExecuteResult>;
	/** `n8n export:nodes`: every node type description n8n loaded (community packages included). */
	exportNodes(): Promise<
		Array<{ name: string; displayName?: string; version?: number | number[] }>
	>;
	/** `n8n --version` */
	version(): Promise<string>;
	/** Removes the user folder (unless N8N_E2E_KEEP=1). Idempotent. */
	cleanup(): Promise<void>;
}

export interface CreateN8nInstanceOptions {
	/** tarball from {@link packPackage}; omitted: plain n8n without our package */
	tgz?: string;
	runtime?: N8nRuntime;
	/** extra environment for every n8n command of this instance (wins over the defaults) */
	env?: Record<string, string>;
	/** default timeout per n8n command, default 5 min */
	timeoutMs?: number;
}

/* ------------------------------------------------------------------------------------------------ */

let runtimePromise: Promise<N8nRuntime> | undefined;
let runtimeWithPrometheusPromise: Promise<N8nRuntime> | undefined;

/**
 * Runs `scripts/ensure-runtime.sh` (installs Node 24 + n8n into ~/.cache once; takes a flock, so it
 * waits for a concurrent install) and returns the paths it prints. Memoised per process.
 */
export function ensureN8nRuntime(opts: { prometheus?: boolean } = {}): Promise<N8nRuntime> {
	if (opts.prometheus) {
		runtimeWithPrometheusPromise ??= loadRuntime(true);
		return runtimeWithPrometheusPromise;
	}
	runtimePromise ??= loadRuntime(false);
	return runtimePromise;
}

/** Set by the e2e globalSetup once it has checked the runtime, so test files do not run the script again. */
export const CHECKED_RUNTIME_ENV = 'AI_DISPATCHER_E2E_RUNTIME';

async function loadRuntime(prometheus: boolean): Promise<N8nRuntime> {
	const checked = process.env[CHECKED_RUNTIME_ENV];
	if (checked && !prometheus) return JSON.parse(checked) as N8nRuntime;
	const script = path.join(REPO_ROOT, 'scripts', 'ensure-runtime.sh');
	const res = await runProcess('bash', prometheus ? [script, '--prometheus'] : [script], {
		cwd: REPO_ROOT,
		env: process.env,
		timeoutMs: 30 * 60 * 1000,
	});
	if (res.exitCode !== 0) {
		throw new Error(
			`ensure-runtime.sh failed (exit ${res.exitCode}):\n${tail(res.stderr)}\n${tail(res.stdout)}`,
		);
	}
	const kv: Record<string, string> = {};
	for (const line of res.stdout.split('\n')) {
		const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
		if (m) kv[m[1]] = m[2];
	}
	if (!kv.NODE24 || !kv.N8N_BIN) {
		throw new Error(`ensure-runtime.sh did not print NODE24= and N8N_BIN=; stdout:\n${res.stdout}`);
	}
	return {
		node24: kv.NODE24,
		n8nBin: kv.N8N_BIN,
		prometheus: kv.PROMETHEUS,
		nodeExporter: kv.NODE_EXPORTER,
	};
}

/**
 * `npm pack` of the already built package (the caller runs `npm run build`; this only checks that
 * every file listed in package.json's `n8n` section exists in dist). Returns the tarball's path, in
 * a fresh temp directory.
 */
export async function packPackage(repoDir: string = REPO_ROOT): Promise<string> {
	const pkg = JSON.parse(fs.readFileSync(path.join(repoDir, 'package.json'), 'utf8'));
	const declared: string[] = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = declared.filter((f) => !fs.existsSync(path.join(repoDir, f)));
	if (missing.length > 0) {
		throw new Error(
			`package not built: missing ${missing.join(', ')} (run \`npm run build\` first)`,
		);
	}
	const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-pack-'));
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	const res = await runProcess(
		'npm',
		['pack', '--ignore-scripts', '--json', '--pack-destination', dest],
		{
			cwd: repoDir,
			env,
			timeoutMs: 2 * 60 * 1000,
		},
	);
	if (res.exitCode !== 0)
		throw new Error(`npm pack failed (exit ${res.exitCode}):\n${tail(res.stderr)}`);
	const start = res.stdout.indexOf('[');
	const info = JSON.parse(res.stdout.slice(start)) as Array<{ filename: string }>;
	const tgz = path.join(dest, path.basename(info[0].filename));
	if (!fs.existsSync(tgz))
		throw new Error(`npm pack reported ${info[0].filename} but ${tgz} does not exist`);
	return tgz;
}

/**
 * Packs the package ({@link packPackage}), hands the tarball to `use` (which installs it, e.g. by
 * creating n8n instances), then removes the tarball's temp folder: nothing stays in /tmp.
 */
export async function withPackedPackage<T>(use: (tgz: string) => Promise<T>): Promise<T> {
	const tgz = await packPackage();
	try {
		return await use(tgz);
	} finally {
		fs.rmSync(path.dirname(tgz), { recursive: true, force: true });
	}
}

/**
 * Unpacks a package tarball into `<userFolder>/.n8n/nodes/node_modules/<name>`: the layout n8n's
 * community-package installer produces, without running npm (our package has no runtime
 * dependencies, and its `n8n-workflow` peer must resolve to n8n's own copy, so nothing else belongs
 * there). Returns the package's name, version and directory.
 */
export async function installPackageIntoUserFolder(
	tgz: string,
	userFolder: string,
): Promise<{ name: string; version: string; dir: string }> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-unpack-'));
	try {
		const res = await runProcess('tar', ['-xzf', tgz, '-C', staging], {
			cwd: staging,
			env: process.env,
			timeoutMs: 60_000,
		});
		if (res.exitCode !== 0) throw new Error(`tar -xzf ${tgz} failed: ${res.stderr}`);
		const unpacked = path.join(staging, 'package');
		const pkg = JSON.parse(fs.readFileSync(path.join(unpacked, 'package.json'), 'utf8'));
		const dir = path.join(nodesDir, 'node_modules', ...String(pkg.name).split('/'));
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(path.dirname(dir), { recursive: true });
		fs.cpSync(unpacked, dir, { recursive: true });
		// What n8n's own installer leaves next to node_modules.
		const manifest = path.join(nodesDir, 'package.json');
		const current = fs.existsSync(manifest)
			? JSON.parse(fs.readFileSync(manifest, 'utf8'))
			: { name: 'installed-nodes', private: true, dependencies: {} };
		current.dependencies = { ...(current.dependencies ?? {}), [pkg.name]: pkg.version };
		fs.writeFileSync(manifest, JSON.stringify(current, null, 2) + '\n');
		return { name: pkg.name, version: pkg.version, dir };
	} finally {
		fs.rmSync(staging, { recursive: true, force: true });
	}
}

/** Creates a fresh n8n user folder (optionally with our package installed). Nothing runs until you call a method. */
export async function createN8nInstance(opts: CreateN8nInstanceOptions = {}): Promise<N8nInstance> {
	const runtime = opts.runtime ?? (await ensureN8nRuntime());
	const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-e2e-'));
	const installedPackage = opts.tgz
		? await installPackageIntoUserFolder(opts.tgz, userFolder)
		: undefined;
	const [n8nPort, brokerPort] = await freePorts(2);
	const env = n8nEnv(
		runtime,
		userFolder,
		{ N8N_PORT: String(n8nPort), N8N_RUNNERS_BROKER_PORT: String(brokerPort) },
		opts.env,
	);
	const defaultTimeout = opts.timeoutMs ?? 5 * 60 * 1000;
	const timings: TimingEntry[] = [];
	let fileCounter = 0;
	let cleaned = false;

	const run = async (args: string[], o: { timeoutMs?: number } = {}): Promise<ProcResult> => {
		const res = await runProcess(runtime.node24, [runtime.n8nBin, ...args], {
			cwd: userFolder,
			env,
			timeoutMs: o.timeoutMs ?? defaultTimeout,
		});
		timings.push({ what: args.filter((a) => !a.startsWith('--input=')).join(' '), ms: res.ms });
		return res;
	};

	const writeInput = (prefix: string, data: unknown): string => {
		const file = path.join(userFolder, `${prefix}-${++fileCounter}.json`);
		fs.writeFileSync(file, JSON.stringify(data, null, 2));
		return file;
	};

	const must = (what: string, res: ProcResult): ProcResult => {
		if (res.exitCode !== 0) {
			throw new Error(
				`n8n ${what} failed (exit ${res.exitCode}${res.timedOut ? ', timed out' : ''}):\n` +
					`--- stdout ---\n${tail(res.stdout)}\n--- stderr ---\n${tail(res.stderr)}`,
			);
		}
		return res;
	};

	const instance: N8nInstance = {
		userFolder,
		runtime,
		installedPackage,
		env,
		ports: { n8n: n8nPort, broker: brokerPort },
		timings,
		run,
		async importCredentials(creds) {
			const file = writeInput('credentials', creds);
			return must('import:credentials', await run(['import:credentials', `--input=${file}`]));
		},
		async importWorkflow(workflow) {
			const list = Array.isArray(workflow) ? workflow : [workflow];
			for (const wf of list) {
				if (typeof wf.id !== 'string' || wf.id.length === 0 || wf.id.length > 21) {
					throw new Error(
						`workflow "${String(wf.name)}" needs an explicit id of 1..21 characters (got ${JSON.stringify(wf.id)})`,
					);
				}
			}
			const file = writeInput('workflow', workflow);
			return must('import:workflow', await run(['import:workflow', `--input=${file}`]));
		},
		async execute(workflowId, o = {}) {
			const res = await run(['execute', `--id=${workflowId}`, '--rawOutput'], o);
			return {
				exitCode: res.exitCode,
				run: parseRunJson(res.stdout),
				stdout: res.stdout,
				stderr: res.stderr,
				ms: res.ms,
			};
		},
		async exportNodes() {
			const file = path.join(userFolder, `nodes-${++fileCounter}.json`);
			must('export:nodes', await run(['export:nodes', `--output=${file}`]));
			// The command ends its write stream without awaiting it; the process exit flushes it.
			return JSON.parse(fs.readFileSync(file, 'utf8'));
		},
		async version() {
			return must('--version', await run(['--version'], { timeoutMs: 60_000 })).stdout.trim();
		},
		async cleanup() {
			if (cleaned) return;
			cleaned = true;
			if (process.env.N8N_E2E_KEEP === '1') {
				console.log(`[n8n-harness] keeping n8n user folder ${userFolder}`);
				return;
			}
			fs.rmSync(userFolder, { recursive: true, force: true });
		},
	};
	return instance;
}

/**
 * The environment n8n runs with: a short allow-list of the parent's variables, Node 24 first on
 * PATH (the task runner and anything n8n spawns use it), and the n8n settings for headless runs.
 */
export function n8nEnv(
	runtime: N8nRuntime,
	userFolder: string,
	ports: { N8N_PORT: string; N8N_RUNNERS_BROKER_PORT: string },
	extra: Record<string, string> = {},
): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const k of ['HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TZ', 'LANG', 'LC_ALL', 'TERM']) {
		if (process.env[k] !== undefined) env[k] = process.env[k];
	}
	env.PATH = [
		path.dirname(runtime.node24),
		process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
	].join(path.delimiter);
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		...ports,
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_LOG_LEVEL: 'info', // `execute --rawOutput` prints the run JSON through logger.info
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		// Task runners are on by default in n8n 2.x and the Code node needs them; internal mode
		// (n8n launches the JS runner itself) is what a plain `n8n` install uses.
		N8N_RUNNERS_MODE: 'internal',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		DB_TYPE: 'sqlite',
		GENERIC_TIMEZONE: 'UTC',
		...extra,
	});
	return env;
}

/**
 * Extracts the run JSON from `n8n execute --rawOutput` stdout: log lines come first (task broker,
 * runner registration), then the pretty-printed run; after a failed run n8n logs error lines after it.
 */
export function parseRunJson(stdout: string): N8nRun | null {
	const lines = stdout.split('\n');
	const first = lines.findIndex((l) => l.startsWith('{'));
	if (first < 0) return null;
	// The run is printed with JSON.stringify(data, null, 2): it ends at the first line that is exactly "}".
	for (let end = first; end < lines.length; end++) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(first, end + 1).join('\n')) as N8nRun;
		} catch {
			// not the end yet (cannot happen with 2-space indentation, but keep looking)
		}
	}
	try {
		return JSON.parse(lines.slice(first).join('\n')) as N8nRun;
	} catch {
		return null;
	}
}

/** Items of a node's output (first run, first output by default). Throws a readable error when missing. */
export function nodeOutput(
	run: N8nRun | null,
	nodeName: string,
	opts: { runIndex?: number; output?: number } = {},
): N8nItem[] {
	if (!run) throw new Error(`no run JSON, so no output for node "${nodeName}"`);
	const runs = run.data?.resultData?.runData?.[nodeName];
	if (!runs) {
		const ran = Object.keys(run.data?.resultData?.runData ?? {});
		throw new Error(
			`node "${nodeName}" did not run (ran: ${ran.join(', ') || 'none'}); run error: ${runError(run) ?? 'none'}`,
		);
	}
	const task = runs[opts.runIndex ?? 0];
	if (!task) throw new Error(`node "${nodeName}" has no run #${opts.runIndex ?? 0}`);
	if (task.error) {
		throw new Error(
			`node "${nodeName}" failed: ${task.error.message ?? ''} ${task.error.description ?? ''}`.trim(),
		);
	}
	return task.data?.main?.[opts.output ?? 0] ?? [];
}

/** The workflow-level error message of a run, if any. */
export function runError(run: N8nRun | null): string | undefined {
	const e = run?.data?.resultData?.error;
	if (!e) return undefined;
	return [e.node?.name ? `[${e.node.name}]` : '', e.message ?? '', e.description ?? '']
		.filter(Boolean)
		.join(' ');
}

/** `pairedItem.item` of an item, whichever of n8n's three shapes it has. */
export function pairedIndex(item: N8nItem): number | undefined {
	const p = item.pairedItem;
	if (typeof p === 'number') return p;
	if (Array.isArray(p)) return p[0]?.item;
	return p?.item;
}

/* ------------------------------------------------------------------------------------------------ */

/**
 * Spawns a process in its own process group and collects its output. On timeout the whole group is
 * killed (n8n's task runner is a child of n8n). A process.on('exit') hook kills groups still alive
 * when the test process exits.
 */
export function runProcess(
	cmd: string,
	args: string[],
	opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<ProcResult> {
	return new Promise((resolve, reject) => {
		const t0 = Date.now();
		const child = spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		const out: Buffer[] = [];
		const err: Buffer[] = [];
		child.stdout.on('data', (d: Buffer) => out.push(d));
		child.stderr.on('data', (d: Buffer) => err.push(d));
		let timedOut = false;
		const pid = child.pid;
		if (pid !== undefined) liveGroups.add(pid);
		registerProcess(pid, true);
		const timer = setTimeout(() => {
			timedOut = true;
			killGroup(pid, 'SIGKILL');
		}, opts.timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			if (pid !== undefined) liveGroups.delete(pid);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (pid !== undefined) {
				liveGroups.delete(pid);
				killGroup(pid, 'SIGKILL'); // leftovers of the group (a task runner that outlived n8n)
			}
			resolve({
				exitCode: code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				ms: Date.now() - t0,
				timedOut,
			});
		});
	});
}

const liveGroups = new Set<number>();
process.on('exit', () => {
	for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
});

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

function tail(s: string, n = 60): string {
	const lines = s.split('\n');
	return lines.length > n ? ['…', ...lines.slice(-n)].join('\n') : s;
}
