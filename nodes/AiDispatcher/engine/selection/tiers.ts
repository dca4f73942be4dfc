import type { OllamaTag } from '../ports';
import type { ModelSpec, Tier } from '../types';
import { TIERS } from '../types';

/**
 * The documented fallback order: the requested tier, then the nearest tiers; at equal distance the
 * stronger tier comes first (a weaker answer is worse than a slower one).
 * low → low, medium, high · medium → medium, high, low · high → high, medium, low.
 */
export function tierOrder(target: Tier): Tier[] {
	const index = TIERS.indexOf(target);
	return [...TIERS].sort((a, b) => {
		const da = Math.abs(TIERS.indexOf(a) - index);
		const db = Math.abs(TIERS.indexOf(b) - index);
		return da !== db ? da - db : TIERS.indexOf(b) - TIERS.indexOf(a);
	});
}

/** Index of a tier, 0 = low. */
export function tierRank(tier: Tier): number {
	return TIERS.indexOf(tier);
}

/** Names of models that cannot generate text (embedding models), skipped by auto-discovery. */
const EMBEDDING_NAME = /(?:^|[-_/:])(?:embed|embedding|bge|minilm|e5)(?:[-_:.]|$)/i;

/**
 * How much answer quality a family gets out of each billion parameters, relative to current
 * instruction-tuned models (1.0). Parameter count alone ranks phi3:mini (3.8B) above llama3.2:3b
 * (3.2B), yet llama3.2 follows instructions, structure and tone better: it is the documented medium
 * model. Keys are name prefixes (the part before ":"); the longest match wins; unknown families 0.9.
 */
const FAMILY_QUALITY: Readonly<Record<string, number>> = {
	tinyllama: 0.4,
	phi: 0.5,
	phi3: 0.7,
	'phi3.5': 0.75,
	phi4: 1,
	llama2: 0.55,
	llama3: 0.85,
	'llama3.1': 0.95,
	'llama3.2': 1,
	'llama3.3': 1,
	gemma: 0.65,
	gemma2: 0.9,
	gemma3: 1,
	mistral: 0.8,
	'mistral-nemo': 0.9,
	mixtral: 0.85,
	qwen: 0.7,
	qwen2: 0.9,
	'qwen2.5': 1,
	qwen3: 1.05,
	'deepseek-r1': 1,
	codellama: 0.7,
};
const UNKNOWN_FAMILY_QUALITY = 0.9;

/** The family factor for a model name such as "qwen2.5:7b" or "hf.co/org/Qwen2.5-7B-Instruct". */
export function familyQuality(name: string): number {
	const base = (name.split(':')[0].split('/').pop() ?? '').toLowerCase();
	let best = '';
	for (const family of Object.keys(FAMILY_QUALITY)) {
		if (base.startsWith(family) && family.length > best.length) best = family;
	}
	return best === '' ? UNKNOWN_FAMILY_QUALITY : FAMILY_QUALITY[best];
}

/** Billions of parameters, or an estimate from the disk size (about 0.6 GB per billion at Q4). */
function billions(tag: OllamaTag): number {
	return tag.parameterBillions ?? tag.sizeBytes / 6e8;
}

/**
 * Auto-discovery: tiers the installed models relative to each other, so any set of models works
 * with zero configuration. Ranked by capability (parameters × family quality, then parameters,
 * then disk size): one model serves every tier's first choice as `medium`; two split into low/high;
 * three or more into thirds. phi3:mini, llama3.2:3b, qwen2.5:7b → low, medium, high.
 */
export function tierDiscoveredModels(tags: OllamaTag[]): ModelSpec[] {
	const usable = tags.filter((tag) => !EMBEDDING_NAME.test(tag.name));
	const capability = (tag: OllamaTag) => billions(tag) * familyQuality(tag.name);
	const sorted = [...usable].sort(
		(a, b) =>
			capability(a) - capability(b) ||
			billions(a) - billions(b) ||
			a.sizeBytes - b.sizeBytes ||
			a.name.localeCompare(b.name),
	);
	return sorted.map((tag, index) => ({
		name: tag.name,
		tier: discoveredTier(index, sorted.length),
		tasks: [],
		options: {},
		sizeBytes: tag.sizeBytes,
		parameterBillions: tag.parameterBillions ?? undefined,
	}));
}

function discoveredTier(index: number, count: number): Tier {
	if (count === 1) return 'medium';
	if (count === 2) return index === 0 ? 'low' : 'high';
	const third = Math.floor((index * 3) / count);
	return TIERS[Math.min(2, third)];
}
