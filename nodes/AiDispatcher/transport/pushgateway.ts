/**
 * Prometheus Pushgateway: PUT the whole metric set of one group (job + instance), replacing what
 * this process pushed before. Counters are cumulative per process, as the Pushgateway expects.
 */
import { TransportError } from '../engine/errors';
import { EXPOSITION_CONTENT_TYPE } from '../engine/metrics/exposition';
import type { HttpPort } from '../engine/ports';
import { settle } from '../engine/result';
import { excerpt, readText } from './body';
import { kindForStatus, networkError } from './errors';
import { joinUrl } from './url';

/** The group URL: `<pushgateway>/metrics/job/<job>/instance/<instance>` (values URL-encoded). */
export function pushGroupUrl(pushgatewayUrl: string, job: string, instance: string): string {
	return joinUrl(
		pushgatewayUrl,
		`/metrics/job/${encodeURIComponent(job)}/instance/${encodeURIComponent(instance)}`,
	);
}

/** PUTs `text` (exposition format 0.0.4) to `groupUrl`; rejects with a classified TransportError. */
export async function pushMetrics(
	http: HttpPort,
	groupUrl: string,
	text: string,
	timeoutMs: number,
	cancel?: AbortSignal,
): Promise<void> {
	const sent = await settle(
		(async () => {
			const response = await http({
				method: 'PUT',
				url: groupUrl,
				body: text,
				headers: { 'content-type': EXPOSITION_CONTENT_TYPE },
				timeoutMs,
				abort: cancel,
			});
			return { status: response.status, text: await readText(response.body, 10_000) };
		})(),
	);
	if (!sent.ok) throw networkError(sent.error, cancel?.aborted === true);
	const { status } = sent.value;
	if (status >= 300) {
		throw new TransportError(
			kindForStatus(status),
			`Pushgateway answered HTTP ${status}: ${excerpt(sent.value.text, 160) || '(empty body)'}`,
			status,
		);
	}
}
