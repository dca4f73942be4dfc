/**
 * README.md's Install section, followed literally: its command blocks are read from the file
 * (test/support/readme-install.ts) and run with bash, so the instructions cannot drift from what works.
 *
 *   1. pack:      `npm run pack:release` in this checkout (the block's `git clone`, `cd` and `npm ci`
 *                 lines are what this checkout already did; unit-tested to be exactly those).
 *   2. n8n runs:  the cached n8n 2.40.7 (`n8n start`, HOME = a fresh folder, no N8N_USER_FOLDER: n8n's
 *                 default `~/.n8n`) started once, as the n8n a user already runs: the owner account
 *                 created, no AI Dispatcher listed; n8n writes `~/.n8n/nodes/package.json`.
 *   3. install:   n8n stopped, the npm block with HOME = that folder, npm in offline mode: the
 *                 install needs no registry.
 *   4. restart:   n8n lists both node types and the credential; a webhook workflow (AI Dispatcher →
 *                 Basic LLM Chain with the AI Dispatcher Chat Model), created and activated through
 *                 n8n's REST API, answers from the Ollama simulator through both nodes.
 *   5. upgrade:   the same npm block with a newer version's tarball, n8n restarted: the new version
 *                 is installed, listed and answers.
 *   6. uninstall: the uninstall block, n8n restarted: neither node nor the credential is listed.
 *
 * The Docker block is not run (no Docker engine here); test/unit/release/readme-install.test.ts checks
 * it is the npm block run inside the container.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts } from '../support/loopback';
import {
	ensureN8nRuntime,
	n8nEnv,
	REPO_ROOT,
	runProcess,
	type N8nRuntime,
	type ProcResult,
} from '../support/n8n-harness';
import { registerProcess } from '../support/process-registry';
import { installBlock, packageIdentity, type CommandBlock } from '../support/readme-install';
import { startOllamaSimulator, type OllamaSimulator } from '../support/simulator';

const id = packageIdentity();
const NODE_TYPE = `${id.name}.aiDispatcher`;
const CHAT_TYPE = `${id.name}.lmChatAiDispatcher`;
const CREDENTIAL_TYPE = 'aiDispatcherApi';
const WEBHOOK_PATH = 'install-as-documented';
const OWNER = {
	email: 'owner@install-test.invalid',
	firstName: 'Install',
	lastName: 'Test',
	password: 'Install-Test-2026',
};
/** The "newer version" the upgrade installs: this version with the patch number raised. */
const NEXT_VERSION = id.version.replace(
	/^(\d+)\.(\d+)\.(\d+).*$/,
	(_m, a, b, c) => `${a}.${b}.${Number(c) + 1}`,
);
const NEXT_TARBALL = `${id.name}-${NEXT_VERSION}.tgz`;

const figures: string[] = [];
const t0 = Date.now();
function record(what: string, since: number): void {
	figures.push(`${what} ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

/** Runs a README block's commands with bash (-e, -u, pipefail) in `cwd`; fails with its output when it fails. */
async function runBlock(
	block: CommandBlock,
	opts: { cwd: string; env: NodeJS.ProcessEnv; text?: string },
): Promise<ProcResult> {
	const script = opts.text ?? block.commands.join('\n');
	const res = await runProcess('bash', ['-euo', 'pipefail', '-c', script], {
		cwd: opts.cwd,
		env: opts.env,
		timeoutMs: 5 * 60 * 1000,
	});
	if (res.exitCode !== 0) {
		throw new Error(
			`README block install:${block.name} failed (exit ${res.exitCode}${res.timedOut ? ', timed out' : ''}):\n${script}\n--- stdout ---\n${res.stdout}\n--- stderr ---\n${res.stderr}`,
		);
	}
	return res;
}

/** The user's shell environment: this process's, without npm's per-script variables (jest may run under npx). */
function shellEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
	for (const k of Object.keys(env)) if (/^npm_/i.test(k) && !(k in extra)) delete env[k];
	delete env.NODE_ENV; // jest sets "test"
	return env;
}

/** A user whose home is a fresh folder: `~` in the README's blocks, and n8n's default user folder. */
function userEnv(home: string): NodeJS.ProcessEnv {
	// offline: the install must not need the registry (the package's peers are n8n's own).
	return shellEnv({ HOME: home, npm_config_offline: 'true', npm_config_update_notifier: 'false' });
}

/** `n8n start` as that user: n8n's default user folder `~/.n8n`, the harness's settings otherwise. */
class N8nServer {
	private child: ChildProcess | undefined;
	readonly url: string;
	private cookie = '';

	constructor(
		private readonly runtime: N8nRuntime,
		private readonly home: string,
		private readonly ports: { n8n: number; broker: number },
	) {
		this.url = `http://127.0.0.1:${ports.n8n}`;
	}

	async start(label: string): Promise<void> {
		const started = Date.now();
		const env = n8nEnv(this.runtime, this.home, {
			N8N_PORT: String(this.ports.n8n),
			N8N_RUNNERS_BROKER_PORT: String(this.ports.broker),
		});
		env.HOME = this.home;
		delete env.N8N_USER_FOLDER; // n8n's default: <home>/.n8n, the folder the README's blocks use
		const log = fs.openSync(path.join(this.home, `n8n-${label}.log`), 'a');
		this.child = spawn(this.runtime.node24, [this.runtime.n8nBin, 'start'], {
			cwd: this.home,
			env,
			stdio: ['ignore', log, log],
			detached: true,
		});
		fs.closeSync(log);
		registerProcess(this.child.pid, true);
		const exited = new Promise<never>((_resolve, reject) => {
			this.child?.once('exit', (code) =>
				reject(
					new Error(`n8n start exited (${code}) before it was ready; log: ${this.logTail(label)}`),
				),
			);
		});
		exited.catch(() => undefined);
		await Promise.race([
			exited,
			waitFor(
				`n8n ${label}: /healthz/readiness`,
				async () =>
					(await fetch(`${this.url}/healthz/readiness`)).status === 200 ? true : undefined,
				5 * 60_000,
			),
		]);
		record(`n8n start (${label}) → ready`, started);
		this.child.removeAllListeners('exit');
		await this.signIn();
	}

	/** Stops n8n and its task runner (the whole process group): SIGTERM, then SIGKILL after 15 s. */
	async stop(): Promise<void> {
		const child = this.child;
		this.child = undefined;
		if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
		const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
		killGroup(child.pid, 'SIGTERM');
		const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 15_000);
		await gone;
		clearTimeout(timer);
		killGroup(child.pid, 'SIGKILL'); // the task runner, if it outlived n8n
	}

	/** n8n's REST API with the owner's session. */
	async api<T = any>(method: string, route: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.url}${route}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': 'install-as-documented',
				cookie: this.cookie,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = res.headers.getSetCookie().map((c) => c.split(';')[0]);
		if (setCookie.length > 0) this.cookie = setCookie.join('; ');
		const text = await res.text();
		if (!res.ok)
			throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 500)}`);
		return (text ? JSON.parse(text) : undefined) as T;
	}

	/** Owner set-up on the first start, login afterwards. */
	private async signIn(): Promise<void> {
		const settings = await this.api<{
			data: { userManagement?: { showSetupOnFirstLoad?: boolean } };
		}>('GET', '/rest/settings');
		if (settings.data.userManagement?.showSetupOnFirstLoad)
			await this.api('POST', '/rest/owner/setup', OWNER);
		else
			await this.api('POST', '/rest/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
	}

	async nodeTypes(): Promise<Array<{ name: string; displayName: string; outputs?: unknown }>> {
		return await this.api('GET', '/types/nodes.json');
	}

	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return await this.api('GET', '/types/credentials.json');
	}

	private logTail(label: string): string {
		try {
			return fs
				.readFileSync(path.join(this.home, `n8n-${label}.log`), 'utf8')
				.split('\n')
				.slice(-30)
				.join('\n');
		} catch {
			return '(no log)';
		}
	}
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
	if (pid === undefined) return;
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

async function waitFor<T>(
	what: string,
	probe: () => Promise<T | undefined>,
	timeoutMs: number,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	while (Date.now() < deadline) {
		try {
			const value = await probe();
			if (value !== undefined) return value;
		} catch (error) {
			last = error;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	throw new Error(
		`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
	);
}

/** The workflow the check runs: Webhook → AI Dispatcher (Generate) → Basic LLM Chain ← AI Dispatcher Chat Model. */
function webhookWorkflow(credential: { id: string; name: string }) {
	const credentials = { [CREDENTIAL_TYPE]: credential };
	return {
		name: 'install as documented',
		nodes: [
			{
				id: 'i1',
				name: 'Webhook',
				type: 'n8n-nodes-base.webhook',
				typeVersion: 2,
				position: [0, 0],
				webhookId: '7f3e1c52-5a0b-4c1e-9a53-2d1b0c7e4f10',
				parameters: { path: WEBHOOK_PATH, responseMode: 'lastNode', options: {} },
			},
			{
				id: 'i2',
				name: 'AI Dispatcher',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [220, 0],
				parameters: {
					prompt: 'Summarize: the nightly backup finished and the disk is 40 percent full.',
				},
				credentials,
			},
			{
				id: 'i3',
				name: 'Reply',
				type: '@n8n/n8n-nodes-langchain.chainLlm',
				typeVersion: 1.9,
				position: [440, 0],
				parameters: {
					promptType: 'define',
					text: "={{ 'Reply to: ' + $json.response }}",
					batching: {},
				},
			},
			{
				id: 'i4',
				name: 'AI Dispatcher Chat Model',
				type: CHAT_TYPE,
				typeVersion: 1,
				position: [440, 200],
				parameters: { options: {} },
				credentials,
			},
		],
		connections: {
			Webhook: { main: [[{ node: 'AI Dispatcher', type: 'main', index: 0 }]] },
			'AI Dispatcher': { main: [[{ node: 'Reply', type: 'main', index: 0 }]] },
			'AI Dispatcher Chat Model': {
				ai_languageModel: [[{ node: 'Reply', type: 'ai_languageModel', index: 0 }]],
			},
		},
		settings: {},
		active: false,
	};
}

/** Calls the workflow's webhook (activation registers it shortly after the API answers). */
async function callWebhook(server: N8nServer): Promise<{ text?: string }> {
	const started = Date.now();
	const body = await waitFor(
		`the webhook /webhook/${WEBHOOK_PATH}`,
		async () => {
			const res = await fetch(`${server.url}/webhook/${WEBHOOK_PATH}`);
			const text = await res.text();
			if (res.status === 404 && text.includes('is not registered')) return undefined; // not active yet
			if (!res.ok) throw new Error(`webhook answered ${res.status}: ${text.slice(0, 500)}`);
			return JSON.parse(text) as { text?: string };
		},
		120_000,
	);
	record('webhook run (AI Dispatcher → chain with the chat sub-node)', started);
	return body;
}

/** The answer the workflow gives when both nodes answered from the simulator, in this order. */
function expectBothNodesAnswered(body: { text?: string }): void {
	// The chain's model got "Reply to: <the AI Dispatcher's answer>"; the simulator answers "[<model>] <its prompt's words>".
	expect(body.text).toMatch(
		/^\[(phi3:mini|llama3\.2:3b|qwen2\.5:7b)\] Reply to: \[(phi3:mini|llama3\.2:3b|qwen2\.5:7b)\] Summarize: the nightly backup/,
	);
}

function installedVersion(home: string): string | undefined {
	const file = path.join(home, '.n8n', 'nodes', 'node_modules', id.name, 'package.json');
	return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).version : undefined;
}

/** The newer version's tarball, in its own folder (a "new checkout"): this package with the version raised. */
async function nextVersionTarball(tarball: string): Promise<string> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-next-'));
	const unpack = await runProcess('tar', ['-xzf', tarball, '-C', dir], {
		cwd: dir,
		env: process.env,
		timeoutMs: 60_000,
	});
	if (unpack.exitCode !== 0) throw new Error(`tar -xzf ${tarball}: ${unpack.stderr}`);
	const manifest = path.join(dir, 'package', 'package.json');
	const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
	pkg.version = NEXT_VERSION;
	fs.writeFileSync(manifest, JSON.stringify(pkg, null, 2) + '\n');
	const pack = await runProcess('tar', ['-czf', NEXT_TARBALL, 'package'], {
		cwd: dir,
		env: process.env,
		timeoutMs: 60_000,
	});
	if (pack.exitCode !== 0) throw new Error(`tar -czf ${NEXT_TARBALL}: ${pack.stderr}`);
	fs.rmSync(path.join(dir, 'package'), { recursive: true, force: true });
	return dir;
}

describe("README.md's Install section, run as written", () => {
	let runtime: N8nRuntime;
	let sim: OllamaSimulator;
	let home: string;
	let server: N8nServer;
	let nextDir: string | undefined;
	const tarballInCheckout = path.join(REPO_ROOT, id.tarball);
	const tarballWasThere = fs.existsSync(tarballInCheckout);

	beforeAll(async () => {
		runtime = await ensureN8nRuntime();
		sim = await startOllamaSimulator({ timeScale: 0.02 });
		home = fs.mkdtempSync(path.join(os.tmpdir(), 'install-as-documented-home-'));
		const [n8nPort, brokerPort] = await freePorts(2);
		server = new N8nServer(runtime, home, { n8n: n8nPort, broker: brokerPort });
	});

	afterAll(async () => {
		await server?.stop();
		await sim?.close();
		if (!tarballWasThere) fs.rmSync(tarballInCheckout, { force: true });
		if (nextDir) fs.rmSync(nextDir, { recursive: true, force: true });
		if (home && process.env.N8N_E2E_KEEP !== '1') fs.rmSync(home, { recursive: true, force: true });
		else if (home) console.log(`[install-as-documented] keeping ${home}`);
		console.log(
			`[install-as-documented] ${figures.join('; ')}; total ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
	});

	test('1. pack: `npm run pack:release` builds and writes the tarball the README names', async () => {
		const pack = installBlock('pack');
		// The clone, cd and npm ci lines are what this checkout already did (unit-tested to be exactly those).
		const fromPack = pack.commands.slice(pack.commands.indexOf('npm run pack:release'));
		expect(fromPack).toEqual(['npm run pack:release']);
		const started = Date.now();
		await runBlock(pack, { cwd: REPO_ROOT, env: shellEnv(), text: fromPack.join('\n') });
		record('npm run pack:release', started);
		expect(fs.existsSync(tarballInCheckout)).toBe(true);
		const list = await runProcess('tar', ['-tzf', tarballInCheckout], {
			cwd: REPO_ROOT,
			env: process.env,
			timeoutMs: 60_000,
		});
		const files = list.stdout.split('\n').filter(Boolean);
		expect(files).toEqual(
			expect.arrayContaining([
				`package/dist/nodes/AiDispatcher/AiDispatcher.node.js`,
				'package/package.json',
				'package/README.md',
				'package/LICENSE',
			]),
		);
		expect(
			files.filter(
				(f) =>
					!f.startsWith('package/dist/') &&
					!['package/package.json', 'package/README.md', 'package/LICENSE'].includes(f),
			),
		).toEqual([]);
		figures.push(
			`tarball ${(fs.statSync(tarballInCheckout).size / 1024).toFixed(0)} kB, ${files.length} files`,
		);
	});

	test('2. the n8n you already run: started once on the fresh folder, it lists no AI Dispatcher', async () => {
		await server.start('before-install');
		expect((await server.nodeTypes()).filter((t) => t.name.startsWith(`${id.name}.`))).toEqual([]);
		expect((await server.credentialTypes()).filter((c) => c.name === CREDENTIAL_TYPE)).toEqual([]);
		await server.stop();
		// n8n wrote the nodes folder's package.json on start (what the install meets on a used n8n).
		expect(
			JSON.parse(fs.readFileSync(path.join(home, '.n8n', 'nodes', 'package.json'), 'utf8')),
		).toEqual({ name: 'installed-nodes', private: true, dependencies: {} });
	});

	test('3. install: the npm block puts the package, alone, into ~/.n8n/nodes without the registry', async () => {
		const started = Date.now();
		await runBlock(installBlock('npm'), { cwd: REPO_ROOT, env: userEnv(home) });
		record('npm block (offline)', started);
		const nodesDir = path.join(home, '.n8n', 'nodes');
		expect(installedVersion(home)).toBe(id.version);
		expect(
			fs.readdirSync(path.join(nodesDir, 'node_modules')).filter((f) => !f.startsWith('.')),
		).toEqual([id.name]);
		expect(fs.existsSync(path.join(nodesDir, 'node_modules', id.name, 'node_modules'))).toBe(false);
		// npm added the package to the package.json n8n wrote, and kept the rest of it.
		expect(JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8'))).toEqual({
			name: 'installed-nodes',
			private: true,
			dependencies: { [id.name]: `file:${id.tarball}` },
		});
		expect(fs.existsSync(path.join(nodesDir, id.tarball))).toBe(true);
	});

	test('4. n8n restarted lists both nodes and the credential, and runs a workflow with both nodes', async () => {
		await server.start('installed');
		const ours = (await server.nodeTypes()).filter((t) => t.name.startsWith(`${id.name}.`));
		expect(ours.find((t) => t.name === NODE_TYPE)).toMatchObject({
			displayName: 'AI Dispatcher',
			outputs: ['main'],
		});
		expect(ours.find((t) => t.name === CHAT_TYPE)).toMatchObject({
			displayName: 'AI Dispatcher Chat Model',
			outputs: ['ai_languageModel'],
		});
		expect((await server.credentialTypes()).find((c) => c.name === CREDENTIAL_TYPE)).toMatchObject({
			displayName: 'AI Dispatcher API',
		});

		const credential = await server.api<{ data: { id: string; name: string } }>(
			'POST',
			'/rest/credentials',
			{
				name: 'AI Dispatcher (install test)',
				type: CREDENTIAL_TYPE,
				data: { baseUrl: sim.url, apiKey: '', prometheusUrl: '', prometheusAuth: 'none' },
			},
		);
		const created = await server.api<{ data: { id: string; versionId: string } }>(
			'POST',
			'/rest/workflows',
			webhookWorkflow({ id: credential.data.id, name: credential.data.name }),
		);
		await server.api('POST', `/rest/workflows/${created.data.id}/activate`, {
			versionId: created.data.versionId,
		});
		sim.resetStats();
		const body = await callWebhook(server);
		expectBothNodesAnswered(body);
		// The AI Dispatcher asked /api/generate (Prompt input), the chat sub-node /api/chat.
		expect(sim.stats().requests['/api/generate']).toBeGreaterThanOrEqual(1);
		expect(sim.stats().requests['/api/chat']).toBeGreaterThanOrEqual(1);
		figures.push(`answer: ${JSON.stringify(body.text).slice(0, 120)}`);
	});

	test(`5. upgrade: the npm block with the next version's tarball (${NEXT_TARBALL}), then a restart`, async () => {
		await server.stop();
		nextDir = await nextVersionTarball(tarballInCheckout);
		const block = installBlock('npm');
		const started = Date.now();
		await runBlock(block, {
			cwd: nextDir,
			env: userEnv(home),
			text: block.commands.join('\n').split(id.tarball).join(NEXT_TARBALL),
		});
		record('npm block for the upgrade', started);
		// "… and delete the old .tgz from ~/.n8n/nodes"
		fs.rmSync(path.join(home, '.n8n', 'nodes', id.tarball));
		expect(installedVersion(home)).toBe(NEXT_VERSION);
		expect(
			JSON.parse(fs.readFileSync(path.join(home, '.n8n', 'nodes', 'package.json'), 'utf8'))
				.dependencies,
		).toEqual({ [id.name]: `file:${NEXT_TARBALL}` });

		await server.start('upgraded');
		const names = (await server.nodeTypes()).map((t) => t.name);
		expect(names).toEqual(expect.arrayContaining([NODE_TYPE, CHAT_TYPE]));
		// The workflow and the credential stayed; the workflow is active again after the restart.
		sim.resetStats();
		expectBothNodesAnswered(await callWebhook(server));
		expect(sim.stats().requests['/api/chat']).toBeGreaterThanOrEqual(1);
	});

	test('6. uninstall: the uninstall block, then a restart: neither node nor the credential is listed', async () => {
		await server.stop();
		const block = installBlock('uninstall');
		const started = Date.now();
		// The block names the installed version's tarball: after the upgrade, the next version's.
		await runBlock(block, {
			cwd: home,
			env: userEnv(home),
			text: block.commands.join('\n').split(id.tarball).join(NEXT_TARBALL),
		});
		record('uninstall block', started);
		const nodesDir = path.join(home, '.n8n', 'nodes');
		expect(installedVersion(home)).toBeUndefined();
		expect(fs.readdirSync(nodesDir).filter((f) => f.endsWith('.tgz'))).toEqual([]);
		expect(
			JSON.parse(fs.readFileSync(path.join(nodesDir, 'package.json'), 'utf8')).dependencies ?? {},
		).toEqual({});

		await server.start('uninstalled');
		expect((await server.nodeTypes()).filter((t) => t.name.startsWith(`${id.name}.`))).toEqual([]);
		expect((await server.credentialTypes()).filter((c) => c.name === CREDENTIAL_TYPE)).toEqual([]);
		await server.stop();
	});
});
