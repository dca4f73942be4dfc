/// <reference lib="dom" />
/**
 * The newcomer's path in a real browser: Debian's Chromium (headless, driven by puppeteer-core)
 * against a real n8n 2.x with the packed package, the simulator and the Gmail example imported.
 * It creates the owner account, searches the node panel on a workflow canvas for "dispatcher" and
 * "ollama" (the node must be listed as a normal node, not under sub-nodes), opens the node, runs
 * the Gmail example, tests the credential through n8n's API, and saves the screenshots the README
 * uses to docs/images/. n8n and Chromium are closed in afterAll whatever happens.
 *
 * Run: `npm run test:browser` (needs `apt-get install -y chromium`; CHROMIUM_BIN overrides the path).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import puppeteer, { type Browser, type Page } from 'puppeteer-core';

import { startExample, type ExampleRun } from '../support/example-run';
import { REPO_ROOT } from '../support/n8n-harness';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const IMAGES = path.join(REPO_ROOT, 'docs', 'images');
const OWNER = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Newcomer', password: 'Newcomer-1234' };
const WORKFLOW_ID = 'gmailDigestExample';

let example: ExampleRun | undefined;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let profileDir: string | undefined;
let page: Page;
let baseUrl: string;
const figures: string[] = [];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
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
	throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/** Starts `n8n start` in the example's user folder and waits until /healthz answers. */
async function startServer(run: ExampleRun): Promise<string> {
	const { runtime, env, userFolder, ports } = run.n8n;
	const log = fs.openSync(path.join(userFolder, 'n8n-start.log'), 'a');
	server = spawn(runtime.node24, [runtime.n8nBin, 'start'], { cwd: userFolder, env, stdio: ['ignore', log, log], detached: true });
	const url = `http://127.0.0.1:${ports.n8n}`;
	const t0 = Date.now();
	await waitFor('n8n /healthz', async () => ((await fetch(`${url}/healthz`)).ok ? true : undefined), 240_000);
	figures.push(`n8n start → /healthz ok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
	return url;
}

function stopServer(): void {
	if (server?.pid === undefined) return;
	try {
		process.kill(-server.pid, 'SIGKILL');
	} catch {
		// already gone
	}
}

async function shot(name: string): Promise<string> {
	fs.mkdirSync(IMAGES, { recursive: true });
	const file = path.join(IMAGES, name);
	await page.screenshot({ path: file as `${string}.png` });
	return file;
}

/** Texts of the node panel's entries for `query`, read from the node creator. */
async function searchNodePanel(query: string): Promise<{ items: string[]; subNodeItems: string[] }> {
	await page.keyboard.press('Escape');
	await page.keyboard.press('Tab'); // opens the node panel on the canvas
	const input = await page.waitForSelector('[data-test-id="node-creator-search-bar"] input, input[placeholder^="Search nodes"]', { timeout: 30_000 });
	await input!.click({ clickCount: 3 });
	await input!.type(query);
	await new Promise((resolve) => setTimeout(resolve, 1500));
	return await page.evaluate(() => {
		const items = Array.from(document.querySelectorAll('[data-test-id="node-creator-node-item"], [data-test-id="item-iterator-item"]')).map((e) =>
			(e.textContent ?? '').replace(/\s+/g, ' ').trim(),
		);
		// Sub-nodes are listed under a "Sub-nodes" / "sub-node" heading or carry that label.
		const subNodeItems = items.filter((t) => /sub-?node/i.test(t));
		return { items, subNodeItems };
	});
}

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_BIN)`);
	example = await startExample('gmail-digest.json', { timeScale: 0.02, numParallel: 2 });
	baseUrl = await startServer(example);
	profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
	browser = await puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		userDataDir: profileDir,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--disable-dev-shm-usage',
		],
		defaultViewport: { width: 1440, height: 900 },
		protocolTimeout: 180_000,
	});
	page = await browser.newPage();
	page.setDefaultTimeout(60_000);
});

afterAll(async () => {
	if (figures.length > 0) console.log(`[browser]\n  ${figures.join('\n  ')}`);
	await browser?.close().catch(() => undefined);
	stopServer();
	await example?.sim.close();
	await example?.n8n.cleanup();
	if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
});

describe('the node in the n8n editor (headless Chromium)', () => {
	it('creates the owner account', async () => {
		await page.goto(`${baseUrl}/setup`, { waitUntil: 'networkidle2' });
		await page.waitForSelector('input[name="email"]');
		await page.type('input[name="email"]', OWNER.email);
		await page.type('input[name="firstName"]', OWNER.firstName);
		await page.type('input[name="lastName"]', OWNER.lastName);
		await page.type('input[name="password"]', OWNER.password);
		await page.click('[data-test-id="form-submit-button"], button[type="submit"]');
		const me = await waitFor(
			'the signed-in owner',
			async () => {
				const reply = await page.evaluate(async () => {
					const r = await fetch('/rest/login', { headers: { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' } });
					return r.ok ? ((await r.json()) as { data?: { email?: string } }) : undefined;
				});
				return reply?.data?.email ? reply.data : undefined;
			},
			60_000,
		);
		expect(me.email).toBe(OWNER.email);
	});

	it('finds the node by "dispatcher", "AI Dispatcher" and "ollama" on a workflow canvas, as a normal node', async () => {
		await page.goto(`${baseUrl}/workflow/${WORKFLOW_ID}`, { waitUntil: 'networkidle2' });
		await page.waitForSelector('[data-test-id="canvas-node"]');
		for (const query of ['dispatcher', 'AI Dispatcher', 'ollama']) {
			const found = await searchNodePanel(query);
			figures.push(`search "${query}": ${found.items.length} entries: ${found.items.slice(0, 6).join(' | ')}`);
			if (query === 'ollama') await shot('node-panel-search.png');
			expect(found.items.some((t) => t.startsWith('AI Dispatcher'))).toBe(true);
			expect(found.subNodeItems.filter((t) => t.startsWith('AI Dispatcher'))).toEqual([]);
		}
		await page.keyboard.press('Escape');
	});

	it('opens the node: operation, rules builder and Simplify Output read well, no "Custom API Call"', async () => {
		await page.goto(`${baseUrl}/workflow/${WORKFLOW_ID}`, { waitUntil: 'networkidle2' });
		const node = await page.waitForSelector('[data-test-id="canvas-node"][data-node-name="AI Dispatcher"], [data-test-id="canvas-node"]:has([title="AI Dispatcher"])');
		await node!.click({ count: 2 });
		await page.waitForSelector('[data-test-id="ndv"], .ndv-wrapper');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const panel = await page.evaluate(() => (document.querySelector('[data-test-id="ndv"]') ?? document.body).textContent ?? '');
		expect(panel).toContain('Simplify Output');
		expect(panel).toContain('Rules');
		await shot('panel.png');
		// The Operation list.
		await page.click('[data-test-id="parameter-input-operation"]');
		await new Promise((resolve) => setTimeout(resolve, 800));
		const operations = await page.evaluate(() =>
			Array.from(document.querySelectorAll('.el-select-dropdown__item, [role="option"]')).map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()).filter(Boolean),
		);
		figures.push(`operations: ${operations.join(' | ')}`);
		expect(operations.some((o) => o.startsWith('Generate'))).toBe(true);
		expect(operations.some((o) => /Custom API Call/i.test(o))).toBe(false);
		await page.keyboard.press('Escape');
	});

	it('runs the Gmail example and shows a short output item', async () => {
		await page.goto(`${baseUrl}/workflow/${WORKFLOW_ID}`, { waitUntil: 'networkidle2' });
		await page.waitForSelector('[data-test-id="execute-workflow-button"]');
		const t0 = Date.now();
		await page.click('[data-test-id="execute-workflow-button"]');
		await waitFor(
			'the run to finish',
			async () => {
				const done = await page.evaluate(() => document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length);
				return done >= 4 ? done : undefined;
			},
			300_000,
		);
		figures.push(`Gmail example (20 emails, simulator time scale 0.02) ran in the editor in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
		const node = await page.waitForSelector('[data-test-id="canvas-node"][data-node-name="AI Dispatcher"]');
		await node!.click({ count: 2 });
		await page.waitForSelector('[data-test-id="ndv"]');
		await new Promise((resolve) => setTimeout(resolve, 1500));
		const output = await page.evaluate(() => (document.querySelector('[data-test-id="output-panel"]') ?? document.body).textContent ?? '');
		expect(output).toContain('attemptsSummary');
		expect(output).toContain('reason');
		expect(output).not.toContain('candidates');
		await shot('output.png');
	});

	it('tests the credential through n8n: Ollama passes, n8n\'s own page fails as "not Ollama\'s JSON"', async () => {
		const test = (data: Record<string, unknown>) =>
			page.evaluate(async (body) => {
				const r = await fetch('/rest/credentials/test', {
					method: 'POST',
					headers: { 'content-type': 'application/json', 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
					body: JSON.stringify(body),
				});
				return (await r.json()) as { data?: { status: string; message: string } };
			}, { credentials: { name: 'probe', type: 'aiDispatcherApi', data } });
		const ok = await test({ baseUrl: example!.sim.url });
		expect(ok.data?.status).toBe('OK');
		const html = await test({ baseUrl });
		figures.push(`credential test against n8n itself: ${html.data?.message}`);
		expect(html.data?.status).toBe('Error');
		expect(html.data?.message).toContain("not with Ollama's JSON");
		const noScheme = await test({ baseUrl: '127.0.0.1:11434' });
		expect(noScheme.data?.message).toContain('is not an http(s) URL');
	});
});
