/**
 * What the Pushgateway push and the Status operation read of a `DispatchObserver` that keeps figures
 * (`DispatchObserver.figures`): the registry to render, the push throttle's state and this process's
 * push group label. The default `MetricsRecorder` is one; an observer that keeps none leaves it out
 * (nothing is pushed, Status shows metrics off).
 */
import type { PushState } from './pusher';
import type { MetricsRegistry } from './registry';

export interface MetricsFigures {
	/** The push throttle's state: last push and error, counts (`pusher.ts`). */
	readonly push: PushState;
	/** The push group's instance label of this process, chosen at the first push (null before). */
	instance: string | null;
	/** Minimum time between push attempts, in ms. */
	readonly intervalMs: number;
	/** Takes the push-time gauges into the registry and returns it (for rendering or Status). */
	snapshot(): MetricsRegistry;
}
