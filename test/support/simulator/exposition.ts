/** The simulator's /metrics: exporter-style series derived from its live state, in Prometheus text format. */
import type { ModelRuntime } from './models';
import { HISTOGRAM_BUCKETS, type Telemetry } from './telemetry';

const MIB = 1024 * 1024;

type Runtimes = Map<string, ModelRuntime>;

function labels(pairs: Record<string, string>): string {
	const body = Object.entries(pairs)
		.map(
			([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
		)
		.join(',');
	return `{${body}}`;
}

/** Builds a Prometheus text-format family: HELP, TYPE and the sample lines. */
function metricFamily(name: string, type: string, help: string, samples: string[]): string[] {
	return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples];
}

/** The whole /metrics body; DCGM GPU series only when the simulator has `gpuMemoryBytes`. */
export function metricsText(
	runtimeMap: Runtimes,
	telemetry: Telemetry,
	gpuMemoryBytes: number | undefined,
): string {
	const runtimes = [...runtimeMap.values()];
	const perModel = (value: (r: ModelRuntime) => number): string[] =>
		runtimes.map((r) => `${labels({ model: r.name })} ${value(r)}`);
	const named = (name: string, lines: string[]): string[] => lines.map((line) => `${name}${line}`);
	const lines = [
		...metricFamily('ollama_up', 'gauge', 'Whether the Ollama server is up.', ['ollama_up 1']),
		...metricFamily(
			'ollama_requests_in_flight',
			'gauge',
			'Requests generating right now.',
			named(
				'ollama_requests_in_flight',
				perModel((r) => r.slots.active),
			),
		),
		...metricFamily(
			'ollama_requests_queued',
			'gauge',
			'Requests waiting for a model load or a generation slot.',
			named(
				'ollama_requests_queued',
				perModel((r) => r.queued),
			),
		),
		...metricFamily(
			'ollama_requests_total',
			'counter',
			'Finished generate/chat requests.',
			requestTotals(runtimeMap, telemetry),
		),
		...metricFamily(
			'ollama_request_duration_seconds',
			'histogram',
			'Wall time of generate/chat requests.',
			runtimes.flatMap((r) => histogramLines(telemetry, r.name)),
		),
		...metricFamily(
			'ollama_model_loaded',
			'gauge',
			'1 when the model is loaded.',
			named(
				'ollama_model_loaded',
				perModel((r) => (r.loaded ? 1 : 0)),
			),
		),
		...metricFamily(
			'ollama_model_vram_bytes',
			'gauge',
			'Resident size of the loaded model.',
			named(
				'ollama_model_vram_bytes',
				perModel((r) => (r.loaded ? r.vramBytes : 0)),
			),
		),
		...gpuLines(runtimes, gpuMemoryBytes),
	];
	return `${lines.join('\n')}\n`;
}

function requestTotals(runtimes: Runtimes, telemetry: Telemetry): string[] {
	return [...runtimes.keys()].flatMap((model) => {
		const c = telemetry.countersFor(model);
		return [
			`ollama_requests_total${labels({ model, status: 'ok' })} ${c.ok}`,
			`ollama_requests_total${labels({ model, status: 'error' })} ${c.error}`,
		];
	});
}

function histogramLines(telemetry: Telemetry, model: string): string[] {
	const c = telemetry.countersFor(model);
	const name = 'ollama_request_duration_seconds';
	return [
		...HISTOGRAM_BUCKETS.map(
			(le, i) => `${name}_bucket${labels({ model, le: String(le) })} ${c.buckets[i]}`,
		),
		`${name}_bucket${labels({ model, le: '+Inf' })} ${c.count}`,
		`${name}_sum${labels({ model })} ${c.sum}`,
		`${name}_count${labels({ model })} ${c.count}`,
	];
}

function gpuLines(runtimes: ModelRuntime[], total: number | undefined): string[] {
	if (total === undefined) return [];
	const usedBytes = runtimes.filter((r) => r.loaded).reduce((sum, r) => sum + r.vramBytes, 0);
	const used = Math.round(usedBytes / MIB);
	const free = Math.max(0, Math.round(total / MIB) - used);
	const gpu = labels({ gpu: '0' });
	return [
		...metricFamily('DCGM_FI_DEV_FB_FREE', 'gauge', 'Framebuffer memory free (in MiB).', [
			`DCGM_FI_DEV_FB_FREE${gpu} ${free}`,
		]),
		...metricFamily('DCGM_FI_DEV_FB_USED', 'gauge', 'Framebuffer memory used (in MiB).', [
			`DCGM_FI_DEV_FB_USED${gpu} ${used}`,
		]),
	];
}
