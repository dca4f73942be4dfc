/** Prometheus's HTTP API as the harness reads it: instant queries, waiting for a series, its own query counter. */
import { PrometheusQueryError } from './api';
import { sleep } from './processes';

export async function fetchWithTimeout(url: string, timeoutMs: number): Promise<Response> {
	return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
}

interface PromEnvelope {
	status?: string;
	data?: { resultType?: string; result?: unknown } & Record<string, unknown>;
	errorType?: string;
	error?: string;
}

export async function promQuery(
	baseUrl: string,
	promql: string,
): Promise<{ resultType?: string; result: unknown }> {
	const url = `${baseUrl}/api/v1/query?query=${encodeURIComponent(promql)}`;
	let res: Response;
	try {
		res = await fetchWithTimeout(url, 30_000);
	} catch (err) {
		throw new PrometheusQueryError(
			`Prometheus query request failed: ${(err as Error).message}${
				(err as { cause?: { code?: string } }).cause?.code
					? ` (${(err as { cause: { code: string } }).cause.code})`
					: ''
			}`,
			undefined,
			undefined,
		);
	}
	const text = await res.text();
	let body: PromEnvelope;
	try {
		body = JSON.parse(text) as PromEnvelope;
	} catch {
		throw new PrometheusQueryError(
			`Prometheus returned non-JSON (HTTP ${res.status}): ${text.slice(0, 500)}`,
			undefined,
			res.status,
		);
	}
	if (body.status !== 'success') {
		throw new PrometheusQueryError(
			`Prometheus query failed (HTTP ${res.status}, ${body.errorType ?? 'unknown'}): ${body.error ?? text.slice(0, 500)}`,
			body.errorType,
			res.status,
		);
	}
	return { resultType: body.data?.resultType, result: body.data?.result };
}

export function isNonEmptyVector(r: { resultType?: string; result: unknown }): boolean {
	return (
		(r.resultType === 'vector' || r.resultType === 'matrix') &&
		Array.isArray(r.result) &&
		r.result.length > 0
	);
}

/** Sums `prometheus_http_requests_total{handler="/api/v1/query"}` over all codes in exposition text. */
export function sumQueryRequests(exposition: string): number {
	let total = 0;
	for (const line of exposition.split('\n')) {
		if (!line.startsWith('prometheus_http_requests_total{')) continue;
		const close = line.lastIndexOf('}');
		const labels = line.slice('prometheus_http_requests_total{'.length, close);
		if (!/(^|,)handler="\/api\/v1\/query"(,|$)/.test(labels)) continue;
		const value = Number(
			line
				.slice(close + 1)
				.trim()
				.split(/\s+/)[0],
		);
		if (Number.isFinite(value)) total += value;
	}
	return total;
}

// ---------------------------------------------------------------------------------------------

/** Polls until `promql` returns a non-empty vector or matrix; throws with the last result after `timeoutMs`. */
export async function waitForSeries(url: string, promql: string, timeoutMs: number): Promise<void> {
	const end = Date.now() + timeoutMs;
	let last = 'no answer yet';
	for (;;) {
		try {
			const r = await promQuery(url, promql);
			if (isNonEmptyVector(r)) return;
			last = `${r.resultType}: ${JSON.stringify(r.result)}`;
		} catch (err) {
			last = (err as Error).message;
		}
		if (Date.now() + 100 > end) {
			throw new Error(
				`waitForSeries(${promql}) timed out after ${timeoutMs} ms; last result: ${last}`,
			);
		}
		await sleep(100);
	}
}

/** The instant queries Prometheus at `url` has served so far, from its own /metrics (see PrometheusHarness.queryCount). */
export async function queryCount(url: string): Promise<number> {
	// The counter is incremented by the instrumentation wrapper right after the handler returns,
	// which can be a hair after the client has the response; re-read until two reads agree.
	const read = async () => {
		const res = await fetchWithTimeout(`${url}/metrics`, 5000);
		if (res.status !== 200) throw new Error(`GET ${url}/metrics: HTTP ${res.status}`);
		return sumQueryRequests(await res.text());
	};
	let prev = await read();
	const end = Date.now() + 2000;
	for (;;) {
		await sleep(30);
		const cur = await read();
		if (cur === prev || Date.now() > end) return cur;
		prev = cur;
	}
}
