/// <reference lib="dom" />
/**
 * The newcomer's path in a real browser: Debian's Chromium (headless, driven by puppeteer-core)
 * against a real n8n 2.x with the packed package, the simulator and the Gmail example imported.
 * It creates the owner account, searches the node panel on a workflow canvas for "dispatcher" and
 * "ollama" (the node must be listed as a normal node, not under sub-nodes), opens the node, runs
 * the Gmail example, tests the credential through n8n's API (the credential stored by the example,
 * with the URL replaced), shows the rules builder, and saves the screenshots the README uses to
 * docs/images/. n8n and Chromium are closed in afterAll whatever happens.
 *
 * Run: `npm run test:browser` (needs `apt-get install -y chromium`; CHROMIUM_BIN overrides the path).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';

import { startExample, type ExampleRun } from '../support/e2e-run';
import { REPO_ROOT } from '../support/n8n-harness';
import { registerProcess } from '../support/process-registry';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const IMAGES = path.join(REPO_ROOT, 'docs', 'images');
const OWNER = {
	email: 'owner@example.com',
	firstName: 'Ada',
	lastName: 'Newcomer',
	password: 'Newcomer-1234',
};
const WORKFLOW_ID = 'gmailDigestExample';

let example: ExampleRun | undefined;
let server: ChildProcess | undefined;
let browser: Browser | undefined;
let profileDir: string | undefined;
let page: Page;
let baseUrl: string;
const figures: string[] = [];

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

/** Starts `n8n start` in the example's user folder; waits until the editor (not only /healthz) is served. */
async function startServer(run: ExampleRun): Promise<string> {
	const { runtime, env, userFolder, ports } = run.n8n;
	const log = fs.openSync(path.join(userFolder, 'n8n-start.log'), 'a');
	server = spawn(runtime.node24, [runtime.n8nBin, 'start'], {
		cwd: userFolder,
		env,
		stdio: ['ignore', log, log],
		detached: true,
	});
	registerProcess(server.pid, true); // the global teardown kills it if afterAll could not
	const url = `http://127.0.0.1:${ports.n8n}`;
	const t0 = Date.now();
	// /healthz answers before the editor's routes exist ("Cannot GET /setup"): wait for both.
	await waitFor(
		'n8n /healthz and /setup',
		async () =>
			(await fetch(`${url}/healthz`)).ok && (await fetch(`${url}/setup`)).ok ? true : undefined,
		300_000,
	);
	figures.push(`n8n start → editor served in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function shot(name: string, element?: ElementHandle): Promise<void> {
	fs.mkdirSync(IMAGES, { recursive: true });
	const file = path.join(IMAGES, name) as `${string}.png`;
	await (element ?? page).screenshot({ path: file });
	figures.push(
		`screenshot ${path.relative(REPO_ROOT, file)} (${Math.round(fs.statSync(file).size / 1024)} KiB)`,
	);
}

/** The editor loads a large bundle: on a loaded machine it takes a minute or more. */
async function openWorkflow(id = WORKFLOW_ID, node = 'AI Dispatcher'): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${id}`, { waitUntil: 'domcontentloaded', timeout: 300_000 });
	await page.waitForSelector(`[data-test-id="canvas-node"][data-node-name="${node}"]`, {
		timeout: 300_000,
	});
	await sleep(1500);
	await dismissTips();
}

/** Clicks Execute workflow; waits until `nodes` canvas nodes show success (fails at once on an error mark). */
async function executeWorkflow(nodes: number): Promise<number> {
	await page.click('[data-test-id="execute-workflow-button"]');
	return await waitFor(
		`${nodes} nodes to succeed`,
		async () => {
			const state = await page.evaluate(() => ({
				ok: document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length,
				failed: document.querySelectorAll(
					'[data-test-id="canvas-node-status-mark-error"], [data-test-id="canvas-node-status-error"]',
				).length,
			}));
			if (state.failed > 0) throw new Error('a node failed');
			return state.ok >= nodes ? state.ok : undefined;
		},
		300_000,
	);
}

/** Closes the editor's one-time tips ("Press N to browse nodes … Got it"). */
async function dismissTips(): Promise<void> {
	await page.evaluate(() => {
		for (const b of Array.from(document.querySelectorAll('button')))
			if ((b.textContent ?? '').trim() === 'Got it') b.click();
	});
}

async function openDispatcherNode(name = 'AI Dispatcher'): Promise<void> {
	const node = await page.waitForSelector(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
	const box = await node!.boundingBox();
	await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2, { clickCount: 2 });
	await page.waitForSelector('[data-test-id="ndv"]');
	await sleep(2000);
	await dismissTips();
}

interface PanelEntry {
	/** n8n's id of the entry: `<node type>-<uuid>` */
	navId: string;
	text: string;
	/** n8n draws sub-nodes (language models, tools …) on a round "sub-node" background */
	subNode: boolean;
}

/** The node panel's entries for `query`, on the open workflow's canvas. */
async function searchNodePanel(query: string): Promise<PanelEntry[]> {
	const SEARCH = '[data-test-id="node-creator-search-bar"]';
	if (!(await page.$(SEARCH))) await page.click('[data-test-id="node-creator-plus-button"]');
	// The panel slides in: while it moves, the input has no clickable point ("Node is either not
	// clickable"), so it is focused and cleared from the page, not clicked.
	const input = await page.waitForSelector(SEARCH, { visible: true });
	await input!.evaluate((el) => {
		(el as HTMLInputElement).focus();
		(el as HTMLInputElement).select();
	});
	await page.keyboard.press('Backspace');
	await page.keyboard.type(query);
	const read = () =>
		page.evaluate(() =>
			Array.from(document.querySelectorAll('[data-test-id="item-iterator-item"]')).map((e) => ({
				navId: e.getAttribute('data-keyboard-nav-id') ?? '',
				text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
				subNode: e.querySelector('[class*="subNodeBackground"]') !== null,
			})),
		);
	// The list filters as one types: wait until it has entries and two reads 700 ms apart agree.
	let last = '';
	return await waitFor(
		`the node panel's entries for "${query}"`,
		async () => {
			const entries = await read();
			const key = JSON.stringify(entries);
			const stable = entries.length > 0 && key === last;
			last = key;
			if (!stable) await sleep(200);
			return stable ? entries : undefined;
		},
		30_000,
	);
}

const CREDENTIAL = { aiDispatcherApi: { id: 'aiDispatcherCred1', name: 'AI Dispatcher account' } };
const TRIGGER = {
	id: 't',
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

/** A workflow with the AI Dispatcher as a new node (version 1.1) after `before`, with `parameters`. */
function dispatcherWorkflow(
	id: string,
	parameters: Record<string, unknown>,
	jsCode?: string,
): Record<string, unknown> {
	const items = jsCode
		? [
				{
					id: 'c',
					name: 'Prompts',
					type: 'n8n-nodes-base.code',
					typeVersion: 2,
					position: [220, 0],
					parameters: { jsCode },
				},
			]
		: [];
	const source = jsCode ? 'Prompts' : 'Start';
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: [
			TRIGGER,
			...items,
			{
				id: 'd',
				name: 'AI Dispatcher',
				type: 'n8n-nodes-ai-dispatcher.aiDispatcher',
				typeVersion: 1.1,
				position: [460, 0],
				parameters,
				credentials: CREDENTIAL,
			},
		],
		connections: {
			Start: { main: [[{ node: jsCode ? 'Prompts' : 'AI Dispatcher', type: 'main', index: 0 }]] },
			...(jsCode
				? { [source]: { main: [[{ node: 'AI Dispatcher', type: 'main', index: 0 }]] } }
				: {}),
		},
	};
}

/** Six prompts, simple and complex in turn, each forcing its tier (Options › Complexity). */
const SIX_PROMPTS = `return [0, 1, 2, 3, 4, 5].map((i) => ({ json: { prompt: i % 2 ? 'Find the race condition in this scheduler and explain the fix' : 'Say thanks to Ada', tier: i % 2 ? 'high' : 'low' } }));`;
const TIERED = {
	prompt: '={{ $json.prompt }}',
	useSignals: false,
	options: { complexity: '={{ $json.tier }}', maxRetries: 0 },
};

/** A Basic LLM Chain without a model: its Model slot is where a newcomer looks for "ollama". */
const CHAIN_WORKFLOW = {
	id: 'chainModelPicker',
	name: 'chainModelPicker',
	active: false,
	settings: {},
	nodes: [
		TRIGGER,
		{
			id: 'l',
			name: 'Basic LLM Chain',
			type: '@n8n/n8n-nodes-langchain.chainLlm',
			typeVersion: 1.7,
			position: [260, 0],
			parameters: {},
		},
	],
	connections: { Start: { main: [[{ node: 'Basic LLM Chain', type: 'main', index: 0 }]] } },
};

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(
			`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_BIN)`,
		);
	example = await startExample('gmail-digest.json', { timeScale: 0.02, numParallel: 2 });
	// The AI Agent example too, with the same credential (the simulator): the chat sub-node's test.
	await example.n8n.importWorkflow(
		JSON.parse(
			fs.readFileSync(path.join(REPO_ROOT, 'examples', 'jira-triage-agent.json'), 'utf8'),
		) as Record<string, unknown>,
	);
	// A new node at its defaults, the fallback and all-failed demos, and a chain waiting for a model.
	await example.n8n.importWorkflow(dispatcherWorkflow('newDispatcherNode', {}));
	await example.n8n.importWorkflow(dispatcherWorkflow('fallbackDemo', TIERED, SIX_PROMPTS));
	await example.n8n.importWorkflow(dispatcherWorkflow('allFailedDemo', TIERED, SIX_PROMPTS));
	await example.n8n.importWorkflow(CHAIN_WORKFLOW);
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
	page.setDefaultTimeout(120_000);
	page.on('dialog', (dialog) => void dialog.accept());
});

afterAll(async () => {
	if (figures.length > 0) console.log(`[browser]\n  ${figures.join('\n  ')}`);
	await browser?.close().catch(() => undefined);
	stopServer();
	await example?.sim.close();
	await example?.n8n.cleanup();
	if (profileDir) fs.rmSync(profileDir, { recursive: true, force: true });
});

// Each step bounded (the default e2e limit is 15 min), and named as it starts, so a stuck step shows
// where it stuck even when the run is killed before jest prints its report.
jest.setTimeout(6 * 60 * 1000);
beforeEach(() => {
	process.stderr.write(
		`[browser] ${new Date().toISOString().slice(11, 19)} ${expect.getState().currentTestName ?? ''}\n`,
	);
});

describe('the node in the n8n editor (headless Chromium)', () => {
	it('creates the owner account', async () => {
		await page.goto(`${baseUrl}/setup`, { waitUntil: 'domcontentloaded', timeout: 300_000 });
		await page.waitForSelector('input[name="email"]', { timeout: 300_000 });
		await page.type('input[name="email"]', OWNER.email);
		await page.type('input[name="firstName"]', OWNER.firstName);
		await page.type('input[name="lastName"]', OWNER.lastName);
		await page.type('input[name="password"]', OWNER.password);
		await page.click('[data-test-id="form-submit-button"]');
		const me = await waitFor(
			'the signed-in owner',
			async () => {
				const reply = await page.evaluate(async () => {
					const r = await fetch('/rest/login', {
						headers: { 'browser-id': localStorage.getItem('n8n-browserId') ?? '' },
					});
					return r.ok ? ((await r.json()) as { data?: { email?: string } }) : undefined;
				});
				return reply?.data?.email ? reply.data : undefined;
			},
			120_000,
		);
		expect(me.email).toBe(OWNER.email);
	});

	it('finds the node by "dispatcher", "AI Dispatcher" and "ollama" on a workflow canvas, as a normal node', async () => {
		await openWorkflow();
		for (const query of ['dispatcher', 'AI Dispatcher', 'ollama']) {
			const entries = await searchNodePanel(query);
			figures.push(
				`node panel "${query}": ${entries.map((e) => `${e.text.slice(0, 28)}${e.subNode ? ' (sub-node)' : ''}`).join(' | ')}`,
			);
			const ours = entries.filter((e) =>
				e.navId.startsWith('n8n-nodes-ai-dispatcher.aiDispatcher-'),
			);
			expect(ours).toHaveLength(1);
			expect(ours[0].text.startsWith('AI Dispatcher')).toBe(true);
			expect(ours[0].subNode).toBe(false);
			if (query === 'ollama') {
				// Next to n8n's own Ollama nodes; the sub-node check does see n8n's Ollama Chat Model as one.
				expect(
					entries.some((e) => e.navId.startsWith('@n8n/n8n-nodes-langchain.ollama-') && !e.subNode),
				).toBe(true);
				expect(
					entries.some(
						(e) => e.navId.startsWith('@n8n/n8n-nodes-langchain.lmChatOllama-') && e.subNode,
					),
				).toBe(true);
				await shot('node-panel-search.png');
			}
		}
		await page.keyboard.press('Escape');
	});

	it('opens the node: the Operation list has no "Custom API Call"', async () => {
		await openDispatcherNode();
		const panel = await page.$eval('[data-test-id="ndv"]', (e) => e.textContent ?? '');
		expect(panel).toContain('Simplify Output');
		await page.click('[data-test-id="parameter-input-operation"]');
		await sleep(1500);
		const operations = await page.evaluate(() =>
			Array.from(document.querySelectorAll('.el-select-dropdown__item, [role="option"]'))
				.filter((e) => (e as HTMLElement).offsetParent !== null)
				.map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
		);
		figures.push(`operations: ${operations.map((o) => o.slice(0, 14)).join(' | ')}`);
		expect(operations).toHaveLength(3);
		expect(operations.some((o) => o.startsWith('Generate'))).toBe(true);
		expect(operations.some((o) => /Custom API Call/i.test(o))).toBe(false);
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
	});

	it('runs the Gmail example; the output table shows response, model, tier, reason, attempts', async () => {
		await openWorkflow();
		const t0 = Date.now();
		expect(await executeWorkflow(4)).toBe(4);
		figures.push(
			`Gmail example (20 emails, simulator time scale 0.02) ran in the editor in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
		await openDispatcherNode();
		const output = await page.$eval('[data-test-id="output-panel"]', (e) =>
			(e.textContent ?? '').replace(/\s+/g, ' '),
		);
		expect(output).toContain('20 items');
		for (const column of ['response', 'model', 'tier', 'reason', 'attemptsSummary'])
			expect(output).toContain(column);
		expect(output).toContain('chose qwen2.5:7b (high tier)');
		expect(output).not.toContain('candidates');
		await shot('panel.png');
		const outputPanel = await page.$('[data-test-id="output-panel"]');
		await shot('output.png', outputPanel!);
		await page.keyboard.press('Escape');
	});

	it("tests the credential through n8n: Ollama passes, n8n's own page fails as not Ollama's JSON", async () => {
		const test = (data: Record<string, unknown>) =>
			page.evaluate(
				async (body) => {
					const r = await fetch('/rest/credentials/test', {
						method: 'POST',
						headers: {
							'content-type': 'application/json',
							'browser-id': localStorage.getItem('n8n-browserId') ?? '',
						},
						body: JSON.stringify(body),
					});
					return {
						http: r.status,
						body: (await r.json()) as { data?: { status: string; message: string } },
					};
				},
				{
					credentials: {
						id: 'aiDispatcherCred1',
						name: 'AI Dispatcher account',
						type: 'aiDispatcherApi',
						data,
					},
				},
			);
		const ok = await test({ baseUrl: example!.sim.url });
		figures.push(`credential test, simulator: ${JSON.stringify(ok.body.data)}`);
		expect(ok.body.data?.status).toBe('OK');
		const html = await test({ baseUrl });
		figures.push(`credential test, n8n itself: ${html.body.data?.message}`);
		expect(html.body.data?.status).toBe('Error');
		expect(html.body.data?.message).toContain("not with Ollama's JSON");
		const noScheme = await test({ baseUrl: '127.0.0.1:11434' });
		expect(noScheme.body.data?.status).toBe('Error');
		expect(noScheme.body.data?.message).toContain('is not an http(s) URL');
		const refused = await test({ baseUrl: 'http://127.0.0.1:1' });
		expect(refused.body.data?.message).toContain(
			'Nothing is listening at http://127.0.0.1:1 (connection refused)',
		);
	});

	it('shows the rules builder in reading order, with only the fields the action uses', async () => {
		await openWorkflow();
		await openDispatcherNode();
		await page.evaluate(() => {
			const add = Array.from(document.querySelectorAll('[data-test-id="ndv"] button')).find(
				(b) => (b.textContent ?? '').trim() === 'Add Rule',
			);
			add?.scrollIntoView({ block: 'start' });
			(add as HTMLElement | undefined)?.click();
		});
		await sleep(2000);
		const labels = await page.$$eval(
			'[data-test-id="ndv"] label, [data-test-id="ndv"] .n8n-input-label',
			(es) =>
				es
					.map((e) =>
						(e.textContent ?? '')
							.replace(/\s+/g, ' ')
							.replace(/ ?FixedExpression$/, '')
							.trim(),
					)
					.filter(Boolean),
		);
		const rule = labels.slice(labels.indexOf('Rules') + 1, labels.indexOf('Rules (JSON)'));
		figures.push(`a new rule's fields: ${rule.join(' | ')}`);
		expect(rule).toEqual([
			'Name',
			'Conditions',
			'Combine Conditions',
			'Negate',
			'Action',
			'Model Name or ID',
			'Call Options',
			'Stop After This Rule',
		]);
		await page.evaluate(() =>
			document
				.querySelector('[data-test-id="ndv"] [data-test-id="parameter-input-actionType"]')
				?.scrollIntoView({ block: 'center' }),
		);
		await sleep(500);
		await shot('rules.png');
	});

	it('runs the Jira agent example: the AI Dispatcher Chat Model under an AI Agent, each call with its model and reason', async () => {
		await openWorkflow('jiraAgentExample', 'AI Dispatcher Chat Model');
		const canvas = await page.$$eval('[data-test-id="canvas-node"]', (es) =>
			es.map((e) => e.getAttribute('data-node-name')),
		);
		expect(canvas).toEqual(
			expect.arrayContaining(['Triage agent', 'AI Dispatcher Chat Model', 'lookup_ticket']),
		);
		const t0 = Date.now();
		// Trigger, Code, Agent, and the two sub-nodes (the chat model and the tool) get a success mark.
		expect(await executeWorkflow(5)).toBeGreaterThanOrEqual(5);
		figures.push(
			`Jira agent example ran in the editor in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
		);
		await sleep(1500);
		await shot('chat-model-agent.png');
		await openDispatcherNode('AI Dispatcher Chat Model');
		const read = (selector: string) =>
			page.$eval(selector, (e) => (e.textContent ?? '').replace(/\s+/g, ' '));
		// Input side of the logged call: the conversation with the tool's result; output side: the
		// model that answered this call and why (the parameters list every model, so only the output counts).
		const input = await read('[data-test-id="ndv"]');
		const output = await read('[data-test-id="output-panel"]');
		const chose = /chose (phi3:mini|llama3\.2:3b|qwen2\.5:7b) \((low|medium|high)\)/.exec(output);
		figures.push(`chat model output panel: ${chose?.[0] ?? output.slice(0, 160)}`);
		expect(chose).not.toBeNull();
		// The table's first two cells: the model that answered and its tier.
		expect(output).toContain(`${chose![1]}${chose![2]}`);
		for (const column of ['model', 'tier', 'reason', 'complexity'])
			expect(output).toContain(column);
		expect(input).toContain('lookup_ticket');
		await shot('chat-model-panel.png');
		await page.keyboard.press('Escape');
	});

	it('a new node (version 1.1) shows the basics: at most 8 top-level fields on Generate at defaults', async () => {
		await openWorkflow('newDispatcherNode');
		await openDispatcherNode();
		// The Parameters tab's top-level items (the Settings tab's are hidden); n8n draws the credential
		// selector inside the first item, next to Operation.
		const fields = await page.$$eval('[data-test-id="ndv"] [data-test-id="parameter-item"]', (es) =>
			es
				.filter(
					(e) =>
						(e as HTMLElement).offsetParent !== null &&
						!e.parentElement?.closest('[data-test-id="parameter-item"]'),
				)
				.map((e) =>
					Array.from(e.querySelectorAll('label, .n8n-input-label'))
						.map((l) =>
							(l.textContent ?? '')
								.replace(/\s+/g, ' ')
								.replace(/ ?Fixed ?Expression$/, '')
								.trim(),
						)
						.filter(Boolean)
						.join(' + ')
						.slice(0, 50),
				),
		);
		figures.push(
			`Generate panel of a new node at defaults: ${fields.length} top-level fields: ${fields.join(' | ')}`,
		);
		expect(fields.some((f) => f.includes('Operation'))).toBe(true);
		expect(fields.length).toBeGreaterThanOrEqual(6);
		expect(fields.length).toBeLessThanOrEqual(8);
		const panel = await page.$eval('[data-test-id="ndv"]', (e) => e.textContent ?? '');
		for (const hidden of [
			'Exporter',
			'Node Selector',
			'Circuit Breaker',
			'Timeout High Tier',
			'System Prompt',
			'Rules (JSON)',
		])
			expect(panel).not.toContain(hidden);
		await shot('panel-defaults.png');
		await page.keyboard.press('Escape');
	});

	it('"ollama" in a Basic LLM Chain\'s Model picker offers the AI Dispatcher Chat Model', async () => {
		await openWorkflow('chainModelPicker', 'Basic LLM Chain');
		const plus =
			'[data-test-id="canvas-node-input-handle"][data-connection-type="ai_languageModel"] [data-test-id="canvas-handle-plus"]';
		await page.waitForSelector(plus);
		await page.$eval(plus, (e) => e.dispatchEvent(new MouseEvent('click', { bubbles: true })));
		const entries = await searchNodePanel('ollama');
		figures.push(
			`Basic LLM Chain › Model, "ollama": ${entries.map((e) => e.text.slice(0, 28)).join(' | ')}`,
		);
		expect(
			entries.filter((e) => e.navId.startsWith('n8n-nodes-ai-dispatcher.lmChatAiDispatcher-')),
		).toHaveLength(1);
		expect(entries.some((e) => e.navId.startsWith('@n8n/n8n-nodes-langchain.lmChatOllama-'))).toBe(
			true,
		);
		await shot('model-picker-ollama.png');
		await page.keyboard.press('Escape');
	});

	it('with the strong model out of memory: every reason names the model that answered, and a warning says items fell back', async () => {
		example!.sim.setFault('qwen2.5:7b', { kind: 'oom' });
		try {
			await openWorkflow('fallbackDemo');
			expect(await executeWorkflow(3)).toBe(3);
			await openDispatcherNode();
			const output = await page.$eval('[data-test-id="output-panel"]', (e) =>
				(e.textContent ?? '').replace(/\s+/g, ' '),
			);
			expect(output).toContain('6 items');
			expect(output).toContain(
				'3 of 6 items were answered by a fallback model because qwen2.5:7b did not answer',
			);
			expect(output).toContain('fallback');
			expect(output).toMatch(
				/chose qwen2\.5:7b \(high tier\), but it failed \(out of memory\), so llama3\.2:3b \(medium tier\) answered/,
			);
			figures.push(`fallback output: ${/3 of 6 items[^.]*\./.exec(output)?.[0] ?? '(no hint)'}`);
			await shot('output-fallback.png', (await page.$('[data-test-id="output-panel"]'))!);
			await page.keyboard.press('Escape');
		} finally {
			example!.sim.clearFaults();
		}
	});

	it('with every model down: the error headline says what failed per model, within 200 characters', async () => {
		example!.sim.setFault('qwen2.5:7b', { kind: 'oom' });
		example!.sim.setFault('llama3.2:3b', { kind: 'notfound' });
		example!.sim.setFault('phi3:mini', { kind: 'notfound' });
		try {
			await openWorkflow('allFailedDemo');
			await page.click('[data-test-id="execute-workflow-button"]');
			await page.waitForSelector(
				'[data-test-id="canvas-node-status-error"], [data-test-id="canvas-node-status-mark-error"]',
				{ timeout: 300_000 },
			);
			await openDispatcherNode();
			const headline = await page.$eval('[data-test-id="node-error-message"]', (e) =>
				(e.textContent ?? '').replace(/\s+/g, ' ').trim(),
			);
			const description = await page
				.$eval('[data-test-id="node-error-description"]', (e) =>
					(e.textContent ?? '').replace(/\s+/g, ' ').trim(),
				)
				.catch(() => '');
			figures.push(`all-failed headline (${headline.length} chars): ${headline}`);
			expect(headline.length).toBeLessThanOrEqual(200);
			expect(headline).toMatch(
				/^All 3 models failed: phi3:mini and llama3\.2:3b not installed|^All 3 models failed: .*not installed/,
			);
			expect(headline).not.toMatch(/connection to the server was closed/i);
			expect(description).toContain('ollama pull');
			await shot('error-all-failed.png');
			await page.keyboard.press('Escape');
		} finally {
			example!.sim.clearFaults();
		}
	});
});
