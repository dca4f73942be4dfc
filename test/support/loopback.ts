/** Loopback ports for tests: free ones to start a server on, a closed one (connection refused), a black hole. */
import * as net from 'node:net';

const LOOPBACK = '127.0.0.1';

/** Distinct free TCP ports on 127.0.0.1 (held open together so they differ, then released). */
export async function freePorts(count: number): Promise<number[]> {
	const servers: net.Server[] = [];
	try {
		const ports: number[] = [];
		for (let i = 0; i < count; i++) {
			const srv = net.createServer();
			servers.push(srv);
			await new Promise<void>((resolve, reject) => {
				srv.once('error', reject);
				srv.listen(0, LOOPBACK, () => resolve());
			});
			ports.push((srv.address() as net.AddressInfo).port);
		}
		return ports;
	} finally {
		await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
	}
}

/** A loopback port with nothing listening (found by binding port 0 and closing it). */
export async function closedPort(): Promise<number> {
	const [port] = await freePorts(1);
	return port;
}

/**
 * A TCP server that accepts connections and never answers: requests to it hang until their timeout.
 * `requests()` counts connections that sent a request (HTTP clients may open spare connections);
 * `onRequest` is called with the path of every HTTP request line read.
 */
export async function startBlackhole(
	onRequest?: (path: string) => void,
): Promise<{ url: string; requests: () => number; stop: () => Promise<void> }> {
	const sockets = new Set<net.Socket>();
	let requests = 0;
	const server = net.createServer((socket) => {
		sockets.add(socket);
		socket.once('data', () => requests++);
		socket.on('data', (data) => {
			if (!onRequest) return;
			for (const [, path] of data.toString('latin1').matchAll(/^(?:GET|POST|HEAD) (\S+) HTTP/gm))
				onRequest(path);
		});
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
	});
	await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
	const { port } = server.address() as net.AddressInfo;
	return {
		url: `http://${LOOPBACK}:${port}`,
		requests: () => requests,
		stop: async () => {
			for (const s of sockets) s.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
