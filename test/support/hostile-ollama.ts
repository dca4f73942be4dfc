/**
 * A hostile Ollama-protocol server: `HEALTHY_MODEL` answers like Ollama, `HOSTILE_MODEL` (and
 * /api/tags, for the discovery scenarios) misbehaves in exactly one way, chosen when it starts.
 * Loopback only; `close()` ends every connection it holds, however stuck. GET /__stats gives the
 * request counts.
 *
 * As a script (its own process, so its flooding does not share the client's event loop or memory):
 *   node --import tsx test/support/hostile-ollama.ts all | <misbehaviour>,<misbehaviour>
 * starts one server per misbehaviour and prints "HOSTILE_URL <misbehaviour> <url>" for each.
 */
import http from 'node:http';
import net from 'node:net';

import { startBlackhole } from './loopback';

export const HEALTHY_MODEL = 'healthy:3b';
export const HOSTILE_MODEL = 'hostile:1b';

/** One misbehaviour per scenario (see SCENARIOS in hostile-run.ts for what each proves). */
export type Misbehaviour =
	| 'trickle-endless' // a token every 200 ms, never done: only the total deadline ends it
	| 'stall' // one token, then one every 4 s
	| 'flood' // endless 4 KiB lines, never done
	| 'huge-line' // one 40 MB line without a newline
	| 'error-body-endless' // 503 whose body never ends
	| 'absurd-usage' // a correct answer with negative, infinite and huge usage figures
	| 'wrong-types' // "response" as an object, an array or a number
	| 'error-with-done' // {"error": {"code": 500}, "done": true}
	| 'tags-huge' // a valid 20 MB /api/tags
	| 'tags-hang' // /api/tags never answers
	| 'no-headers' // accepts the request, never answers
	| 'redirect-hang' // 307 to a port that accepts and never answers
	| 'reset-after-headers' // headers and one line, then a TCP reset
	| 'utf8-split' // a correct multi-byte answer sent one byte per write
	| 'big-replies'; // correct 100 KiB answers (holds nothing afterwards?)

/** The text `HOSTILE_MODEL` answers with under 'utf8-split' and 'absurd-usage'. */
export const MULTIBYTE_TEXT = 'Grüße aus Köln — 日本語のテキスト, emoji 🚀🎉, ελληνικά.';

export interface HostileOllama {
	url: string;
	/** Generation requests received, by model. */
	generations: Record<string, number>;
	tagsRequests: number;
	close(): Promise<void>;
}

const NOW = '2026-01-01T00:00:00Z';

function line(value: unknown): string {
	return `${JSON.stringify(value)}\n`;
}

function finalLine(model: string, extra: Record<string, unknown> = {}): string {
	return line({
		model,
		created_at: NOW,
		response: '',
		done: true,
		done_reason: 'stop',
		total_duration: 50_000_000,
		load_duration: 1_000_000,
		prompt_eval_count: 10,
		prompt_eval_duration: 5_000_000,
		eval_count: 20,
		eval_duration: 40_000_000,
		...extra,
	});
}

const token = (model: string, text: string) =>
	line({ model, created_at: NOW, response: text, done: false });

function tagsBody(padToBytes = 0): string {
	const model = (name: string, size: string) => ({
		name,
		model: name,
		modified_at: NOW,
		size: 1_000_000_000,
		digest: 'sha256:0',
		details: {
			format: 'gguf',
			family: 'llama',
			parameter_size: size,
			quantization_level: 'Q4_K_M',
		},
	});
	const models = [model(HOSTILE_MODEL, '1B'), model(HEALTHY_MODEL, '3B')];
	if (padToBytes <= 0) return JSON.stringify({ models });
	// Valid JSON, as large as asked: a long list of (valid) models.
	const filler = JSON.stringify(model('filler-model-0000000:latest', '1B'));
	const count = Math.ceil(padToBytes / (filler.length + 1));
	for (let i = 0; i < count; i++)
		models.push(model(`filler-model-${String(i).padStart(7, '0')}:latest`, '1B'));
	return JSON.stringify({ models });
}

/** Starts the server with `misbehaviour`; the healthy model always answers normally. */
export async function startHostileOllama(misbehaviour: Misbehaviour): Promise<HostileOllama> {
	const sockets = new Set<net.Socket>();
	const timers = new Set<NodeJS.Timeout>();
	const generations: Record<string, number> = {};
	const state = { tagsRequests: 0, closed: false };
	const every = (ms: number, fn: () => void) => {
		const t = setInterval(fn, ms);
		timers.add(t);
		return t;
	};
	const stop = (t: NodeJS.Timeout) => {
		clearInterval(t);
		timers.delete(t);
	};

	// The port a redirect points at: it accepts connections and never answers.
	const hanging = await startBlackhole();

	const bigTags = misbehaviour === 'tags-huge' ? tagsBody(20 * 1024 * 1024) : '';

	/** Writes `chunk` and waits for the socket to drain; false once the client went away. */
	const write = (res: http.ServerResponse, chunk: string | Buffer): Promise<boolean> =>
		new Promise((resolve) => {
			if (res.destroyed || state.closed) return resolve(false);
			if (res.write(chunk)) return resolve(true);
			const done = () => {
				res.off('drain', done);
				res.off('close', done);
				resolve(!res.destroyed && !state.closed);
			};
			res.on('drain', done);
			res.on('close', done);
		});

	const healthy = async (res: http.ServerResponse, model: string, replyBytes = 0) => {
		res.writeHead(200, { 'content-type': 'application/x-ndjson' });
		if (replyBytes > 0) {
			const piece = 'x'.repeat(4096);
			for (let sent = 0; sent < replyBytes; sent += piece.length)
				if (!(await write(res, token(model, piece)))) return;
		} else {
			for (const word of ['The ', 'answer ', 'is ', 'ready.'])
				if (!(await write(res, token(model, word)))) return;
		}
		res.end(finalLine(model));
	};

	const hostile = async (
		req: http.IncomingMessage,
		res: http.ServerResponse,
		model: string,
		n: number,
	) => {
		switch (misbehaviour) {
			case 'trickle-endless': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				const t = every(200, () =>
					res.destroyed || state.closed ? stop(t) : res.write(token(model, 'drip ')),
				);
				res.on('close', () => stop(t));
				return;
			}
			case 'stall': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				res.write(token(model, 'slow '));
				const t = every(4_000, () =>
					res.destroyed || state.closed ? stop(t) : res.write(token(model, 'slow ')),
				);
				res.on('close', () => stop(t));
				return;
			}
			case 'flood': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				const piece = token(model, 'f'.repeat(4096));
				while (await write(res, piece));
				return;
			}
			case 'huge-line': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				const piece = Buffer.from('y'.repeat(64 * 1024));
				if (!(await write(res, '{"model":"hostile:1b","response":"'))) return;
				for (let sent = 0; sent < 40 * 1024 * 1024; sent += piece.length)
					if (!(await write(res, piece))) return;
				res.end('","done":true}\n');
				return;
			}
			case 'error-body-endless': {
				res.writeHead(503, { 'content-type': 'application/json' });
				await write(res, '{"error":"server busy, please try again. ');
				const piece = 'busy '.repeat(2000);
				while (await write(res, piece));
				return;
			}
			case 'absurd-usage': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				res.write(token(model, MULTIBYTE_TEXT));
				// Alternating sets of absurd figures: negative, infinite (1e400 parses to Infinity), huge, fractional.
				const absurd =
					n % 2 === 0
						? '{"done":true,"eval_count":-1,"eval_duration":1000000,"prompt_eval_count":-5,"total_duration":-1,"load_duration":-2}\n'
						: '{"done":true,"eval_count":1e308,"eval_duration":1,"prompt_eval_count":2.5,"total_duration":1e400,"load_duration":1e308}\n';
				res.end(absurd);
				return;
			}
			case 'wrong-types': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				const wrong = [{ a: 1 }, ['x', 'y'], 42][n % 3];
				res.write(line({ model, response: wrong, done: false }));
				res.end(finalLine(model, { response: wrong }));
				return;
			}
			case 'error-with-done': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				res.write(token(model, 'half an answer '));
				res.end(line({ model, error: { code: 500 }, done: true }));
				return;
			}
			case 'no-headers':
				return; // never answers; the client gives up
			case 'redirect-hang':
				res.writeHead(307, { location: `${hanging.url}${req.url ?? '/api/generate'}` });
				res.end();
				return;
			case 'reset-after-headers': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				res.write(token(model, 'about to '));
				setImmediate(() => res.socket?.resetAndDestroy?.() ?? res.socket?.destroy());
				return;
			}
			case 'utf8-split': {
				res.writeHead(200, { 'content-type': 'application/x-ndjson' });
				const bytes = Buffer.from(token(model, MULTIBYTE_TEXT) + finalLine(model));
				for (let i = 0; i < bytes.length; i++) {
					if (!(await write(res, bytes.subarray(i, i + 1)))) return;
					if (i % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
				}
				res.end();
				return;
			}
			case 'big-replies':
				return healthy(res, model, 100 * 1024);
			default:
				return healthy(res, model);
		}
	};

	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const path = (req.url ?? '/').split('?')[0];
			if (req.method === 'GET' && path === '/__stats') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ generations, tagsRequests: state.tagsRequests }));
				return;
			}
			if (req.method === 'GET' && path === '/') {
				res.writeHead(200, { 'content-type': 'text/plain' });
				res.end('Ollama is running');
				return;
			}
			if (req.method === 'GET' && path === '/api/tags') {
				state.tagsRequests++;
				if (misbehaviour === 'tags-hang') return; // never answers
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(misbehaviour === 'tags-huge' ? bigTags : tagsBody());
				return;
			}
			if (req.method === 'GET' && (path === '/api/ps' || path === '/api/version')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(path === '/api/ps' ? '{"models":[]}' : '{"version":"0.12.0"}');
				return;
			}
			if (req.method === 'POST' && (path === '/api/generate' || path === '/api/chat')) {
				let model = '';
				try {
					model = String(
						(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: unknown }).model ?? '',
					);
				} catch {
					// leave it empty: 404 below
				}
				const n = (generations[model] = (generations[model] ?? 0) + 1) - 1;
				if (model === HEALTHY_MODEL) return void healthy(res, model);
				if (model === HOSTILE_MODEL) return void hostile(req, res, model, n);
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: `model '${model}' not found` }));
				return;
			}
			res.writeHead(404);
			res.end();
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as net.AddressInfo;

	return {
		url: `http://127.0.0.1:${port}`,
		generations,
		get tagsRequests() {
			return state.tagsRequests;
		},
		async close() {
			state.closed = true;
			for (const t of timers) clearInterval(t);
			for (const socket of sockets) socket.destroy();
			await Promise.all([new Promise((resolve) => server.close(resolve)), hanging.stop()]);
		},
	};
}

/** Every misbehaviour, in the order the suite runs them. */
export const MISBEHAVIOURS: Misbehaviour[] = [
	'trickle-endless',
	'flood',
	'huge-line',
	'error-body-endless',
	'absurd-usage',
	'wrong-types',
	'error-with-done',
	'tags-huge',
	'tags-hang',
	'stall',
	'no-headers',
	'redirect-hang',
	'reset-after-headers',
	'utf8-split',
	'big-replies',
];

if (require.main === module) {
	const wanted =
		process.argv[2] === 'all' || !process.argv[2]
			? MISBEHAVIOURS
			: (process.argv[2].split(',') as Misbehaviour[]);
	Promise.all(wanted.map((m) => startHostileOllama(m))).then(
		(servers) => {
			servers.forEach((server, i) =>
				process.stdout.write(`HOSTILE_URL ${wanted[i]} ${server.url}\n`),
			);
			const stop = () =>
				void Promise.all(servers.map((server) => server.close())).then(() => process.exit(0));
			process.on('SIGTERM', stop);
			process.on('SIGINT', stop);
			process.stdin.on('end', stop); // the parent went away
			process.stdin.resume();
		},
		(error: unknown) => {
			process.stderr.write(`${String(error)}\n`);
			process.exit(1);
		},
	);
}
