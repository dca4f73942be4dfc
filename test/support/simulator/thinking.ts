/**
 * Thinking for the Ollama simulator (completion.ts calls these), as Ollama does it (reference §1.2):
 *
 * - a model thinks when `/api/show` lists the `thinking` capability; omitting `think` leaves it on
 *   (Ollama's default for such models), `think: false` turns it off;
 * - `think: true` (or a level) on a model without the capability fails with HTTP 400
 *   `"<model>" does not support thinking`; a `think` that is neither a bool nor a level is a 400 too;
 * - models with effort levels (gpt-oss-like, `thinkLevels`) think `"low"`/`"medium"`/`"high"` (and
 *   `"max"`, as much as `"high"`): a quarter, five eighths and all of `thinkTokens`; `true` means
 *   `"medium"`; they cannot stop thinking, so `false` thinks at `"low"` (simulator assumption);
 * - models without levels think `thinkTokens` tokens for `true` or any level;
 * - the thinking text streams before the answer, in `thinking` (generate) or `message.thinking`
 *   (chat), never in `response`/`message.content`; `eval_count` counts its tokens.
 *
 * Node standard library only.
 */
import type { SimModel } from './api';

/** Thinking tokens of a thinking model per full-effort reply, unless the model says otherwise. */
export const DEFAULT_THINK_TOKENS = 400;

const LEVEL_SHARE: Record<string, number> = { low: 0.25, medium: 0.625, high: 1, max: 1 };

/** How a request's `think` came out for a model: how many thinking tokens, at which effort. */
export interface ThinkingPlan {
	tokens: number;
	/** `off`, `on` (no levels) or the level used. */
	effort: string;
}

/** True when the model lists the `thinking` capability. */
export function thinks(model: Pick<SimModel, 'capabilities'>): boolean {
	return model.capabilities?.includes('thinking') === true;
}

/** The HTTP 400 error text for a `think` the model or Ollama refuses, else null. */
export function thinkError(
	think: unknown,
	model: Pick<SimModel, 'name' | 'capabilities'>,
): string | null {
	if (think === undefined || think === null) return null;
	if (typeof think !== 'boolean' && !(typeof think === 'string' && think in LEVEL_SHARE)) {
		return `invalid think value: ${JSON.stringify(think)} (must be "high", "medium", "low", true, or false)`;
	}
	if (think !== false && !thinks(model)) return `"${model.name}" does not support thinking`;
	return null;
}

/** How much `model` thinks for a request whose `think` passed {@link thinkError}. */
export function thinkingPlan(think: unknown, model: SimModel): ThinkingPlan {
	if (!thinks(model)) return { tokens: 0, effort: 'off' };
	const full = model.thinkTokens ?? DEFAULT_THINK_TOKENS;
	if (model.thinkLevels) {
		const level = typeof think === 'string' ? think : think === false ? 'low' : 'medium';
		return { tokens: Math.round(full * LEVEL_SHARE[level]), effort: level };
	}
	if (think === false) return { tokens: 0, effort: 'off' };
	return { tokens: full, effort: 'on' };
}

/** `count` tokens of deterministic thinking text about `prompt` (each token one word and a space). */
export function thinkingTokens(count: number, prompt: string): string[] {
	const words = prompt
		.split(/\s+/)
		.filter((w) => w.length > 0)
		.slice(0, 8);
	const pool = [
		'Let',
		'me',
		'think',
		'about',
		...words.map((w) => w.slice(0, 16)),
		'step',
		'by',
		'step.',
	];
	return Array.from({ length: count }, (_, i) => `${pool[i % pool.length]} `);
}
