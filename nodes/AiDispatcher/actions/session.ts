/**
 * What every operation of one execution shares: the credential's URLs, the engine's ports and the
 * model list discovered from Ollama (fetched at most once per execution).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readConnection, readModelList, type ConnectionSettings } from '../adapters/config';
import { CREDENTIAL_TYPE } from '../adapters/http';
import { enginePorts } from '../adapters/ports';
import type { RulesCache } from '../adapters/rules';
import { DispatcherError, TransportError } from '../engine/errors';
import type { EnginePorts } from '../engine/ports';
import { settle } from '../engine/result';
import type { DispatcherState } from '../engine/state';
import { tierDiscoveredModels } from '../engine/selection/tiers';
import type { ModelSpec } from '../engine/types';

/** Timeout for Ollama's metadata endpoints (/api/tags, /api/ps, /api/version), in milliseconds. */
export const METADATA_TIMEOUT_MS = 5_000;

export interface Session {
	ctx: IExecuteFunctions;
	ports: EnginePorts;
	/** What the process remembers across executions (breakers, signals, learned stats). */
	state: DispatcherState;
	/** Rules (JSON) parsed in this execution, by their text. */
	rulesCache: RulesCache;
	connection: ConnectionSettings;
	/** The candidate models for item `itemIndex` (Model List, or discovered from /api/tags). */
	models(itemIndex: number): Promise<ModelSpec[]>;
}

export async function openSession(ctx: IExecuteFunctions, state: DispatcherState): Promise<Session> {
	const credentials = (await ctx.getCredentials(CREDENTIAL_TYPE)) as IDataObject;
	const connection = readConnection(credentials);
	const ports = enginePorts(ctx);
	let discovered: Promise<ModelSpec[]> | undefined;

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
		state,
		rulesCache: new Map(),
		connection,
		async models(itemIndex) {
			const source = ctx.getNodeParameter('modelSource', itemIndex, 'auto');
			if (source === 'list') return readModelList(ctx, itemIndex);
			if (source !== 'auto') {
				throw new DispatcherError('CONFIG_INVALID', `modelSource should be auto or list, got ${JSON.stringify(source)}`);
			}
			discovered ??= discover();
			discovered.catch(() => (discovered = undefined));
			return await discovered;
		},
	};
}
