/**
 * A private Redis (Debian's `redis-server`, installed by `scripts/ensure-runtime.sh --queue`) on a
 * free loopback port, without persistence, its files in its own temp folder. Never the system one.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts } from '../loopback';
import { startService, type Service } from './service';

export interface RedisServer extends Service {
	host: string;
	port: number;
	/** Sends one inline command and returns the raw reply (e.g. `PING` → `+PONG\r\n`). */
	command(line: string): Promise<string>;
}

/** One inline command over a fresh connection; resolves with the first reply chunk. */
export function redisCommand(port: number, line: string, timeoutMs = 2_000): Promise<string> {
	return new Promise((resolve, reject) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		const timer = setTimeout(
			() => (socket.destroy(), reject(new Error(`redis ${line}: no reply within ${timeoutMs} ms`))),
			timeoutMs,
		);
		socket.once('error', (e) => (clearTimeout(timer), reject(e)));
		socket.once('connect', () => socket.write(`${line}\r\n`));
		socket.once('data', (d) => {
			clearTimeout(timer);
			socket.end();
			resolve(d.toString('utf8'));
		});
	});
}

export async function startRedis(redisServer: string): Promise<RedisServer> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-redis-'));
	const [port] = await freePorts(1);
	const service = await startService({
		name: 'redis',
		bin: redisServer,
		args: [
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		dir,
		ready: async () => (await redisCommand(port, 'PING', 500)).startsWith('+PONG'),
	});
	return { ...service, host: '127.0.0.1', port, command: (line) => redisCommand(port, line) };
}
