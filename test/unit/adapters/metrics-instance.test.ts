/** The pushed `instance` label: the credential's Metrics Instance combined with the process's own label. */
import type { IExecuteFunctions } from 'n8n-workflow';

import { instanceFor, ownInstance } from '../../../nodes/AiDispatcher/adapters/metrics';
import type { ConnectionSettings } from '../../../nodes/AiDispatcher/adapters/config';
import { MetricsRecorder } from '../../../nodes/AiDispatcher/engine/metrics/recorder';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';

describe('instanceFor', () => {
	it.each<[string, string | null, string]>([
		['empty field: the process label', null, '1a2b3c4d5e6f-0000abcd'],
		['{process} replaced', 'prod-{process}', 'prod-1a2b3c4d5e6f-0000abcd'],
		[
			'every {process} replaced',
			'{process}/{process}',
			'1a2b3c4d5e6f-0000abcd/1a2b3c4d5e6f-0000abcd',
		],
		['a fixed name as it is (one n8n process)', 'n8n-main', 'n8n-main'],
	])('%s', (_name, configured, expected) => {
		expect(instanceFor(configured, '1a2b3c4d5e6f-0000abcd')).toBe(expected);
	});

	it('gives two processes sharing one credential two groups', () => {
		expect(instanceFor('prod-{process}', 'id-aaaa')).not.toBe(
			instanceFor('prod-{process}', 'id-bbbb'),
		);
	});
});

describe('ownInstance', () => {
	const ctx = { getInstanceId: () => '1a2b3c4d5e6f7a8b' } as unknown as IExecuteFunctions;
	const connection = (metricsInstance: string | null): ConnectionSettings => ({
		baseUrls: ['http://o:11434'],
		prometheusUrl: 'http://p:9090',
		pushgatewayUrl: 'http://g:9091',
		metricsInstance,
	});

	it('draws the per-process label once, before any push, and keeps it for the pushes', () => {
		const state = createDispatcherState();
		const recorder = state.metrics as MetricsRecorder;
		expect(recorder.instance).toBeNull();
		const first = ownInstance(ctx, state, connection('prod-{process}'));
		expect(first).toMatch(/^prod-1a2b3c4d5e6f-[0-9a-f]{8}$/);
		expect(ownInstance(ctx, state, connection('prod-{process}'))).toBe(first);
		expect(recorder.instance).toBe(String(first).slice('prod-'.length));
		expect(ownInstance(ctx, state, connection(null))).toBe(recorder.instance);
		expect(ownInstance(ctx, state, connection('n8n-main'))).toBe('n8n-main');
	});

	it('without a recorder: a fixed name, else unknown', () => {
		const state = createDispatcherState({ metrics: {} });
		expect(ownInstance(ctx, state, connection('n8n-main'))).toBe('n8n-main');
		expect(ownInstance(ctx, state, connection('prod-{process}'))).toBeUndefined();
		expect(ownInstance(ctx, state, connection(null))).toBeUndefined();
	});
});
