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
 * Auto-discovery: tiers the installed models by size, relative to each other, so any set of models
 * works with zero configuration. Sorted by parameter count (then disk size): one model serves every
 * tier's first choice as `medium`; two split into low/high; three or more into thirds.
 */
export function tierDiscoveredModels(tags: OllamaTag[]): ModelSpec[] {
	const usable = tags.filter((tag) => !EMBEDDING_NAME.test(tag.name));
	const sorted = [...usable].sort(
		(a, b) => (a.parameterBillions ?? a.sizeBytes / 6e8) - (b.parameterBillions ?? b.sizeBytes / 6e8) ||
			a.sizeBytes - b.sizeBytes || a.name.localeCompare(b.name),
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
