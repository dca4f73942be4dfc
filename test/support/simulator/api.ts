/** The simulator's public types: models, faults, options, stats and the running simulator. */
/** A model the simulator knows, with its on-disk facts and its simulated speed. */
export interface SimModel {
	/** Full name with tag, e.g. `llama3.2:3b`. */
	name: string;
	/** Ollama's `details.parameter_size`, e.g. `"3.2B"`. */
	parameterSize: string;
	/** On-disk size in bytes (`/api/tags` `size`). */
	sizeBytes: number;
	/** `details.family`, e.g. `llama`. */
	family: string;
	/** `details.quantization_level`, e.g. `Q4_K_M`. */
	quantization: string;
	/** Cold-load time in milliseconds (before `timeScale`). */
	loadMs: number;
	/** Prefill rate (prompt tokens per second). */
	promptTokensPerS: number;
	/** Decode rate (generated tokens per second). */
	tokensPerS: number;
	/** Resident size when loaded (`/api/ps` `size`); default `sizeBytes * 1.15`. */
	vramBytes?: number;
	/** `/api/show` capabilities; default: see `tools.ts` (no `tools` for the phi3 family). `thinking` makes it think (see `thinking.ts`). */
	capabilities?: string[];
	/** Thinking tokens per reply at full effort, for a model with the `thinking` capability; default 400. */
	thinkTokens?: number;
	/** Effort levels (`think: "low" | "medium" | "high"`), as gpt-oss has; such a model cannot stop thinking. */
	thinkLevels?: boolean;
}

/** The kinds of failure the simulator can inject. See {@link FaultSpec}. */
export type FaultKind =
	| 'reset'
	| 'http500'
	| 'busy'
	| 'hang'
	| 'midstream'
	| 'truncated'
	| 'garbage'
	| 'notfound'
	| 'oom'
	| 'empty'
	| 'badjson'
	| 'slow';

/** One fault to inject into generate/chat requests for a model. */
export interface FaultSpec {
	kind: FaultKind;
	/** Probability 0..1 per request, drawn from the seeded PRNG; default 1. */
	rate?: number;
	/** For `slow`: latency multiplier, default 10. */
	factor?: number;
}

/** Options of {@link startOllamaSimulator}. */
export interface SimulatorOptions {
	/** 0 (default) = random free port; the host is always 127.0.0.1. */
	port?: number;
	/** Default: {@link DEFAULT_SIM_MODELS}. */
	models?: SimModel[];
	/** Multiplies every simulated latency; default 1; tests use e.g. 0.001..0.05. */
	timeScale?: number;
	/** Concurrent generation slots per loaded model (OLLAMA_NUM_PARALLEL), default 1. */
	numParallel?: number;
	/**
	 * OLLAMA_MAX_QUEUE, default 512. As in Ollama, it bounds the scheduler queue: requests waiting for a
	 * model that is not loaded yet (loads are serialised). Beyond it requests get the fast 503.
	 * Requests for an already loaded model wait for a slot without limit and are never rejected.
	 */
	maxQueue?: number;
	/** Default 3; the least recently used idle model is unloaded to make room. */
	maxLoadedModels?: number;
	/** Default 5 min (real time, not scaled); 0 = unload right after; negative = forever. */
	keepAliveMs?: number;
	/** Models already loaded at start. */
	preloaded?: string[];
	/** If set, `/metrics` exports DCGM_FI_DEV_FB_FREE / _USED (MiB) and `/api/ps` reports `size_vram`. */
	gpuMemoryBytes?: number;
	/** What `/api/version` reports; default the simulated Ollama's version (`texts.ts`). */
	version?: string;
	/** Seeds the PRNG used for fault rates (deterministic), default 42. */
	seed?: number;
	/** Faults per model name. */
	faults?: Record<string, FaultSpec | FaultSpec[]>;
	/** Produces the reply text; default: `"[<model>] "` + the subject (if any) and the first 12 words of the content (the last user text, past its first paragraph when it has several). */
	respond?: (req: {
		model: string;
		prompt: string;
		system?: string;
		messages?: { role: string; content: string }[];
		format?: unknown;
	}) => string;
}

/** Counters since start or the last reset. Control endpoints (`/__sim/*`) are not counted. */
export interface SimStats {
	/** HTTP requests by endpoint path. */
	requests: Record<string, number>;
	/** Generate/chat attempts by model, including faulted ones (not load-only calls). */
	generations: Record<string, number>;
	/** Requests whose behaviour a fault changed, by model. */
	faultsInjected: Record<string, number>;
	/** Highest number of requests generating at once, by model. */
	maxInFlight: Record<string, number>;
	/** Cold loads by model. */
	loads: Record<string, number>;
}

/** A running simulator. */
export interface OllamaSimulator {
	/** `http://127.0.0.1:<port>` */
	url: string;
	port: number;
	/** Replaces the faults of one model; `null` clears them. */
	setFault(model: string, fault: FaultSpec | FaultSpec[] | null): void;
	/** Clears the faults of all models. */
	clearFaults(): void;
	/** `true`: stop listening (connections refused, open ones destroyed); `false`: listen again on the same port. */
	setServerDown(down: boolean): Promise<void>;
	stats(): SimStats;
	resetStats(): void;
	/** Names of the models currently loaded. */
	loadedModels(): string[];
	/** Destroys open sockets (including hung requests) and stops every timer. */
	close(): Promise<void>;
}
