/**
 * /api/generate and /api/chat: load-only calls, injected faults, queueing for a slot, prompt
 * evaluation, token streaming and the final chunk with Ollama's metrics.
 */
import type * as http from 'node:http';

import type { FaultKind, SimulatorOptions } from './api';
import type { FaultDraw, FaultInjector } from './faults';
import { HttpError, NdjsonWriter, readBody, send, sendError, sendJson } from './http';
import type { JsonObject } from './json';
import type { ModelRuntime } from './models';
import { brokenJsonReply, defaultReply, tokenize } from './reply';
import { countPromptTokens, tokenCap, type CompletionRequest } from './requests';
import type { Scheduler } from './scheduler';
import type { Telemetry } from './telemetry';
import {
	CONTENT_JSON,
	CONTENT_NDJSON,
	ERR_BUSY,
	ERR_MIDSTREAM,
	ERR_OOM,
	ERR_RUNNER_STOPPED,
	GARBAGE_BODY,
} from './texts';
import { thinkError, thinkingPlan, thinkingTokens } from './thinking';
import { toolTurn, unsupportedToolsError } from './tools';
import { validateFormat, validateOptions, wantsJson } from './validate';
import { nowNs, nsBetween, sleep, waitForAbort } from './wait';

/** Below this timer interval, several tokens are emitted per tick. */
const MIN_TICK_MS = 2;
/** Tokens sent before a `midstream` / `truncated` fault strikes. */
const FAULT_TOKENS = 3;

/** Emits tokens on schedule: token k at `k * intervalMs`; several per tick when the interval is tiny. */
async function emitTokens(
	tokens: string[],
	intervalMs: number,
	signal: AbortSignal,
	emit: (token: string) => void,
): Promise<void> {
	const start = performance.now();
	let sent = 0;
	while (sent < tokens.length) {
		const elapsed = performance.now() - start;
		const due =
			intervalMs > 0 ? Math.min(tokens.length, Math.floor(elapsed / intervalMs)) : tokens.length;
		while (sent < due) emit(tokens[sent++]);
		if (sent >= tokens.length) break;
		const nextAt = start + (sent + 1) * intervalMs;
		await sleep(Math.max(MIN_TICK_MS, nextAt - performance.now()), signal);
	}
}

/** Timestamps of one completion request, for the final-chunk metrics. */
interface Timeline {
	start: bigint;
	loaded: bigint;
	prompted: bigint;
}

/** What a completion needs from the running simulator. */
export interface CompletionContext {
	readonly options: SimulatorOptions;
	readonly timeScale: number;
	readonly defaultKeepAliveMs: number;
	readonly telemetry: Telemetry;
	readonly faults: FaultInjector;
	readonly scheduler: Scheduler;
	findModel(name: string): ModelRuntime | undefined;
	/** Registers an in-flight request; its controller aborts when the client goes away or on close(). */
	track(res: http.ServerResponse): AbortController;
}

/** Generate and chat requests of one simulator. */
export class Completions {
	constructor(private readonly sim: CompletionContext) {}

	/** Answers one /api/generate or /api/chat request (`parse` reads its body). */
	async handle(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		parse: (raw: string) => CompletionRequest,
	): Promise<void> {
		const start = nowNs();
		const request = parse(await readBody(req));
		const runtime = this.sim.findModel(request.model);
		if (!runtime) throw new HttpError(404, `model '${request.model}' not found`);
		const controller = this.sim.track(res);
		let ok = false;
		try {
			const optionError = validateOptions(request.options);
			if (optionError) throw new HttpError(500, optionError);
			if (request.loadOnly) ok = await this.loadOnly(request, runtime, res, controller.signal);
			else ok = await this.generate(request, runtime, req, res, controller.signal, start);
		} finally {
			this.sim.telemetry.observe(runtime.name, ok, nsBetween(start, nowNs()) / 1e9);
		}
	}

	private keepAliveFor(request: CompletionRequest): number {
		return request.keepAliveMs ?? this.sim.defaultKeepAliveMs;
	}

	private async loadOnly(
		request: CompletionRequest,
		runtime: ModelRuntime,
		res: http.ServerResponse,
		signal: AbortSignal,
	): Promise<boolean> {
		let doneReason = 'unload';
		if (request.keepAliveMs === 0) {
			this.sim.scheduler.unloadWhenIdle(runtime);
		} else {
			await this.withQueued(runtime, () => this.sim.scheduler.reserve(runtime, signal, 1));
			this.sim.scheduler.release(runtime, this.keepAliveFor(request));
			doneReason = 'load';
		}
		const text =
			request.endpoint === 'chat'
				? { message: { role: 'assistant', content: '' } }
				: { response: '' };
		sendJson(res, 200, {
			model: request.model,
			created_at: new Date().toISOString(),
			...text,
			done: true,
			done_reason: doneReason,
		});
		return true;
	}

	/** Counts the request as queued (for /metrics) while `wait` runs. */
	private async withQueued(runtime: ModelRuntime, wait: () => Promise<void>): Promise<void> {
		runtime.queued++;
		try {
			await wait();
		} finally {
			runtime.queued--;
		}
	}

	private drawFault(request: CompletionRequest, model: string): FaultDraw {
		const draw = this.sim.faults.draw(model);
		if (draw.kind === 'badjson' && !wantsJson(request.format)) draw.kind = null;
		this.sim.telemetry.countGeneration(model);
		if (draw.kind !== null || draw.slowFactor !== 1) this.sim.telemetry.countFault(model);
		return draw;
	}

	/** Faults answered before scheduling. Returns true when the request has been dealt with. */
	private async injectEarlyFault(
		kind: FaultKind | null,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		request: CompletionRequest,
		signal: AbortSignal,
	): Promise<boolean> {
		switch (kind) {
			case 'reset':
				req.socket.resetAndDestroy();
				return true;
			case 'http500':
				sendError(res, 500, ERR_RUNNER_STOPPED);
				return true;
			case 'busy':
				sendError(res, 503, ERR_BUSY);
				return true;
			case 'oom':
				sendError(res, 500, ERR_OOM);
				return true;
			case 'notfound':
				sendError(res, 404, `model '${request.model}' not found`);
				return true;
			case 'garbage':
				send(res, 200, 'text/html', GARBAGE_BODY);
				return true;
			case 'hang':
				return waitForAbort(signal);
			default:
				return false;
		}
	}

	private async generate(
		request: CompletionRequest,
		runtime: ModelRuntime,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		signal: AbortSignal,
		start: bigint,
	): Promise<boolean> {
		const formatError = validateFormat(request.format);
		if (formatError) throw new HttpError(500, formatError);
		const toolsError = unsupportedToolsError(request, runtime.model);
		if (toolsError) throw new HttpError(400, toolsError);
		const thinkingError = thinkError(request.think, runtime.model);
		if (thinkingError) throw new HttpError(400, thinkingError);
		const fault = this.drawFault(request, runtime.name);
		if (await this.injectEarlyFault(fault.kind, req, res, request, signal)) return false;

		await this.withQueued(runtime, () => this.occupy(request, runtime, signal, fault.slowFactor));
		try {
			this.sim.telemetry.noteInFlight(runtime.name, runtime.slots.active);
			return await this.produce(request, runtime, fault, res, signal, start);
		} finally {
			runtime.slots.release();
			this.sim.scheduler.release(runtime, this.keepAliveFor(request));
		}
	}

	/** Reserves the model (loading it if cold) and then one of its generation slots. */
	private async occupy(
		request: CompletionRequest,
		runtime: ModelRuntime,
		signal: AbortSignal,
		loadFactor: number,
	): Promise<void> {
		await this.sim.scheduler.reserve(runtime, signal, loadFactor);
		try {
			await runtime.slots.acquire(signal);
		} catch (error) {
			this.sim.scheduler.release(runtime, this.keepAliveFor(request));
			throw error;
		}
	}

	private replyText(request: CompletionRequest, model: string, fault: FaultKind | null): string {
		if (fault === 'empty') return '';
		if (fault === 'badjson') return brokenJsonReply(request, model);
		const turn = toolTurn(request, model);
		if (turn) return turn.text;
		const { respond } = this.sim.options;
		if (!respond) return defaultReply(request, model);
		return respond({
			model,
			prompt: request.prompt,
			system: request.system,
			messages: request.messages,
			format: request.format,
		});
	}

	/** Prompt evaluation then token streaming; returns true when the reply completed normally. */
	private async produce(
		request: CompletionRequest,
		runtime: ModelRuntime,
		fault: FaultDraw,
		res: http.ServerResponse,
		signal: AbortSignal,
		start: bigint,
	): Promise<boolean> {
		const { model } = runtime;
		const loaded = nowNs();
		const cap = tokenCap(request.options);
		// Thinking comes first and counts against num_predict, as in Ollama.
		const thoughts = thinkingTokens(
			Math.min(cap, thinkingPlan(request.think, model).tokens),
			request.prompt,
		);
		let tokens = tokenize(this.replyText(request, model.name, fault.kind));
		let doneReason = 'stop';
		if (thoughts.length + tokens.length > cap) {
			tokens = tokens.slice(0, cap - thoughts.length);
			doneReason = 'length';
		}
		if (fault.kind === 'midstream' || fault.kind === 'truncated')
			tokens = tokens.slice(0, FAULT_TOKENS);
		const scale = this.sim.timeScale * fault.slowFactor;
		const promptTokens = countPromptTokens(request);
		await sleep((promptTokens / model.promptTokensPerS) * 1000 * scale, signal);
		const timeline: Timeline = { start, loaded, prompted: nowNs() };

		const writer = new NdjsonWriter(res);
		const emit = request.stream
			? (token: string) => writer.line(this.chunk(request, token))
			: () => undefined;
		const think = request.stream
			? (token: string) => writer.line(this.thinkingChunk(request, token))
			: () => undefined;
		await emitTokens(thoughts, (1000 / model.tokensPerS) * scale, signal, think);
		await emitTokens(tokens, (1000 / model.tokensPerS) * scale, signal, emit);
		const toolCalls = toolTurn(request, model.name)?.toolCalls;
		if (toolCalls && request.stream)
			writer.line({
				...this.chunk(request, ''),
				message: { role: 'assistant', content: '', tool_calls: toolCalls },
			});

		if (fault.kind === 'midstream') return this.failMidstream(request, writer, res);
		if (fault.kind === 'truncated') return this.truncate(request, tokens, writer, res);
		const final = this.finalChunk(request, tokens, doneReason, promptTokens, timeline, thoughts);
		if (toolCalls && !request.stream)
			final.message = { role: 'assistant', content: '', tool_calls: toolCalls };
		if (request.stream) {
			writer.line(final);
			writer.end();
		} else {
			sendJson(res, 200, final);
		}
		return true;
	}

	private chunk(request: CompletionRequest, token: string): JsonObject {
		const base = { model: request.model, created_at: new Date().toISOString() };
		if (request.endpoint === 'chat')
			return { ...base, message: { role: 'assistant', content: token }, done: false };
		return { ...base, response: token, done: false };
	}

	/** A streamed line of thinking: the text in `thinking` / `message.thinking`, the answer's field empty. */
	private thinkingChunk(request: CompletionRequest, token: string): JsonObject {
		const base = { model: request.model, created_at: new Date().toISOString() };
		if (request.endpoint === 'chat')
			return { ...base, message: { role: 'assistant', content: '', thinking: token }, done: false };
		return { ...base, response: '', thinking: token, done: false };
	}

	private finalChunk(
		request: CompletionRequest,
		tokens: string[],
		doneReason: string,
		promptTokens: number,
		t: Timeline,
		thoughts: string[] = [],
	): JsonObject {
		const end = nowNs();
		const text = request.stream ? '' : tokens.join('');
		// Non-streamed: the whole thinking text rides on the one object, apart from the answer.
		const thinking = !request.stream && thoughts.length > 0 ? { thinking: thoughts.join('') } : {};
		const metrics = {
			total_duration: nsBetween(t.start, end),
			load_duration: nsBetween(t.start, t.loaded),
			prompt_eval_count: promptTokens,
			prompt_eval_duration: nsBetween(t.loaded, t.prompted),
			eval_count: thoughts.length + tokens.length,
			eval_duration: nsBetween(t.prompted, end),
		};
		const head = { model: request.model, created_at: new Date().toISOString() };
		if (request.endpoint === 'chat') {
			return {
				...head,
				message: { role: 'assistant', content: text, ...thinking },
				done_reason: doneReason,
				done: true,
				...metrics,
			};
		}
		const context = Array.from(
			{ length: promptTokens + thoughts.length + tokens.length },
			(_, i) => ((i * 7919) % 32000) + 1,
		);
		return {
			...head,
			response: text,
			...thinking,
			done: true,
			done_reason: doneReason,
			context,
			...metrics,
		};
	}

	/** Error after output started: a trailing `{"error":...}` line; before: a real 500. */
	private failMidstream(
		request: CompletionRequest,
		writer: NdjsonWriter,
		res: http.ServerResponse,
	): boolean {
		if (request.stream && writer.started) {
			writer.line({ error: ERR_MIDSTREAM });
			writer.end();
		} else {
			sendError(res, 500, ERR_MIDSTREAM);
		}
		return false;
	}

	/** The reply stops early without a `done:true` line (or, non-streamed, with half a JSON body). */
	private truncate(
		request: CompletionRequest,
		tokens: string[],
		writer: NdjsonWriter,
		res: http.ServerResponse,
	): boolean {
		if (request.stream) {
			if (!writer.started) res.writeHead(200, { 'Content-Type': CONTENT_NDJSON });
			writer.end();
		} else {
			const full = JSON.stringify(this.chunk(request, tokens.join('')));
			res.writeHead(200, { 'Content-Type': CONTENT_JSON });
			res.end(full.slice(0, Math.ceil(full.length / 2)));
		}
		return false;
	}
}
