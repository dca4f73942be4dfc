/**
 * A one-consumer channel: a producer pushes values (from callbacks) and ends it, or fails it; the
 * consumer reads them as an async iterable, in order. Used to turn the engine's run (which reports
 * text as it streams in) into the SDK's `stream()` generator.
 */
export interface Channel<T> {
	push(value: T): void;
	/** No more values: the reader finishes after draining the ones pushed. */
	end(): void;
	/** The reader throws `error` after draining the values pushed before it. */
	fail(error: unknown): void;
	readonly values: AsyncIterable<T>;
}

export function createChannel<T>(): Channel<T> {
	const buffered: T[] = [];
	let closed: { error?: unknown; failed: boolean } | undefined;
	let wake: (() => void) | undefined;
	const notify = () => {
		const w = wake;
		wake = undefined;
		w?.();
	};

	async function* read(): AsyncGenerator<T> {
		while (true) {
			if (buffered.length > 0) {
				yield buffered.shift() as T;
				continue;
			}
			if (closed) {
				if (closed.failed) throw closed.error;
				return;
			}
			await new Promise<void>((resolve) => (wake = resolve));
		}
	}

	return {
		push(value) {
			if (closed) return;
			buffered.push(value);
			notify();
		},
		end() {
			closed ??= { failed: false };
			notify();
		},
		fail(error) {
			closed ??= { failed: true, error };
			notify();
		},
		values: { [Symbol.asyncIterator]: () => read() },
	};
}
