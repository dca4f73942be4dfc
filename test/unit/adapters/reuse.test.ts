import type { IExecuteFunctions } from 'n8n-workflow';

import { readReuseConfig, reuseIdentity } from '../../../nodes/AiDispatcher/adapters/reuse';
import { readConnection } from '../../../nodes/AiDispatcher/adapters/config';
import { TEST_NODE } from '../../support/n8n-context';

function ctx(
	opts: { credentialId?: string; executionId?: string; options?: Record<string, unknown> } = {},
): IExecuteFunctions {
	const node = {
		...TEST_NODE,
		...(opts.credentialId
			? {
					credentials: {
						aiDispatcherApi: { id: opts.credentialId, name: 'AI Dispatcher account' },
					},
				}
			: {}),
	};
	return {
		getNode: () => node,
		getNodeParameter: (name: string, _i: number, fallback?: unknown) =>
			name === 'options' ? (opts.options ?? {}) : fallback,
		...(opts.executionId ? { getExecutionId: () => opts.executionId } : {}),
	} as unknown as IExecuteFunctions;
}
const credentials = { baseUrl: 'http://127.0.0.1:11434', apiKey: 'sk-very-secret' };
const connection = readConnection(credentials);

describe('reuseIdentity', () => {
	it('takes n8n’s execution id, and a fresh id per session when the context has none', () => {
		expect(reuseIdentity(ctx({ executionId: '42' }), credentials, connection).executionId).toBe(
			'42',
		);
		const a = reuseIdentity(ctx(), credentials, connection).executionId;
		const b = reuseIdentity(ctx(), credentials, connection).executionId;
		expect(a).toMatch(/^local-/);
		expect(a).not.toBe(b);
	});

	it('gives each credential (id, URLs, API key) its own scope, with no secret in it', () => {
		const scope = (c: string, creds: Record<string, string> = credentials) =>
			reuseIdentity(ctx({ credentialId: c }), creds, readConnection(creds)).scope;
		expect(scope('cred1')).toBe(scope('cred1'));
		expect(scope('cred2')).not.toBe(scope('cred1'));
		expect(scope('cred1', { ...credentials, apiKey: 'sk-other' })).not.toBe(scope('cred1'));
		expect(scope('cred1', { ...credentials, baseUrl: 'http://10.0.0.2:11434' })).not.toBe(
			scope('cred1'),
		);
		expect(scope('cred1')).not.toContain('secret');
	});
});

describe('readReuseConfig', () => {
	const identity = { scope: 's', executionId: 'e' };
	it('is within the execution only by default; one day when Reuse Answers is on; the window when set', () => {
		expect(readReuseConfig(ctx(), 0, identity)).toEqual({
			scope: 's',
			executionId: 'e',
			windowMs: 0,
		});
		expect(readReuseConfig(ctx({ options: { reuseAnswers: true } }), 0, identity).windowMs).toBe(
			24 * 3_600_000,
		);
		expect(
			readReuseConfig(ctx({ options: { reuseAnswers: true, reuseWindowMinutes: 90 } }), 0, identity)
				.windowMs,
		).toBe(90 * 60_000);
		expect(
			readReuseConfig(
				ctx({ options: { reuseAnswers: false, reuseWindowMinutes: 90 } }),
				0,
				identity,
			).windowMs,
		).toBe(0);
	});

	it('names the field and the value of a bad setting', () => {
		expect(() => readReuseConfig(ctx({ options: { reuseAnswers: 'yes' } }), 0, identity)).toThrow(
			/Options › Reuse Answers should be true or false, got "yes"/,
		);
		expect(() =>
			readReuseConfig(
				ctx({ options: { reuseAnswers: true, reuseWindowMinutes: -5 } }),
				0,
				identity,
			),
		).toThrow(/Options › Reuse Window \(Minutes\).*-5/);
	});
});
