import type { OllamaTag } from '../../../../nodes/AiDispatcher/engine/ports';
import {
	familyQuality,
	tierDiscoveredModels,
	tierOrder,
} from '../../../../nodes/AiDispatcher/engine/selection/tiers';
import { parseParameterBillions } from '../../../../nodes/AiDispatcher/transport/parameterSize';

const tag = (name: string, parameterSize: string, sizeBytes = 1e9): OllamaTag => ({
	name,
	sizeBytes,
	parameterSize,
	parameterBillions: parseParameterBillions(parameterSize),
	family: 'llama',
	quantization: 'Q4_K_M',
});

describe('tierOrder (the documented fallback order)', () => {
	it.each([
		['low', ['low', 'medium', 'high']],
		['medium', ['medium', 'high', 'low']],
		['high', ['high', 'medium', 'low']],
	] as const)('%s → %j', (tier, order) => {
		expect(tierOrder(tier)).toEqual(order);
	});
});

describe('parseParameterBillions', () => {
	it.each([
		['7.6B', 7.6],
		['3.2B', 3.2],
		['494M', 0.494],
		['1.5T', 1500],
		[' 8B ', 8],
		['', null],
		['big', null],
		[undefined, null],
	])('parses %j', (text, billions) => {
		const parsed = parseParameterBillions(text);
		if (billions === null) expect(parsed).toBeNull();
		else expect(parsed).toBeCloseTo(billions, 6);
	});
});

describe('tierDiscoveredModels', () => {
	it("tiers our users' three models as the documented default list, not by list order or raw size", () => {
		const models = tierDiscoveredModels([
			tag('qwen2.5:7b', '7.6B'),
			tag('phi3:mini', '3.8B'),
			tag('llama3.2:3b', '3.2B'),
		]);
		expect(models.map((m) => [m.name, m.tier])).toEqual([
			['phi3:mini', 'low'],
			['llama3.2:3b', 'medium'],
			['qwen2.5:7b', 'high'],
		]);
	});

	it('ranks by parameters within a family, and weighs older families below current ones', () => {
		const models = tierDiscoveredModels([
			tag('qwen2.5:14b', '14.8B'),
			tag('llama2:13b', '13B'),
			tag('qwen2.5:0.5b', '494M'),
		]);
		expect(models.map((m) => [m.name, m.tier])).toEqual([
			['qwen2.5:0.5b', 'low'],
			['llama2:13b', 'medium'],
			['qwen2.5:14b', 'high'],
		]);
		expect(familyQuality('hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF:Q4_K_M')).toBe(
			familyQuality('qwen2.5:7b'),
		);
		expect(familyQuality('phi3.5:latest')).toBeGreaterThan(familyQuality('phi3:mini'));
		expect(familyQuality('somethingnew:7b')).toBeLessThan(1);
	});

	it.each([
		[1, ['medium']],
		[2, ['low', 'high']],
		[4, ['low', 'low', 'medium', 'high']],
		[6, ['low', 'low', 'medium', 'medium', 'high', 'high']],
	])('splits %d models into tiers %j', (count, tiers) => {
		const tags = Array.from({ length: count }, (_, i) => tag(`m${i}:latest`, `${i + 1}B`));
		expect(tierDiscoveredModels(tags).map((m) => m.tier)).toEqual(tiers);
	});

	it('skips embedding models and falls back to disk size when parameter_size is missing', () => {
		const models = tierDiscoveredModels([
			tag('nomic-embed-text:latest', '137M'),
			tag('big:latest', '', 9e9),
			tag('small:latest', '', 1e9),
		]);
		expect(models.map((m) => m.name)).toEqual(['small:latest', 'big:latest']);
		expect(models.map((m) => m.tier)).toEqual(['low', 'high']);
	});
});
