/** The models the simulator knows: the default three, and the live state of each (loaded, slots, keep-alive). */
import { createHash } from 'node:crypto';

import type { SimModel } from './api';
import { Semaphore } from './wait';

/** Resident size of a loaded model relative to its size on disk, unless the model says otherwise. */
const VRAM_FACTOR = 1.15;

/**
 * Three CPU-class models with realistic relative speeds (reference §5): the small models decode several
 * times faster than the 7B, and cold loads take seconds.
 */
export const DEFAULT_SIM_MODELS: SimModel[] = [
	{
		name: 'phi3:mini',
		parameterSize: '3.8B',
		sizeBytes: 2_176_178_913,
		family: 'phi3',
		quantization: 'Q4_0',
		loadMs: 1500,
		promptTokensPerS: 400,
		tokensPerS: 45,
	},
	{
		name: 'llama3.2:3b',
		parameterSize: '3.2B',
		sizeBytes: 2_019_393_189,
		family: 'llama',
		quantization: 'Q4_K_M',
		loadMs: 1500,
		promptTokensPerS: 350,
		tokensPerS: 40,
	},
	{
		name: 'qwen2.5:7b',
		parameterSize: '7.6B',
		sizeBytes: 4_683_075_271,
		family: 'qwen2',
		quantization: 'Q4_K_M',
		loadMs: 4000,
		promptTokensPerS: 120,
		tokensPerS: 12,
	},
];

/**
 * Two reasoning models (not in the defaults): `qwen3:8b` thinks ~400 tokens unless `think: false`;
 * `gpt-oss:20b` has effort levels and cannot stop thinking (see `thinking.ts`).
 */
export const THINKING_SIM_MODELS: SimModel[] = [
	{
		name: 'qwen3:8b',
		parameterSize: '8.2B',
		sizeBytes: 5_225_376_047,
		family: 'qwen3',
		quantization: 'Q4_K_M',
		loadMs: 4500,
		promptTokensPerS: 110,
		tokensPerS: 11,
		capabilities: ['completion', 'tools', 'thinking'],
		thinkTokens: 400,
	},
	{
		name: 'gpt-oss:20b',
		parameterSize: '20.9B',
		sizeBytes: 13_780_173_724,
		family: 'gptoss',
		quantization: 'MXFP4',
		loadMs: 9000,
		promptTokensPerS: 90,
		tokensPerS: 14,
		capabilities: ['completion', 'tools', 'thinking'],
		thinkTokens: 400,
		thinkLevels: true,
	},
];

/** Live state of one model. */
export class ModelRuntime {
	loaded = false;
	/** Requests holding the model (waiting for a slot or generating); it is never unloaded meanwhile. */
	refs = 0;
	/** Requests waiting for a load or a slot. */
	queued = 0;
	lastUsed = 0;
	/** keep_alive of the last request, in ms (Infinity = forever). */
	sessionMs: number;
	/** Epoch ms when an idle model unloads (Infinity = never); null when not loaded. */
	expiresAt: number | null = null;
	expiryTimer: NodeJS.Timeout | undefined;
	readonly slots: Semaphore;
	readonly vramBytes: number;
	readonly digest: string;

	constructor(
		readonly model: SimModel,
		numParallel: number,
		defaultKeepAliveMs: number,
	) {
		this.slots = new Semaphore(numParallel);
		this.sessionMs = defaultKeepAliveMs;
		this.vramBytes = model.vramBytes ?? Math.round(model.sizeBytes * VRAM_FACTOR);
		this.digest = createHash('sha256').update(model.name).digest('hex');
	}

	get name(): string {
		return this.model.name;
	}

	/** When `/api/ps` says the model expires (epoch ms, may be Infinity). */
	expiry(): number {
		if (this.refs > 0 || this.expiresAt === null) return Date.now() + this.sessionMs;
		return this.expiresAt;
	}
}
