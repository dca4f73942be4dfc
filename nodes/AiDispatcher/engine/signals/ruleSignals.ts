/**
 * The live signals as rule conditions see them: a flat record of name → number (null = unknown).
 * Short names in the units people write rules in, plus every built-in signal under its own name
 * (native units) and every custom query under its name.
 */
import type { SignalSnapshot } from './types';

const GIB = 1024 ** 3;

/** Short rule names, their meaning and unit (documented in the README's rules section). */
export const RULE_SIGNAL_ALIASES = {
	cpu: 'CPU busy, % (0–100)',
	memory: 'memory available, GiB',
	memoryPercent: 'memory available, %',
	load: 'load1 per core',
	queue: 'requests queued, all models',
	inFlight: 'requests generating, all models',
	gpuFree: 'GPU free memory, GiB',
} as const;

export function ruleSignals(snapshot: SignalSnapshot): Record<string, number | null> {
	const { host, models } = snapshot;
	const gib = (bytes: number | null) => (bytes === null ? null : bytes / GIB);
	const record: Record<string, number | null> = {
		cpu: host.cpuBusyPercent,
		memory: gib(host.memAvailableBytes),
		memoryPercent: host.memAvailablePercent,
		load: host.load1PerCore,
		queue: models.queueDepth.total,
		inFlight: models.inFlight.total,
		gpuFree: gib(host.gpuFreeBytes),
	};
	for (const [name, value] of Object.entries(host)) record[name] = value;
	for (const [name, value] of Object.entries(models)) record[name] = value.total;
	for (const [name, value] of Object.entries(snapshot.custom)) record[name] = value;
	return record;
}
