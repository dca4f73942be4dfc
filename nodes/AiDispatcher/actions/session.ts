/**
 * What every operation of one execution shares: the credential's URLs, the engine's ports and the
 * model list discovered from Ollama (fetched at most once per execution; a failure is remembered
 * for `DISCOVERY_FAILURE_MEMORY_MS`, then tried again).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readConnection, readModelList, type ConnectionSettings } from '../adapters/config';
import { CREDENTIAL_TYPE } from '../adapters/http';
import { enginePorts } from '../adapters/ports';
import { DispatcherError, TransportError } from '../engine/errors';
import type { EnginePorts } from '../engine/ports';
import { settle } from '../engine/result';
import { tierDiscoveredModels } from '../engine/selection/tiers';
import type { ModelSpec } from '../engine/types';

/** Timeout for Ollama's metadata endpoints (/api/tags, /api/ps, /api/version), in milliseconds. */
export const METADATA_TIMEOUT_MS = 5_000;

/**
 * How long a failed Auto-Discover is remembered, in milliseconds: items asking within this time get
 * the same error at once instead of each paying for /api/tags again (a hanging host costs 5 s each).
 */
export const DISCOVERY_FAILURE_MEMORY_MS = 5_000;

/** One Auto-Discover in flight or done; `failedAtMs` once it failed (clock time). */
interface DiscoveryAttempt {
	models: Promise<ModelSpec[]>;
	failedAtMs?: number;
}

export interface Session {
	ctx: IExecuteFunctions;
	ports: EnginePorts;
	connection: ConnectionSettings;
	/** The candidate models for item `itemIndex` (Model List, or discovered from /api/tags). */
	models(itemIndex: number): Promise<ModelSpec[]>;
}

export async function openSession(ctx: IExecuteFunctions): Promise<Session> {
	const credentials = (await ctx.getCredentials(CREDENTIAL_TYPE)) as IDataObject;
	const connection = readConnection(credentials);
	const ports = enginePorts(ctx);
	let discovered: DiscoveryAttempt | undefined;

	/** /api/tags of the first host that answers (a dead host must not stop Auto-Discover while another is up). */
	const listTags = async () => {
		const failures: string[] = [];
		for (const baseUrl of connection.baseUrls) {
			const listed = await settle(ports.ollama.tags(baseUrl, METADATA_TIMEOUT_MS, ports.signal));
			if (listed.ok) return { baseUrl, tags: listed.value };
			if (!(listed.error instanceof TransportError)) throw listed.error;
			failures.push(`${baseUrl}/api/tags: ${listed.error.message}`);
		}
		throw new DispatcherError('OLLAMA_UNREACHABLE', `Could not list models at ${failures.join('; ')}`, {
			hint: "Auto-Discover needs Ollama to answer. Check the credential's Ollama Base URL, or use a Model List.",
		});
	};

	const discover = async (): Promise<ModelSpec[]> => {
		const { baseUrl, tags } = await listTags();
		const models = tierDiscoveredModels(tags);
		if (models.length === 0) {
			throw new DispatcherError('NO_CANDIDATE', `Ollama at ${baseUrl} has no text models installed`, {
				hint: 'Pull one, e.g. "ollama pull llama3.2:3b", or switch Models to "Model List".',
			});
		}
		return models;
	};

	return {
		ctx,
		ports,
		connection,
		async models(itemIndex) {
			const source = ctx.getNodeParameter('modelSource', itemIndex, 'auto');
			if (source === 'list') return readModelList(ctx, itemIndex);
			if (source !== 'auto') {
				throw new DispatcherError('CONFIG_INVALID', `modelSource should be auto or list, got ${JSON.stringify(source)}`);
			}
			const nowMs = ports.clock.nowMs();
			if (discovered?.failedAtMs !== undefined && nowMs - discovered.failedAtMs >= DISCOVERY_FAILURE_MEMORY_MS) discovered = undefined;
			if (!discovered) {
				const attempt: DiscoveryAttempt = { models: discover() };
				attempt.models.catch(() => (attempt.failedAtMs = ports.clock.nowMs()));
				discovered = attempt;
			}
			return await discovered.models;
		},
	};
}
