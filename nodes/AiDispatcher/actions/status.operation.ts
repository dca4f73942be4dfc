import type { IDataObject } from 'n8n-workflow';

import { metricsStatus } from '../adapters/metrics';
import { isTransportError } from '../engine/errors';
import { settle } from '../engine/result';
import { tierDiscoveredModels } from '../engine/selection/tiers';
import { METADATA_TIMEOUT_MS } from '../engine/installed';
import { TIERS } from '../engine/types';
import type { Session } from '../adapters/session';
import { signalsStatus, learnedStatus } from './signalsStatus';
import { reuseStatus } from './reuseStatus';

const THINKING_NOTE =
	'These models think before they answer. The node decides per item: no thinking for simple prompts, the lowest effort (or none) for medium ones, thinking (high effort) for hard ones; a Think option or a rule can fix it. A single thinking model is a valid setup: every item is still analysed and gets its own effort.';

/** Status: is each Ollama host reachable, which models it has, which are loaded. Never throws for a dead host. */
export async function execute(session: Session): Promise<IDataObject> {
	const hosts = await Promise.all(
		session.connection.baseUrls.map((baseUrl) => hostStatus(session, baseUrl)),
	);
	const first = hosts[0];
	return {
		reachable: first.reachable,
		baseUrl: first.baseUrl,
		version: first.version,
		models: first.models,
		loaded: first.loaded,
		// What "Models: Auto-Discover" would use, by tier (first host).
		autoDiscoveredTiers: first.tiers,
		thinking: first.thinking ?? null,
		error: first.error,
		hosts,
		breakers: session.state.resilience.openBreakers().map((b) => ({ ...b })),
		signals: await signalsStatus(session),
		learned: learnedStatus(session),
		// What this process learned of each host's memory: loaded models, how many it holds, load times.
		residency: residencyStatus(session),
		metrics: metricsStatus(session.state, session.connection, session.ports.clock.nowMs()),
		reuse: reuseStatus(session),
		...(session.endpoint ? { cost: costStatus(session) } : {}),
	};
}

/** Spend of the endpoint credential: today (UTC) and the latest executions, per model, exact decimals. */
function costStatus(session: Session): IDataObject {
	const endpoint = session.endpoint as NonNullable<Session['endpoint']>;
	const spend = session.state.costs.spendOf(endpoint.credential, session.ports.clock.nowMs());
	return {
		baseUrl: endpoint.baseUrl,
		currency: endpoint.currency,
		...spend,
	} as unknown as IDataObject;
}

function residencyStatus(session: Session): IDataObject {
	const hosts = session.state.residency.toJSON();
	return Object.fromEntries(
		Object.entries(hosts).map(([host, r]) => [
			host,
			{
				loaded: [...r.loaded],
				holdsModels: session.state.residency.holds(host),
				loadMs: Object.fromEntries(Object.entries(r.loadMs).map(([m, ms]) => [m, Math.round(ms)])),
				loads: r.loads,
				evictionsSeen: r.evictions,
			},
		]),
	);
}

async function hostStatus(session: Session, baseUrl: string): Promise<IDataObject> {
	const { ollama, cancel } = session.ports;
	const fetched = await settle(
		Promise.all([
			ollama.version(baseUrl, METADATA_TIMEOUT_MS, cancel),
			ollama.tags(baseUrl, METADATA_TIMEOUT_MS, cancel),
			ollama.ps(baseUrl, METADATA_TIMEOUT_MS, cancel),
		]),
	);
	if (!fetched.ok) {
		if (!isTransportError(fetched.error)) throw fetched.error;
		return {
			baseUrl,
			reachable: false,
			version: null,
			models: [],
			loaded: [],
			tiers: null,
			error: fetched.error.message,
		};
	}
	const [version, tags, loaded] = fetched.value;
	const discovered = tierDiscoveredModels(tags);
	const tiers = new Map(discovered.map((m) => [m.name, m.tier]));
	const capabilities = await session.state.capabilities.read(
		baseUrl,
		tags.map((t) => t.name),
		ollama,
		session.ports.clock.nowMs(),
		cancel,
	);
	const thinks = (name: string) => {
		const caps = capabilities.get(name);
		return caps ? caps.includes('thinking') : null;
	};
	const thinking = tags.filter((t) => thinks(t.name)).map((t) => t.name);
	return {
		baseUrl,
		reachable: true,
		version,
		models: tags.map((t) => ({
			...t,
			discoveredTier: tiers.get(t.name) ?? null,
			thinks: thinks(t.name),
		})),
		// Which models think, and what the node does with them (one model is a valid setup).
		thinking: { models: thinking, note: thinking.length > 0 ? THINKING_NOTE : null },
		loaded: loaded.map((l) => ({ ...l })),
		tiers: Object.fromEntries(
			TIERS.map((tier) => [tier, discovered.filter((m) => m.tier === tier).map((m) => m.name)]),
		),
		error: null,
	};
}
