/**
 * What every operation of one execution shares: the credential's URLs, the engine's ports and the
 * model list discovered from Ollama (fetched at most once per execution).
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readConnection, readModelList, type ConnectionSettings } from '../adapters/config';
import { CREDENTIAL_TYPE } from '../adapters/http';
import { enginePorts } from '../adapters/ports';
import type { RulesCache } from '../adapters/rules';
import { DispatcherError } from '../engine/errors';
import { listInstalled } from '../engine/installed';
import type { EnginePorts } from '../engine/ports';
import type { DispatcherState } from '../engine/state';
import { tierDiscoveredModels } from '../engine/selection/tiers';
import type { ModelSpec } from '../engine/types';

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

	const discover = async (): Promise<ModelSpec[]> => {
		const { baseUrl, tags } = await listInstalled(ports.ollama, connection.baseUrls, ports.signal);
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
