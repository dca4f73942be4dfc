/**
 * The simulator's HTTP server: lifecycle, routes, controls (`/__sim/*`) and the start function.
 * Requests go to completion.ts (generate/chat), listing.ts (tags/ps/show) and exposition.ts (/metrics).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import type { FaultSpec, OllamaSimulator, SimStats, SimulatorOptions } from './api';
import { Completions, type CompletionContext } from './completion';
import { metricsText } from './exposition';
import { FaultInjector } from './faults';
import { checkFieldTypes } from './go';
import { HttpError, readBody, send, sendError, sendJson } from './http';
import { isRecord } from './json';
import { psBody, showBody, tagsBody } from './listing';
import { DEFAULT_SIM_MODELS, ModelRuntime } from './models';
import { decodeBody, parseChat, parseGenerate } from './requests';
import { Scheduler } from './scheduler';
import { Telemetry } from './telemetry';
import { CONTENT_METRICS, CONTENT_TEXT, OLLAMA_VERSION } from './texts';
import { AbortedError } from './wait';

const HOST = '127.0.0.1';

type Route = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

class Simulator implements OllamaSimulator, CompletionContext {
	url = '';
	port = 0;
	private readonly server: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly requests = new Set<AbortController>();
	private readonly lifetime = new AbortController();
	private readonly runtimes = new Map<string, ModelRuntime>();
	readonly telemetry: Telemetry;
	readonly faults: FaultInjector;
	readonly scheduler: Scheduler;
	readonly timeScale: number;
	readonly defaultKeepAliveMs: number;
	private readonly completions: Completions;
	private readonly routes: Record<string, Partial<Record<string, Route>>>;
	private listening = false;
	private closed = false;

	constructor(readonly options: SimulatorOptions) {
		const models = options.models ?? DEFAULT_SIM_MODELS;
		this.timeScale = options.timeScale ?? 1;
		const keepAlive = options.keepAliveMs ?? 5 * 60_000;
		this.defaultKeepAliveMs = keepAlive < 0 ? Infinity : keepAlive;
		for (const model of models) {
			this.runtimes.set(
				model.name,
				new ModelRuntime(model, options.numParallel ?? 1, this.defaultKeepAliveMs),
			);
		}
		this.telemetry = new Telemetry(models.map((m) => m.name));
		this.faults = new FaultInjector(options.seed ?? 42);
		for (const [model, fault] of Object.entries(options.faults ?? {}))
			this.faults.set(model, fault);
		this.scheduler = new Scheduler(
			this.runtimes,
			{
				maxQueue: options.maxQueue ?? 512,
				maxLoadedModels: options.maxLoadedModels ?? 3,
				timeScale: this.timeScale,
			},
			this.telemetry,
			this.lifetime.signal,
		);
		for (const name of options.preloaded ?? []) {
			const runtime = this.findModel(name);
			if (!runtime) throw new Error(`preloaded model '${name}' is not configured`);
			this.scheduler.preload(runtime);
		}
		this.completions = new Completions(this);
		this.routes = this.buildRoutes();
		this.server = http.createServer((req, res) => void this.dispatch(req, res));
		this.server.on('connection', (socket: Socket) => {
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
	}

	// --- lifecycle ------------------------------------------------------------------------------

	async listen(port: number): Promise<void> {
		await new Promise<void>((resolve, reject) => {
			const onError = (error: Error): void => reject(error);
			this.server.once('error', onError);
			this.server.listen(port, HOST, () => {
				this.server.off('error', onError);
				resolve();
			});
		});
		this.listening = true;
		this.port = (this.server.address() as AddressInfo).port;
		this.url = `http://${HOST}:${this.port}`;
	}

	async setServerDown(down: boolean): Promise<void> {
		if (this.closed) throw new Error('simulator is closed');
		if (down && this.listening) await this.stopListening();
		else if (!down && !this.listening) await this.listen(this.port);
	}

	isClosed(): boolean {
		return this.closed;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.lifetime.abort();
		this.scheduler.stopTimers();
		for (const controller of this.requests) controller.abort();
		if (this.listening) await this.stopListening();
	}

	private async stopListening(): Promise<void> {
		this.listening = false;
		const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
		for (const socket of this.sockets) socket.destroy();
		await closed;
	}

	// --- public controls ------------------------------------------------------------------------

	setFault(model: string, fault: FaultSpec | FaultSpec[] | null): void {
		this.faults.set(model, fault);
	}

	clearFaults(): void {
		this.faults.clear();
	}

	stats(): SimStats {
		return this.telemetry.stats();
	}

	resetStats(): void {
		const active = Object.fromEntries(
			[...this.runtimes.values()].map((r) => [r.name, r.slots.active]),
		);
		this.telemetry.reset(active);
	}

	loadedModels(): string[] {
		return [...this.runtimes.values()].filter((r) => r.loaded).map((r) => r.name);
	}

	// --- routing --------------------------------------------------------------------------------

	private buildRoutes(): Record<string, Partial<Record<string, Route>>> {
		const root: Route = (_req, res) => send(res, 200, CONTENT_TEXT, 'Ollama is running');
		const version: Route = (_req, res) =>
			sendJson(res, 200, { version: this.options.version ?? OLLAMA_VERSION });
		const tags: Route = (_req, res) => sendJson(res, 200, tagsBody(this.runtimes));
		return {
			'/': { GET: root, HEAD: root },
			'/api/version': { GET: version, HEAD: version },
			'/api/tags': { GET: tags, HEAD: tags },
			'/api/ps': {
				GET: (_req, res) =>
					sendJson(res, 200, psBody(this.runtimes, this.options.gpuMemoryBytes !== undefined)),
			},
			'/api/show': { POST: (req, res) => this.handleShow(req, res) },
			'/api/generate': { POST: (req, res) => this.completions.handle(req, res, parseGenerate) },
			'/api/chat': { POST: (req, res) => this.completions.handle(req, res, parseChat) },
			'/metrics': {
				GET: (_req, res) =>
					send(
						res,
						200,
						CONTENT_METRICS,
						metricsText(this.runtimes, this.telemetry, this.options.gpuMemoryBytes),
					),
			},
			'/__sim/faults': { POST: (req, res) => this.handleSetFaults(req, res) },
			'/__sim/reset': { POST: (_req, res) => this.handleReset(res) },
			'/__sim/stats': { GET: (_req, res) => sendJson(res, 200, this.stats()) },
		};
	}

	private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const path = new URL(req.url ?? '/', 'http://localhost').pathname;
		if (!path.startsWith('/__sim/')) this.telemetry.countRequest(path);
		const methods = this.routes[path];
		const route = methods?.[req.method ?? 'GET'];
		try {
			if (!methods) send(res, 404, CONTENT_TEXT, '404 page not found');
			else if (!route) send(res, 405, CONTENT_TEXT, '405 method not allowed');
			else await route(req, res);
		} catch (error) {
			this.answerError(res, error as Error);
		}
	}

	private answerError(res: http.ServerResponse, error: Error): void {
		if (error instanceof AbortedError) {
			if (!res.writableEnded) res.destroy();
		} else if (error instanceof HttpError) {
			sendError(res, error.status, error.message);
		} else {
			sendError(res, 500, error.message);
		}
	}

	findModel(name: string): ModelRuntime | undefined {
		return (
			this.runtimes.get(name) ??
			(name.includes(':') ? undefined : this.runtimes.get(`${name}:latest`))
		);
	}

	/** Registers an in-flight request; its controller aborts when the client goes away or on close(). */
	track(res: http.ServerResponse): AbortController {
		const controller = new AbortController();
		this.requests.add(controller);
		res.on('close', () => {
			this.requests.delete(controller);
			if (!res.writableFinished) controller.abort();
		});
		if (this.closed || res.destroyed || res.socket === null || res.socket.destroyed)
			controller.abort();
		return controller;
	}

	// --- /api/show ------------------------------------------------------------------------------

	private async handleShow(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const body = decodeBody(await readBody(req), 'ShowRequest');
		checkFieldTypes(body, 'ShowRequest', { model: 'string', name: 'string' });
		const name = (body.model as string | undefined) || (body.name as string | undefined) || '';
		if (name === '') throw new HttpError(400, 'model is required');
		const runtime = this.findModel(name);
		if (!runtime) throw new HttpError(404, `model '${name}' not found`);
		sendJson(res, 200, showBody(this.runtimes, runtime));
	}

	// --- control endpoints ----------------------------------------------------------------------

	private async handleSetFaults(
		req: http.IncomingMessage,
		res: http.ServerResponse,
	): Promise<void> {
		const body = decodeBody(await readBody(req), 'SimFaults');
		if (typeof body.model !== 'string' || body.model === '')
			throw new HttpError(400, 'model is required');
		const faults = body.faults ?? null;
		if (faults !== null && !isRecord(faults) && !Array.isArray(faults)) {
			throw new HttpError(400, 'faults must be a fault, an array of faults or null');
		}
		this.setFault(body.model, faults as FaultSpec | FaultSpec[] | null);
		sendJson(res, 200, { ok: true });
	}

	private handleReset(res: http.ServerResponse): void {
		this.clearFaults();
		this.resetStats();
		sendJson(res, 200, { ok: true });
	}
}

/**
 * Starts an Ollama simulator on 127.0.0.1 and resolves once it listens.
 *
 * @example
 * const sim = await startOllamaSimulator({ timeScale: 0.01, preloaded: ['phi3:mini'] });
 * const res = await fetch(`${sim.url}/api/generate`, { method: 'POST', body: JSON.stringify({ model: 'phi3:mini', prompt: 'hi' }) });
 * await sim.close();
 */
export async function startOllamaSimulator(
	options: SimulatorOptions = {},
): Promise<OllamaSimulator> {
	const simulator = new Simulator(options);
	openSimulators.add(simulator);
	await simulator.listen(options.port ?? 0);
	return simulator;
}

/** Simulators started by this module instance (one per jest test file) and not closed yet. */
const openSimulators = new Set<Simulator>();

/**
 * Closes every simulator this test file started and did not close: the e2e setup calls it after
 * each file, so a `beforeAll` that failed half-way cannot leave a server that keeps jest from exiting.
 * Returns how many it closed.
 */
export async function closeOpenSimulators(): Promise<number> {
	const open = [...openSimulators].filter((s) => !s.isClosed());
	await Promise.all(open.map((s) => s.close()));
	openSimulators.clear();
	return open.length;
}
