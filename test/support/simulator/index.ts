/**
 * An in-process simulator of the native Ollama HTTP API, for unit tests, benchmarks and `npm start`.
 *
 * It reproduces the wire format, error texts, queueing and latencies documented in
 * `/work/shared/reference/ollama-and-prometheus-api.md` (sections 1, 2, 5 and 6): NDJSON streaming,
 * final-chunk metrics in integer nanoseconds, `load_duration` that includes the queue wait,
 * `OLLAMA_NUM_PARALLEL` slots, the `OLLAMA_MAX_QUEUE` 503, keep-alive and LRU unloading.
 * On top of that it injects faults per model, exports Prometheus metrics derived from its live state,
 * and offers `/__sim/*` control endpoints for other processes.
 *
 * Node standard library only. One file per concern:
 * - api.ts         the public types (models, faults, options, stats, the running simulator)
 * - server.ts      lifecycle, routes, `/__sim/*` controls, {@link startOllamaSimulator}
 * - completion.ts  /api/generate and /api/chat: faults, queueing, prefill, streaming, final chunk
 * - requests.ts    request parsing; go.ts Go decoder texts and durations; validate.ts options/format
 * - reply.ts       the reply text; tools.ts tool calling; thinking.ts thinking; faults.ts the fault draw
 * - scheduler.ts   loading, queue and keep-alive; models.ts the models and their live state
 * - listing.ts     /api/tags, /api/ps, /api/show; exposition.ts /metrics; telemetry.ts the counters
 * - http.ts, wait.ts, texts.ts, json.ts  plumbing
 * - openai.ts      a separate OpenAI-compatible endpoint (/v1/models, /v1/chat/completions, SSE)
 *
 * @packageDocumentation
 */
export type {
	FaultKind,
	FaultSpec,
	OllamaSimulator,
	SimModel,
	SimStats,
	SimulatorOptions,
} from './api';
export { DEFAULT_SIM_MODELS, THINKING_SIM_MODELS } from './models';
export { closeOpenSimulators, startOllamaSimulator } from './server';
export {
	simTokens,
	startOpenAiSimulator,
	type OpenAiFault,
	type OpenAiSimulator,
	type OpenAiSimOptions,
} from './openai';
