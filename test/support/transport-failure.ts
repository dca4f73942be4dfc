/** The `TransportError` a transport call rejects with; fails the test when it resolves or rejects otherwise. */
import { TransportError } from '../../nodes/AiDispatcher/engine/errors';

export async function failure(promise: Promise<unknown>): Promise<TransportError> {
	const error = await promise.then(
		() => undefined,
		(e: unknown) => e,
	);
	expect(error).toBeInstanceOf(TransportError);
	return error as TransportError;
}
