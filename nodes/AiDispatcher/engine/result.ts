/** Failures as values (cockatiel's style): callers branch on `ok` instead of nesting try/catch. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Awaits `promise` and returns its outcome as a value; never rejects. */
export async function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
	try {
		return { ok: true, value: await promise };
	} catch (error) {
		return { ok: false, error };
	}
}

/** JSON.parse as a value. */
export function parseJson(text: string): Settled<unknown> {
	try {
		return { ok: true, value: JSON.parse(text) as unknown };
	} catch (error) {
		return { ok: false, error };
	}
}
