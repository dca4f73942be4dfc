/**
 * OpenAI transport overhead per call vs the Ollama transport's, side by side in one run: the same
 * reply (same text, same number of streamed pieces) parsed from memory by `generate` (Ollama NDJSON)
 * and by `chatCompletion` (OpenAI SSE), with request building, the first-token/stall watch, the
 * line splitter and chunk validation; no network, so what is measured is the transport's own work.
 * Printed, never asserted. `tsx test/bench/openai.ts` alone, or part of `npm run bench`.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

import type { GenerateCall, HttpPort } from '../../nodes/AiDispatcher/engine/ports';
import { fetchHttpPort } from '../support/http-port';
import { chatCompletion } from '../../nodes/AiDispatcher/transport/openai/chat';
import { generate } from '../../nodes/AiDispatcher/transport/ollama';

const PIECES = 200;
const WORD = 'token ';

function ollamaBody(): string {
	const lines: string[] = [];
	for (let i = 0; i < PIECES; i++)
		lines.push(
			JSON.stringify({
				model: 'm',
				created_at: '2026-12-06T00:00:00Z',
				response: WORD,
				done: false,
			}),
		);
	lines.push(
		JSON.stringify({
			model: 'm',
			created_at: '2026-12-06T00:00:00Z',
			response: '',
			done: true,
			done_reason: 'stop',
			total_duration: 1e9,
			load_duration: 1e6,
			prompt_eval_count: 20,
			prompt_eval_duration: 1e7,
			eval_count: PIECES,
			eval_duration: 9e8,
		}),
	);
	return `${lines.join('\n')}\n`;
}

/** `perChunkField`: a field that differs in every chunk (api.openai.com adds a random `obfuscation` string), so no two chunks differ only in their content. */
function openAiBody(perChunkField = false): string {
	const chunk = (delta: Record<string, unknown>, finish: string | null, i = 0) =>
		`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...(perChunkField ? { obfuscation: (i * 7919).toString(36).padEnd(6, 'x') } : {}) })}\n\n`;
	let out = '';
	for (let i = 0; i < PIECES; i++) out += chunk({ content: WORD }, null, i);
	out += chunk({}, 'stop');
	out += `data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'm', choices: [], usage: { prompt_tokens: 20, completion_tokens: PIECES } })}\n\ndata: [DONE]\n\n`;
	return out;
}

/** An HttpPort that answers from memory in 1 KiB chunks (as a socket would deliver them). */
function memoryPort(text: string): HttpPort {
	const bytes = Buffer.from(text, 'utf8');
	return async () => ({
		status: 200,
		headers: {},
		body: (async function* () {
			for (let i = 0; i < bytes.length; i += 1024) yield bytes.subarray(i, i + 1024);
		})(),
	});
}

const call: GenerateCall = {
	baseUrl: 'http://local',
	model: 'm',
	prompt: 'Summarize the quarterly numbers',
	format: { type: 'text' },
	options: { temperature: 0.2 },
	timeoutMs: 60_000,
	firstTokenTimeoutMs: 30_000,
	stallTimeoutMs: 30_000,
};

async function timeCalls(run: () => Promise<unknown>, calls: number): Promise<number[]> {
	const us: number[] = [];
	for (let i = 0; i < calls; i++) {
		const started = process.hrtime.bigint();
		await run();
		us.push(Number(process.hrtime.bigint() - started) / 1000);
	}
	return us.sort((a, b) => a - b);
}

const quantile = (sorted: number[], q: number) =>
	sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

type Transports = { generate: typeof generate; chatCompletion: typeof chatCompletion };

/** The compiled transports (dist/, what n8n runs) when `npm run build` has been run; tsx adds helpers (keepNames) that the compiled code has not. */
function compiledTransports(): Transports | undefined {
	// BENCH_DIST: another build's dist/ (e.g. of an older commit, to compare before and after in one machine state).
	const dist = path.join(
		process.env.BENCH_DIST ?? path.join(__dirname, '..', '..', 'dist'),
		'nodes',
		'AiDispatcher',
		'transport',
	);
	if (!fs.existsSync(path.join(dist, 'openai', 'chat.js'))) return undefined;
	/* eslint-disable @typescript-eslint/no-require-imports */
	return {
		generate: (require(path.join(dist, 'ollama.js')) as Transports).generate,
		chatCompletion: (require(path.join(dist, 'openai', 'chat.js')) as Transports).chatCompletion,
	};
	/* eslint-enable @typescript-eslint/no-require-imports */
}

/** Median and p90 µs per call of Ollama, OpenAI and OpenAI with a per-chunk field, from memory, alternating rounds so all see the same machine load. */
async function inMemory(t: Transports, rounds: number, callsPerRound: number) {
	const ports = {
		ollama: memoryPort(ollamaBody()),
		openai: memoryPort(openAiBody()),
		varied: memoryPort(openAiBody(true)),
	};
	const runOllama = () => t.generate(ports.ollama, call);
	const runOpenAi = () => t.chatCompletion(ports.openai, call);
	const runVaried = () => t.chatCompletion(ports.varied, call);
	const [o1, a1, v1] = [await runOllama(), await runOpenAi(), await runVaried()];
	// Like with like: the same reply text and the same token counts from all three.
	for (const other of [a1, v1]) {
		if (
			other.text !== o1.text ||
			other.usage.prompt_tokens !== o1.usage.prompt_tokens ||
			other.usage.completion_tokens !== o1.usage.completion_tokens
		)
			throw new Error('the transports did not parse the same reply');
	}
	await timeCalls(runOllama, 200); // warm-up
	await timeCalls(runOpenAi, 200);
	await timeCalls(runVaried, 200);
	const o: number[] = [];
	const a: number[] = [];
	const v: number[] = [];
	for (let r = 0; r < rounds; r++) {
		o.push(...(await timeCalls(runOllama, callsPerRound)));
		a.push(...(await timeCalls(runOpenAi, callsPerRound)));
		v.push(...(await timeCalls(runVaried, callsPerRound)));
	}
	for (const list of [o, a, v]) list.sort((x, y) => x - y);
	return { o, a, v };
}

const fmt = (n: number) => n.toFixed(1).padStart(8);

/** Prints µs per call (median, p90) of both transports and the ratios side by side. */
export async function openAiTransportFigures(rounds = 5, callsPerRound = 400): Promise<void> {
	const ratios: string[] = [];
	const ratio = (x: number[], y: number[]) =>
		`${(quantile(x, 0.5) / quantile(y, 0.5)).toFixed(3)}× median, ${(quantile(x, 0.9) / quantile(y, 0.9)).toFixed(3)}× p90`;
	const compiled = compiledTransports();
	if (compiled && process.env.BENCH_DIST)
		console.log(`compiled transports from ${process.env.BENCH_DIST}`);
	for (const [label, t] of [
		['source (tsx)', { generate, chatCompletion }],
		...(compiled ? [['compiled (dist/)', compiled]] : []),
	] as Array<[string, Transports]>) {
		const { o, a, v } = await inMemory(t, rounds, callsPerRound);
		console.log(
			`\n== Transport overhead per call, ${label} (${PIECES} streamed pieces, from memory, ${rounds}×${callsPerRound} calls each, alternating) ==`,
		);
		console.log(`transport                              median µs   p90 µs`);
		console.log(
			`Ollama /api/generate                  ${fmt(quantile(o, 0.5))} ${fmt(quantile(o, 0.9))}`,
		);
		console.log(
			`OpenAI /chat (SSE)                    ${fmt(quantile(a, 0.5))} ${fmt(quantile(a, 0.9))}`,
		);
		console.log(
			`OpenAI /chat (SSE), per-chunk field   ${fmt(quantile(v, 0.5))} ${fmt(quantile(v, 0.9))}`,
		);
		ratios.push(
			`from memory, ${label}: OpenAI / Ollama ${ratio(a, o)}; with a per-chunk field ${ratio(v, o)}`,
		);
	}
	if (!compiled)
		ratios.push('from memory, compiled (dist/): not measured (run `npm run build` first)');
	const parseUs = (lines: string[]) => {
		const started = process.hrtime.bigint();
		for (let k = 0; k < 500; k++) for (const line of lines) JSON.parse(line);
		return Number(process.hrtime.bigint() - started) / 1000 / 500;
	};
	const oLines = ollamaBody().trim().split('\n');
	const aLines = openAiBody()
		.split('\n')
		.filter((l) => l.startsWith('data: {'))
		.map((l) => l.slice(6));
	console.log(
		`JSON.parse alone of the wire chunks: Ollama ${parseUs(oLines).toFixed(1)} µs, OpenAI ${parseUs(aLines).toFixed(1)} µs (OpenAI's chunks are larger: ${aLines.join('').length} vs ${oLines.join('').length} characters)`,
	);

	// Per call over loopback HTTP: the same canned replies served by one in-process server, fetched through the same HttpPort.
	const server = http.createServer((req, res) => {
		const body = req.url?.includes('chat/completions') ? openAiBody() : ollamaBody();
		res.writeHead(200, {
			'content-type': req.url?.includes('chat/completions')
				? 'text/event-stream'
				: 'application/x-ndjson',
		});
		res.end(body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const port = fetchHttpPort();
	const wire = { ...call, baseUrl: url };
	await timeCalls(() => generate(port, wire), 100);
	await timeCalls(() => chatCompletion(port, wire), 100);
	const ho: number[] = [];
	const ha: number[] = [];
	for (let r = 0; r < rounds; r++) {
		ho.push(...(await timeCalls(() => generate(port, wire), callsPerRound / 4)));
		ha.push(...(await timeCalls(() => chatCompletion(port, wire), callsPerRound / 4)));
	}
	server.close();
	ho.sort((x, y) => x - y);
	ha.sort((x, y) => x - y);
	console.log(`over loopback HTTP   median µs   p90 µs`);
	console.log(`Ollama /api/generate  ${fmt(quantile(ho, 0.5))} ${fmt(quantile(ho, 0.9))}`);
	console.log(`OpenAI /chat (SSE)    ${fmt(quantile(ha, 0.5))} ${fmt(quantile(ha, 0.9))}`);
	ratios.push(`over loopback HTTP, source (tsx): OpenAI / Ollama ${ratio(ha, ho)}`);
	console.log(
		`\n== OpenAI / Ollama transport overhead per call, side by side (target: within 1.10×) ==`,
	);
	for (const line of ratios) console.log(line);
}

if (require.main === module) void openAiTransportFigures();
