import type { DispatchConfig } from '../../../nodes/AiDispatcher/engine/decision';
import { DEFAULT_TIMEOUTS_MS } from '../../../nodes/AiDispatcher/engine/resilience/timeouts';
import { DispatcherError } from '../../../nodes/AiDispatcher/engine/errors';
import { dispatch } from '../../../nodes/AiDispatcher/engine/plan';
import { createDispatcherState } from '../../../nodes/AiDispatcher/engine/state';
import type { DispatchRequest } from '../../../nodes/AiDispatcher/engine/types';
import {
	compareVersions,
	featuresUsed,
	missingFeatures,
} from '../../../nodes/AiDispatcher/engine/versions';
import { fakePorts, scriptedOllama } from '../../support/fakes';

describe('Ollama versions the features need', () => {
	it.each([
		['0.12.6', '0.9.0', 1],
		['0.9.0', '0.9.0', 0],
		['0.8.9', '0.9.0', -1],
		['v0.33.0-rc2', '0.11.0', 1],
		['0.5', '0.5.0', 0],
	])('compareVersions(%s, %s) = %i', (a, b, expected) => {
		expect(compareVersions(a, b)).toBe(expected);
	});

	it('lists the features an item uses and those an old Ollama lacks, newest need first', () => {
		const request: DispatchRequest = {
			prompt: 'x',
			task: 'auto',
			complexity: 'auto',
			format: { type: 'jsonSchema', schema: {} },
		};
		const used = featuresUsed(request, [{ think: 'high', effort: 'high', reason: '' }], true);
		expect(used).toEqual(['thinking', 'thinkLevels', 'jsonSchema', 'tools']);
		expect(missingFeatures('0.4.7', used)).toEqual(['thinkLevels', 'thinking', 'jsonSchema']);
		expect(missingFeatures('0.10.1', used)).toEqual(['thinkLevels']);
		expect(missingFeatures('0.12.6', used)).toEqual([]);
	});

	const config: DispatchConfig = {
		baseUrls: ['http://ollama:11434'],
		models: [{ name: 'llama3.2:3b', tier: 'medium', tasks: [], options: {} }],
		timeoutsMs: DEFAULT_TIMEOUTS_MS,
		resilience: { retry: { maxRetries: 0 } },
	};
	const schemaRequest: DispatchRequest = {
		prompt: 'Extract the invoice number',
		task: 'auto',
		complexity: 'auto',
		format: { type: 'jsonSchema', schema: { type: 'object' } },
	};

	it('an item failing on an Ollama too old for a JSON schema names the version needed', async () => {
		const { ollama } = scriptedOllama({
			'llama3.2:3b': [{ fail: 'stream_error', message: 'error in stream: invalid format' }],
		});
		const error = await dispatch(
			schemaRequest,
			config,
			createDispatcherState(),
			fakePorts({ ...ollama, version: async () => '0.4.7' }),
		).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(DispatcherError);
		expect((error as DispatcherError).message).toMatch(
			/^Ollama at http:\/\/ollama:11434 is version 0\.4\.7: JSON schema output needs Ollama 0\.5\.0 or later\. The only candidate model failed: llama3\.2:3b gave an unusable reply$/,
		);
		expect((error as DispatcherError).details).toMatch(/^Attempts: 1\. llama3\.2:3b /);
		expect((error as DispatcherError).hint).toMatch(/Update Ollama to 0\.5\.0 or later/);
		expect((error as DispatcherError).attempts).toHaveLength(1);
	});

	it('leaves the error as it is on a recent Ollama, or when the version cannot be read', async () => {
		const { ollama } = scriptedOllama({
			'llama3.2:3b': [{ fail: 'http_5xx', message: 'HTTP 500' }],
		});
		const recent = await dispatch(
			schemaRequest,
			config,
			createDispatcherState(),
			fakePorts({ ...ollama, version: async () => '0.12.6' }),
		).catch((e: Error) => e);
		expect((recent as Error).message).toMatch(
			/^The only candidate model failed: llama3\.2:3b had a server error$/,
		);
		const unknown = await dispatch(
			schemaRequest,
			config,
			createDispatcherState(),
			fakePorts({
				...ollama,
				version: async () => {
					throw new Error('down');
				},
			}),
		).catch((e: Error) => e);
		expect((unknown as Error).message).toMatch(
			/^The only candidate model failed: llama3\.2:3b had a server error$/,
		);
	});
});
