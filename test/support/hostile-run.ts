/**
 * Runs hostile-server scenarios through the built node's execute() (dist/, as n8n loads it; run
 * `npm run build` first) with the test n8n context, and prints one JSON line per scenario:
 * outcomes per item, time per item, peak RSS, memory held after the run and a GC.
 *
 *   node --expose-gc --import tsx test/support/hostile-run.ts [all | <scenario>,<scenario>] [concurrency]
 *
 * The servers (test/support/hostile-ollama.ts) run in their own process, one port per
 * misbehaviour, so their flooding is not measured as ours; each scenario has its own Ollama URL, so
 * breakers, liveness and learned stats (all keyed by URL) start empty for it. Memory is measured
 * from a warmed-up baseline (one healthy item first). A forced GC runs every 250 ms throughout, as
 * the timers must survive it. test/e2e/hostile-server.test.ts runs this under Node 20 and Node 24
 * and asserts on what it prints.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';

import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { HEALTHY_MODEL, HOSTILE_MODEL, MULTIBYTE_TEXT, type Misbehaviour } from './hostile-ollama';
import { createContext } from './n8n-context';

/** The built node (`npm run build`), as n8n loads it. */
export const DIST_NODE = path.resolve(
	__dirname,
	'../../dist/nodes/AiDispatcher/AiDispatcher.node.js',
);

type NodeClass = new () => { execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> };

function runNode(
	baseUrl: string,
	prompts: string[],
	params: Record<string, unknown>,
): Promise<INodeExecutionData[][]> {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { AiDispatcher } = require(DIST_NODE) as { AiDispatcher: NodeClass };
	const ctx = createContext({
		credentials: { baseUrl },
		continueOnFail: true,
		items: prompts.map((prompt) => ({ json: { prompt } })),
		// Complexity forced low: every item starts on the hostile (low-tier) model, whatever the router thinks of the prompt.
		params: {
			operation: 'generate',
			inputMode: 'prompt',
			prompt: (i: number) => prompts[i],
			modelSource: 'list',
			simplifyOutput: false,
			complexity: 'low',
			...params,
		},
	});
	return new AiDispatcher().execute.call(ctx.execute);
}

/** The limits every scenario runs with (node options), in milliseconds. */
export const LIMITS = {
	firstTokenTimeoutMs: 3_000,
	stallTimeoutMs: 2_000,
	timeoutLowMs: 8_000,
	timeoutMediumMs: 8_000,
	connectTimeoutMs: 3_000,
	maxRetries: 1,
	retryDelayMs: 10,
} as const;

/** Auto-Discover's /api/tags limit. */
export { METADATA_TIMEOUT_MS } from '../../nodes/AiDispatcher/engine/installed';

export interface Scenario {
	misbehaviour: Misbehaviour;
	/** What each item must end as: answered by the healthy model, by the hostile one (correctly), or failed. */
	expect: 'healthy' | 'hostile' | 'fail';
	/** The fault each item's hostile attempt (or its error, for 'fail') must name. */
	fault?: { kind?: string; message: RegExp };
	items?: number;
	discovery?: boolean;
}

export const SCENARIOS: Scenario[] = [
	{
		misbehaviour: 'trickle-endless',
		expect: 'healthy',
		fault: { kind: 'timeout', message: /no complete reply within 8000 ms/ },
	},
	{
		misbehaviour: 'flood',
		expect: 'healthy',
		fault: { kind: 'too_large', message: /reply too large/ },
	},
	{
		misbehaviour: 'huge-line',
		expect: 'healthy',
		fault: { kind: 'too_large', message: /line longer than 4 MiB/ },
	},
	{
		misbehaviour: 'error-body-endless',
		expect: 'healthy',
		fault: { kind: 'busy', message: /^busy: HTTP 503: / },
	},
	{ misbehaviour: 'absurd-usage', expect: 'hostile' },
	{
		misbehaviour: 'wrong-types',
		expect: 'healthy',
		fault: {
			kind: 'garbage',
			message: /"response" is (an object|an array|a number), not a string/,
		},
	},
	{
		misbehaviour: 'error-with-done',
		expect: 'healthy',
		fault: { kind: 'stream_error', message: /error in stream: \{"code":500\}/ },
	},
	{
		misbehaviour: 'tags-huge',
		expect: 'fail',
		discovery: true,
		fault: { message: /sent more than 8 MiB \(reply too large\)|no complete reply within 5000 ms/ },
	},
	{ misbehaviour: 'tags-hang', expect: 'fail', discovery: true, fault: { message: /timed out/ } },
	{
		misbehaviour: 'stall',
		expect: 'healthy',
		fault: { kind: 'timeout', message: /no new token for 2000 ms .*\(stalled\)/ },
	},
	{
		misbehaviour: 'no-headers',
		expect: 'healthy',
		fault: { kind: 'timeout', message: /no first token within 3000 ms/ },
	},
	{
		misbehaviour: 'redirect-hang',
		expect: 'healthy',
		fault: { kind: 'timeout', message: /no first token within 3000 ms/ },
	},
	{
		misbehaviour: 'reset-after-headers',
		expect: 'healthy',
		fault: { kind: 'connection', message: /./ },
	},
	{ misbehaviour: 'utf8-split', expect: 'hostile' },
	{ misbehaviour: 'big-replies', expect: 'hostile', items: 100 },
];

export interface ItemOutcome {
	ok: boolean;
	model?: string;
	/** The answer's length, and whether it is exactly what the server sent (the hostile model's known answers). */
	chars?: number;
	exact?: boolean;
	/** kind: message of every failed attempt, in order. */
	faults: string[];
	kinds: string[];
	error?: string;
	/** Sum of the attempts' milliseconds (what the item cost). */
	ms: number;
	usage?: Record<string, number>;
}

export interface ScenarioReport {
	scenario: Misbehaviour;
	node: string;
	items: number;
	concurrency: number;
	wallMs: number;
	msPerItem: number;
	maxItemMs: number;
	outcome: string;
	peakRssMb: number;
	lifetimeMaxRssMb: number;
	startRssMb: number;
	endRssMb: number;
	/** JS heap + external (buffers) at start and after the run and a GC, in MB. */
	startHeldMb: number;
	endHeldMb: number;
	heldDeltaMb: number;
	gcRuns: number;
	generations: Record<string, number>;
	tagsRequests: number;
	/** Learned stats after the run (Status operation), for the hostile model. */
	learned?: Record<string, unknown>;
	outcomes: ItemOutcome[];
}

const MB = 1024 * 1024;
const round1 = (n: number) => Math.round(n * 10) / 10;

function forceGc(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run with --expose-gc');
	gc();
}

const held = () => {
	const m = process.memoryUsage();
	return m.heapUsed + m.external;
};

async function settleMemory(): Promise<void> {
	for (let i = 0; i < 4; i++) {
		await delay(50);
		forceGc();
	}
}

function expectedText(misbehaviour: Misbehaviour): string | undefined {
	if (misbehaviour === 'absurd-usage' || misbehaviour === 'utf8-split') return MULTIBYTE_TEXT;
	return undefined;
}

function outcomeOf(item: INodeExecutionData, misbehaviour: Misbehaviour): ItemOutcome {
	const json = item.json as IDataObject;
	const attempts = ((json.attempts as IDataObject[] | undefined) ?? []).map(
		(a) => a as { ok: boolean; kind?: string; error?: string | null; ms: number },
	);
	const failed = attempts.filter((a) => !a.ok);
	const base = {
		faults: failed.map((a) => `${a.kind}: ${a.error}`),
		kinds: failed.map((a) => String(a.kind)),
		ms: attempts.reduce((sum, a) => sum + a.ms, 0),
	};
	if (typeof json.error === 'string') return { ok: false, error: json.error, ...base };
	const text = String(json.response ?? '');
	const want = expectedText(misbehaviour);
	return {
		ok: true,
		model: String(json.model),
		chars: text.length,
		exact: want === undefined ? undefined : text === want,
		usage: json.usage as Record<string, number>,
		...base,
	};
}

function summarise(outcomes: ItemOutcome[]): string {
	const counts = new Map<string, number>();
	for (const o of outcomes) {
		const key = o.ok
			? `answered by ${o.model}${o.kinds.length ? ` after ${[...new Set(o.kinds)].join('+')}` : ''}`
			: `failed: ${(o.error ?? '').slice(0, 70)}`;
		counts.set(key, (counts.get(key) ?? 0) + 1);
	}
	return [...counts].map(([k, n]) => `${n}× ${k}`).join('; ');
}

export interface Servers {
	urls: Map<Misbehaviour, string>;
	stats(url: string): Promise<{ generations: Record<string, number>; tagsRequests: number }>;
	close(): Promise<void>;
}

/** Starts hostile-ollama.ts in its own process (same Node), one server per misbehaviour. */
export async function startServers(misbehaviours: Misbehaviour[]): Promise<Servers> {
	const script = path.join(__dirname, 'hostile-ollama.ts');
	const child = spawn(process.execPath, ['--import', 'tsx', script, misbehaviours.join(',')], {
		stdio: ['pipe', 'pipe', 'inherit'],
	});
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const urls = await new Promise<Map<Misbehaviour, string>>((resolve, reject) => {
		const found = new Map<Misbehaviour, string>();
		const lines = readline.createInterface({ input: child.stdout });
		lines.on('line', (text) => {
			const m = /^HOSTILE_URL (\S+) (\S+)$/.exec(text.trim());
			if (m) found.set(m[1] as Misbehaviour, m[2]);
			if (found.size === misbehaviours.length) resolve(found);
		});
		child.once('exit', (code) =>
			reject(new Error(`hostile servers exited (${code}) before listening`)),
		);
	});
	return {
		urls,
		stats: async (url) =>
			(await (await fetch(`${url}/__stats`)).json()) as {
				generations: Record<string, number>;
				tagsRequests: number;
			},
		close: async () => {
			if (child.exitCode === null) child.kill('SIGTERM');
			await exited;
		},
	};
}

export async function runScenario(
	scenario: Scenario,
	servers: Servers,
	concurrency = 4,
): Promise<ScenarioReport> {
	const items = scenario.items ?? 8;
	const url = servers.urls.get(scenario.misbehaviour);
	if (!url) throw new Error(`no server for ${scenario.misbehaviour}`);
	const server = { url, stats: () => servers.stats(url) };
	const options = { ...LIMITS, concurrency, breakerFailures: 100 };
	const models = {
		model: [
			{ name: HOSTILE_MODEL, tier: 'low' },
			{ name: HEALTHY_MODEL, tier: 'medium' },
		],
	};
	const run = (prompts: string[], params: Record<string, unknown> = {}) =>
		runNode(server.url, prompts, { options, models, ...params });

	let gcRuns = 0;
	const gcTimer = setInterval(() => {
		forceGc();
		gcRuns++;
	}, 250);
	try {
		// Warm up (HTTP client, modules) on the healthy model alone, then take the baseline.
		await run(['Say hi.'], { models: { model: [{ name: HEALTHY_MODEL, tier: 'low' }] } });
		await settleMemory();
		const startHeld = held();
		const startRss = process.memoryUsage().rss;

		let peakRss = startRss;
		const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
		const started = performance.now();
		let output: INodeExecutionData[][] | undefined = await run(
			Array.from({ length: items }, (_, i) => `Say hi to person ${i}.`),
			scenario.discovery ? { modelSource: 'auto' } : {},
		);
		const wallMs = performance.now() - started;
		clearInterval(sampler);
		const outcomes = output[0].map((item) => outcomeOf(item, scenario.misbehaviour));
		output = undefined; // the answers themselves are not "held" memory

		let learned: Record<string, unknown> | undefined;
		if (scenario.misbehaviour === 'absurd-usage') {
			const status = await run(['status'], { operation: 'status' });
			const byUrl = (status[0][0].json.learned ?? {}) as Record<string, Record<string, unknown>>;
			learned = byUrl[server.url]?.[HOSTILE_MODEL] as Record<string, unknown> | undefined;
		}

		const stats = await server.stats();
		await settleMemory();
		const endHeld = held();
		const endRss = process.memoryUsage().rss;
		return {
			scenario: scenario.misbehaviour,
			node: process.version,
			items,
			concurrency,
			wallMs: Math.round(wallMs),
			msPerItem: Math.round(wallMs / items),
			maxItemMs: Math.max(...outcomes.map((o) => o.ms)),
			outcome: summarise(outcomes),
			peakRssMb: round1(peakRss / MB),
			lifetimeMaxRssMb: round1((process.resourceUsage().maxRSS * 1024) / MB),
			startRssMb: round1(startRss / MB),
			endRssMb: round1(endRss / MB),
			startHeldMb: round1(startHeld / MB),
			endHeldMb: round1(endHeld / MB),
			heldDeltaMb: round1((endHeld - startHeld) / MB),
			gcRuns,
			generations: stats.generations,
			tagsRequests: stats.tagsRequests,
			learned,
			outcomes,
		};
	} finally {
		clearInterval(gcTimer);
	}
}

async function main(): Promise<void> {
	const names =
		!process.argv[2] || process.argv[2] === 'all'
			? SCENARIOS.map((s) => s.misbehaviour)
			: process.argv[2].split(',');
	const scenarios = names.map((name) => {
		const scenario = SCENARIOS.find((s) => s.misbehaviour === name);
		if (!scenario)
			throw new Error(
				`unknown scenario ${JSON.stringify(name)}; one of ${SCENARIOS.map((s) => s.misbehaviour).join(', ')}`,
			);
		return scenario;
	});
	const servers = await startServers(scenarios.map((s) => s.misbehaviour));
	try {
		for (const scenario of scenarios) {
			const report = await runScenario(scenario, servers, Number(process.argv[3] ?? 4));
			process.stdout.write(`HOSTILE_REPORT ${JSON.stringify(report)}\n`);
		}
	} finally {
		await servers.close();
	}
}

if (require.main === module) {
	main().then(
		() => process.exit(0),
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
			process.exit(1);
		},
	);
}
