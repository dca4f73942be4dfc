/**
 * Prometheus' HTTP API over an HttpPort: instant queries only, replies parsed and checked on
 * arrival. Sample values arrive as strings; "NaN", "+Inf" and "-Inf" become `null` (unknown), never
 * 0. Failures are `TransportError`s whose message names Prometheus' `errorType` when it sent one.
 */
import { TransportError } from '../engine/errors';
import type { HttpPort, PromQueryResult, PromSample, PrometheusPort } from '../engine/ports';
import { parseJson, settle } from '../engine/result';
import { excerpt, MAX_ERROR_BODY_CHARS, readAll, readText } from './body';
import { kindForStatus, networkError } from './errors';
import { joinUrl } from './url';

/** The longest query reply accepted, in characters; a longer one fails as `too_large` (the signal is then unknown). */
export const MAX_PROMETHEUS_REPLY_CHARS = 4_000_000;

/** Queries whose GET URL would be longer than this many characters are sent as a POST form. */
export const MAX_GET_URL_CHARS = 2_000;

export interface InstantQueryOptions {
	/** Force a method; by default GET, or POST (form body) for long queries. */
	method?: 'GET' | 'POST';
}

/** Builds the PrometheusPort the engine uses, on top of any HttpPort. */
export function createPrometheusClient(http: HttpPort): PrometheusPort {
	return {
		query: (baseUrl, promql, timeoutMs, cancel) =>
			instantQuery(http, baseUrl, promql, timeoutMs, cancel),
	};
}

/** Prometheus' `timeout=` parameter: the server gives up a little before we do. */
function serverTimeout(timeoutMs: number): string {
	return `${Math.max(1, Math.floor(timeoutMs * 0.9))}ms`;
}

/** GET|POST /api/v1/query → a typed vector or scalar. */
export async function instantQuery(
	http: HttpPort,
	baseUrl: string,
	promql: string,
	timeoutMs: number,
	cancel?: AbortSignal,
	options: InstantQueryOptions = {},
): Promise<PromQueryResult> {
	const form = new URLSearchParams({ query: promql, timeout: serverTimeout(timeoutMs) }).toString();
	const getUrl = `${joinUrl(baseUrl, '/api/v1/query')}?${form}`;
	const method = options.method ?? (getUrl.length > MAX_GET_URL_CHARS ? 'POST' : 'GET');
	const fetched = await settle(
		(async () => {
			const response =
				method === 'GET'
					? await http({ method, url: getUrl, timeoutMs, abort: cancel })
					: await http({
							method,
							url: joinUrl(baseUrl, '/api/v1/query'),
							body: form,
							headers: { 'content-type': 'application/x-www-form-urlencoded' },
							timeoutMs,
							abort: cancel,
						});
			const text =
				response.status >= 300
					? await readText(response.body, MAX_ERROR_BODY_CHARS)
					: await readAll(response.body, MAX_PROMETHEUS_REPLY_CHARS, 'Prometheus');
			return { status: response.status, text };
		})(),
	);
	if (!fetched.ok) throw networkError(fetched.error, cancel?.aborted === true);
	return parseQueryReply(fetched.value.status, fetched.value.text);
}

interface Envelope {
	status?: unknown;
	data?: { resultType?: unknown; result?: unknown };
	errorType?: unknown;
	error?: unknown;
}

/** Parses one reply of /api/v1/query (any status) into a result, or throws a classified error. */
export function parseQueryReply(status: number, text: string): PromQueryResult {
	const parsed = parseJson(text);
	const envelope =
		parsed.ok && parsed.value && typeof parsed.value === 'object'
			? (parsed.value as Envelope)
			: undefined;
	if (envelope?.status === 'error') {
		const type = typeof envelope.errorType === 'string' ? envelope.errorType : 'unknown';
		const message = typeof envelope.error === 'string' ? envelope.error : '(no message)';
		const httpStatus = status >= 300 ? status : undefined;
		throw new TransportError(
			errorKind(type, status),
			`Prometheus ${type} error${httpStatus ? ` (HTTP ${status})` : ''}: ${message}`,
			httpStatus,
		);
	}
	if (status >= 300) {
		throw new TransportError(
			kindForStatus(status),
			`Prometheus answered HTTP ${status}: ${excerpt(text, 160) || '(empty body)'}`,
			status,
		);
	}
	if (!envelope)
		throw new TransportError('garbage', `Prometheus did not return JSON: "${excerpt(text, 80)}"`);
	if (envelope.status !== 'success' || !envelope.data || typeof envelope.data !== 'object') {
		throw new TransportError(
			'garbage',
			`Prometheus reply has no status "success" and data: "${excerpt(text, 80)}"`,
		);
	}
	const { resultType, result } = envelope.data;
	if (resultType === 'scalar') return { resultType, samples: [sample({}, result)] };
	if (resultType === 'vector') {
		if (!Array.isArray(result))
			throw new TransportError('garbage', 'Prometheus vector result is not an array');
		return { resultType, samples: result.map((entry) => vectorSample(entry)) };
	}
	throw new TransportError(
		'bad_request',
		`Prometheus returned a ${String(resultType)} result; an instant query must give a vector or scalar (no range selector outside a function)`,
	);
}

function errorKind(errorType: string, status: number): TransportError['kind'] {
	if (errorType === 'timeout') return 'timeout';
	if (errorType === 'bad_data' || errorType === 'execution') return 'bad_request';
	if (errorType === 'unavailable') return 'busy';
	return status >= 300 ? kindForStatus(status) : 'http_5xx';
}

function vectorSample(entry: unknown): PromSample {
	if (!entry || typeof entry !== 'object')
		throw new TransportError('garbage', 'Prometheus vector sample is not an object');
	const { metric, value } = entry as { metric?: unknown; value?: unknown };
	const labels: Record<string, string> = {};
	if (metric && typeof metric === 'object') {
		for (const [key, label] of Object.entries(metric as Record<string, unknown>)) {
			if (typeof label === 'string') labels[key] = label;
		}
	}
	return sample(labels, value);
}

/** `[<unix seconds>, "<value>"]` → a sample; special floats become null. */
function sample(labels: Record<string, string>, pair: unknown): PromSample {
	if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[1] !== 'string') {
		throw new TransportError(
			'garbage',
			`Prometheus sample value is not [time, "value"]: ${excerpt(JSON.stringify(pair) ?? '', 60)}`,
		);
	}
	const raw = pair[1];
	const value = parseSampleValue(raw);
	if (value === undefined)
		throw new TransportError(
			'garbage',
			`Prometheus sample value "${excerpt(raw, 40)}" is not a number`,
		);
	return value === null ? { labels, value, raw } : { labels, value };
}

/** Go's float formatting → number; null for NaN/±Inf; undefined for anything else. */
export function parseSampleValue(raw: string): number | null | undefined {
	if (raw === 'NaN' || raw === '+Inf' || raw === '-Inf' || raw === 'Inf') return null;
	if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(raw.trim())) return undefined;
	const n = Number(raw);
	return Number.isFinite(n) ? n : null;
}
