/**
 * actions/status.operation.ts: whether each Ollama host answers, its models and their discovered
 * tiers, which models think, what is loaded; a dead host is reported, never thrown.
 */
import * as status from '../../../nodes/AiDispatcher/actions/status.operation';
import { TransportError } from '../../../nodes/AiDispatcher/engine/errors';
import type { OllamaPort, OllamaTag } from '../../../nodes/AiDispatcher/engine/ports';
import { actionSession } from '../../support/action-session';
import { fakePorts, scriptedOllama } from '../../support/fakes';

const A = 'http://ollama-a:11434';
const B = 'http://ollama-b:11434';

const tag = (name: string, billions: number): OllamaTag => ({
	name,
	sizeBytes: billions * 1e9,
	parameterSize: `${billions}B`,
	parameterBillions: billions,
	family: 'llama',
	quantization: 'Q4_K_M',
});

const TAGS = [tag('phi3:mini', 3.8), tag('llama3.2:3b', 3.2), tag('qwen2.5:7b', 7.6)];

/** Host A answers with `TAGS` (and what `a` overrides); host B refuses connections. */
async function setup(a: Partial<OllamaPort> = {}) {
	const { ollama } = scriptedOllama({});
	const refused = async () => {
		throw new TransportError('connection', `connect ECONNREFUSED ${B}`);
	};
	const port: OllamaPort = {
		...ollama,
		version: async (url) => (url === A ? '0.12.6' : refused()),
		tags: async (url) => (url === A ? TAGS : refused()),
		ps: async (url) =>
			url === A
				? [
						{
							name: 'llama3.2:3b',
							sizeBytes: 2e9,
							sizeVramBytes: 0,
							expiresAt: '2030-01-01T00:00:00Z',
						},
					]
				: refused(),
		capabilities: async () => ['completion'],
		...a,
	};
	const { session } = await actionSession({
		credentials: { baseUrl: `${A},${B}` },
		params: { operation: 'status', useSignals: false },
		ports: fakePorts(port),
	});
	return session;
}

describe('status.execute', () => {
	it("reports the first host's version, models, loaded models and Auto-Discover tiers at the top", async () => {
		const json = await status.execute(await setup());
		expect(json).toMatchObject({
			reachable: true,
			baseUrl: A,
			version: '0.12.6',
			error: null,
			autoDiscoveredTiers: {
				low: ['phi3:mini'],
				medium: ['llama3.2:3b'],
				high: ['qwen2.5:7b'],
			},
		});
		expect((json.loaded as Array<{ name: string }>).map((l) => l.name)).toEqual(['llama3.2:3b']);
		const models = json.models as Array<{ name: string; discoveredTier: string; thinks: boolean }>;
		expect(models.map((m) => [m.name, m.discoveredTier, m.thinks])).toEqual([
			['phi3:mini', 'low', false],
			['llama3.2:3b', 'medium', false],
			['qwen2.5:7b', 'high', false],
		]);
	});

	it('reports a host that refuses as unreachable, with the error, instead of throwing', async () => {
		const json = await status.execute(await setup());
		const hosts = json.hosts as Array<Record<string, unknown>>;
		expect(hosts.map((h) => [h.baseUrl, h.reachable])).toEqual([
			[A, true],
			[B, false],
		]);
		expect(hosts[1]).toMatchObject({ version: null, models: [], loaded: [], tiers: null });
		expect(String(hosts[1].error)).toContain('ECONNREFUSED');
	});

	it('throws what is not a transport failure (a bug is not reported as a dead host)', async () => {
		const session = await setup({
			version: async () => {
				throw new TypeError('boom');
			},
		});
		await expect(status.execute(session)).rejects.toThrow('boom');
	});

	it('lists the thinking models and explains what the node does with them', async () => {
		const json = await status.execute(
			await setup({
				capabilities: async (_url, model) =>
					model === 'qwen2.5:7b' ? ['completion', 'thinking'] : ['completion'],
			}),
		);
		const thinking = json.thinking as { models: string[]; note: string | null };
		expect(thinking.models).toEqual(['qwen2.5:7b']);
		expect(thinking.note).toContain('The node decides per item');
		const qwen = (json.models as Array<{ name: string; thinks: boolean }>).find(
			(m) => m.name === 'qwen2.5:7b',
		);
		expect(qwen?.thinks).toBe(true);
	});

	it('gives no thinking note when no model thinks, and no cost without an endpoint', async () => {
		const json = await status.execute(await setup());
		expect(json.thinking).toEqual({ models: [], note: null });
		expect(json).not.toHaveProperty('cost');
		expect(json).toHaveProperty('reuse');
		expect(json).toHaveProperty('signals', { enabled: false });
	});
});
