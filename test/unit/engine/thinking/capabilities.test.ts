import type { OllamaPort } from '../../../../nodes/AiDispatcher/engine/ports';
import {
	CAPABILITIES_TTL_MS,
	CapabilityStore,
	UNKNOWN_TTL_MS,
} from '../../../../nodes/AiDispatcher/engine/thinking/capabilities';
import { scriptedOllama } from '../../../support/fakes';

const URL = 'http://ollama:11434';

function withCapabilities(answer: (model: string) => Promise<string[]>): {
	ollama: OllamaPort;
	asked: string[];
} {
	const asked: string[] = [];
	const { ollama } = scriptedOllama({});
	return {
		ollama: {
			...ollama,
			capabilities: async (_url, model) => {
				asked.push(model);
				return await answer(model);
			},
		},
		asked,
	};
}

describe('CapabilityStore', () => {
	it('asks /api/show once per model, shares lookups in flight, and asks again after the TTL', async () => {
		const { ollama, asked } = withCapabilities(async (m) =>
			m === 'qwen3:8b' ? ['completion', 'thinking'] : ['completion'],
		);
		const store = new CapabilityStore();
		const [a, b] = await Promise.all([
			store.read(URL, ['qwen3:8b', 'phi3:mini'], ollama, 0),
			store.read(URL, ['qwen3:8b'], ollama, 0),
		]);
		expect(a.get('qwen3:8b')).toEqual(['completion', 'thinking']);
		expect(a.get('phi3:mini')).toEqual(['completion']);
		expect(b.get('qwen3:8b')).toEqual(['completion', 'thinking']);
		expect(asked).toEqual(['qwen3:8b', 'phi3:mini']);
		await store.read(URL, ['qwen3:8b'], ollama, CAPABILITIES_TTL_MS - 1);
		expect(asked).toHaveLength(2);
		await store.read(URL, ['qwen3:8b'], ollama, CAPABILITIES_TTL_MS);
		expect(asked).toHaveLength(3);
	});

	it('fails open: a failed lookup is unknown (null), remembered briefly, never a rejection', async () => {
		const { ollama, asked } = withCapabilities(async () => {
			throw new Error('HTTP 500');
		});
		const store = new CapabilityStore();
		expect((await store.read(URL, ['qwen3:8b'], ollama, 0)).get('qwen3:8b')).toBeNull();
		await store.read(URL, ['qwen3:8b'], ollama, UNKNOWN_TTL_MS - 1);
		expect(asked).toHaveLength(1);
		await store.read(URL, ['qwen3:8b'], ollama, UNKNOWN_TTL_MS);
		expect(asked).toHaveLength(2);
	});

	it('is unknown without a capabilities port', async () => {
		const { ollama } = scriptedOllama({});
		expect((await new CapabilityStore().read(URL, ['m'], ollama, 0)).get('m')).toBeNull();
	});

	it('is bounded: the least recently used entry goes first', async () => {
		const { ollama, asked } = withCapabilities(async () => ['completion']);
		const store = new CapabilityStore(2);
		await store.read(URL, ['a', 'b'], ollama, 0);
		await store.read(URL, ['a'], ollama, 1); // a is now the most recent
		await store.read(URL, ['c'], ollama, 2); // drops b
		expect(store.size).toBe(2);
		await store.read(URL, ['a'], ollama, 3);
		expect(asked).toEqual(['a', 'b', 'c']);
		await store.read(URL, ['b'], ollama, 4);
		expect(asked).toEqual(['a', 'b', 'c', 'b']);
	});
});
