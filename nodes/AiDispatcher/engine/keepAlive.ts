/** Ollama's keep_alive: a number of seconds, or a Go duration ("5m", "1h30m", "-1"). The one check. */

const DURATION = /^-?\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h)?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))*$/;

/** True for a finite number or a duration text Ollama accepts. */
export function isKeepAlive(value: unknown): value is string | number {
	return (
		(typeof value === 'number' && Number.isFinite(value)) ||
		(typeof value === 'string' && DURATION.test(value.trim()))
	);
}
