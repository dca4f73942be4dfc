/**
 * What every operation of one execution shares: the credential's URLs, the engine's ports and the
 * model list discovered from Ollama (fetched at most once per execution; a failure is remembered
 * for `DISCOVERY_FAILURE_MEMORY_MS`, then tried again).
 */
import type { IDataObject } from 'n8n-workflow';

import type { NodeContext } from './context';
import { readConnection, readModelList, type ConnectionSettings } from './config';
import { endpointHttp, openEndpoint, withEndpoint, type OpenAiEndpoint } from './endpoint';
import { CREDENTIAL_TYPE } from './http';
import { configInvalid, show } from './fields';
import { enginePorts } from './ports';
import { reuseIdentity, type ReuseIdentity } from './reuse';
import type { RulesCache } from './rules';
import { DispatcherError } from '../engine/errors';
import { listInstalled, METADATA_TIMEOUT_MS } from '../engine/installed';
import type { EnginePorts, HttpPort } from '../engine/ports';
import { settle } from '../engine/result';
import type { DispatcherState } from '../engine/state';
import { tierDiscoveredModels } from '../engine/selection/tiers';
import type { ModelSpec } from '../engine/types';
import { listModels } from '../transport/openai/models';

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
	ctx: NodeContext;
	ports: EnginePorts;
	/** What the process remembers across executions (breakers, signals, learned stats). */
	state: DispatcherState;
	/** Rules (JSON) parsed in this execution, by their text. */
	rulesCache: RulesCache;
	connection: ConnectionSettings;
	/** Who may share reused answers (the credential's digest) and this execution's id. */
	reuse: ReuseIdentity;
	/** The OpenAI-compatible endpoint, when "Use OpenAI-Compatible Endpoint" is on. */
	endpoint?: OpenAiEndpoint;
	/** The candidate models for item `itemIndex` (Model List, or discovered from /api/tags). */
	models(itemIndex: number): Promise<ModelSpec[]>;
}

/**
 * The endpoint's models (GET /models) for Auto-Discover: their price is not known, so each is
 * marked `priceUnknown` (always tried after every other model) and tiered `high`. A failed list
 * is logged and discovery goes on with Ollama's models.
 */
export async function discoverEndpointModels(
	http: HttpPort,
	endpoint: OpenAiEndpoint,
	ports: EnginePorts,
): Promise<ModelSpec[]> {
	const listed = await settle(
		listModels(http, endpoint.baseUrl, METADATA_TIMEOUT_MS, ports.cancel),
	);
	if (!listed.ok) {
		ports.log.warn(
			"AI Dispatcher: Auto-Discover could not list the OpenAI-compatible endpoint's models; using Ollama's only",
			{ error: listed.error instanceof Error ? listed.error.message : String(listed.error) },
		);
		return [];
	}
	return listed.value.map((name) => ({
		name,
		tier: 'high' as const,
		tasks: [],
		options: {},
		backend: { kind: 'openai' as const, baseUrl: endpoint.baseUrl, priceUnknown: true },
	}));
}

export async function openSession(ctx: NodeContext, state: DispatcherState): Promise<Session> {
	const credentials = (await ctx.getCredentials(CREDENTIAL_TYPE)) as IDataObject;
	const connection = readConnection(credentials);
	const endpoint = await openEndpoint(ctx);
	const basePorts = enginePorts(ctx);
	// Calls to the endpoint's models go to /chat/completions with its credential; the rest to Ollama.
	const ports = endpoint
		? {
				...basePorts,
				ollama: withEndpoint(basePorts.ollama, endpoint, endpointHttp(ctx), basePorts.clock.nowMs),
			}
		: basePorts;
	let discovered: DiscoveryAttempt | undefined;

	const discover = async (): Promise<ModelSpec[]> => {
		const [ollama, cloud] = await Promise.all([
			settle(listInstalled(ports.ollama, connection.baseUrls, ports.cancel)),
			endpoint ? discoverEndpointModels(endpointHttp(ctx), endpoint, ports) : Promise.resolve([]),
		]);
		if (!ollama.ok && cloud.length === 0) throw ollama.error;
		const local = ollama.ok ? tierDiscoveredModels(ollama.value.tags) : [];
		// A name served by both (e.g. Ollama's own /v1) stays local.
		const models = [...local, ...cloud.filter((m) => !local.some((l) => l.name === m.name))];
		if (models.length === 0) {
			throw new DispatcherError(
				'NO_CANDIDATE',
				`Ollama at ${ollama.ok ? ollama.value.baseUrl : connection.baseUrls[0]} has no text models installed`,
				{
					hint: 'Pull one, e.g. "ollama pull llama3.2:3b", or switch Models to "Model List".',
				},
			);
		}
		return models;
	};

	return {
		ctx,
		ports,
		state,
		rulesCache: new Map(),
		connection,
		...(endpoint ? { endpoint } : {}),
		reuse: reuseIdentity(ctx, credentials, connection),
		async models(itemIndex) {
			const source = ctx.getNodeParameter('modelSource', itemIndex, 'auto');
			if (source === 'list') return readModelList(ctx, itemIndex, endpoint);
			if (source !== 'auto') {
				throw configInvalid(
					`Models should be Auto-Discover or Model List, got ${show(source)}`,
					'Pick one of the two in the Models field.',
				);
			}
			const nowMs = ports.clock.nowMs();
			if (
				discovered?.failedAtMs !== undefined &&
				nowMs - discovered.failedAtMs >= DISCOVERY_FAILURE_MEMORY_MS
			)
				discovered = undefined;
			if (!discovered) {
				const attempt: DiscoveryAttempt = { models: discover() };
				attempt.models.catch(() => (attempt.failedAtMs = ports.clock.nowMs()));
				discovered = attempt;
			}
			return await discovered.models;
		},
	};
}
