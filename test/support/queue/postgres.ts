/**
 * A private, throwaway PostgreSQL cluster (Debian's `postgresql`, installed by
 * `scripts/ensure-runtime.sh --queue`) on a free loopback port: `initdb` into a temp folder owned by
 * the `postgres` user (the server refuses to run as root), the server started as that user with
 * `setpriv`, its socket in the same folder, durability off (a test database), one database for n8n.
 * Never the system cluster.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { freePorts } from '../loopback';
import { runProcess } from '../n8n-harness';
import { startService, type Service } from './service';

export interface PostgresServer extends Service {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
	/** Runs one SQL statement with psql and returns its unaligned, tuples-only output. */
	sql(statement: string): Promise<string>;
}

const USER = 'n8n';
const PASSWORD = 'n8n-e2e';
const DATABASE = 'n8n';

function asPostgres(bin: string, args: string[]): [string, string[]] {
	return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', bin, ...args]];
}

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = net.connect({ host: '127.0.0.1', port });
		socket.once('connect', () => (socket.destroy(), resolve(true)));
		socket.once('error', () => resolve(false));
	});
}

export async function startPostgres(binDir: string): Promise<PostgresServer> {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ai-dispatcher-pg-'));
	const data = path.join(dir, 'data');
	const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
	fs.chmodSync(dir, 0o755);
	fs.chownSync(dir, uid, gid);
	fs.writeFileSync(path.join(dir, 'pwfile'), `${PASSWORD}\n`);
	fs.chownSync(path.join(dir, 'pwfile'), uid, gid);
	const env = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		LANG: 'C.UTF-8',
		LC_ALL: 'C.UTF-8',
		HOME: dir,
	};
	const [initBin, initArgs] = asPostgres(path.join(binDir, 'initdb'), [
		`--pgdata=${data}`,
		`--username=${USER}`,
		`--pwfile=${path.join(dir, 'pwfile')}`,
		'--auth=scram-sha-256',
		'--encoding=UTF8',
		'--no-sync',
	]);
	const init = await runProcess(initBin, initArgs, { cwd: dir, env, timeoutMs: 120_000 });
	if (init.exitCode !== 0) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed (exit ${init.exitCode}):\n${init.stdout}\n${init.stderr}`);
	}
	const [port] = await freePorts(1);
	const [serverBin, serverArgs] = asPostgres(path.join(binDir, 'postgres'), [
		'-D',
		data,
		'-p',
		String(port),
		'-k',
		dir,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=60',
	]);
	const service = await startService({
		name: 'postgres',
		bin: serverBin,
		args: serverArgs,
		env,
		dir,
		ready: () => accepts(port),
		readyTimeoutMs: 60_000,
	});

	const psql = async (database: string, statement: string): Promise<string> => {
		const res = await runProcess(
			path.join(binDir, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				USER,
				'-d',
				database,
				'-X',
				'-A',
				'-t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				statement,
			],
			{
				cwd: os.tmpdir(),
				env: { ...env, HOME: os.tmpdir(), PGPASSWORD: PASSWORD },
				timeoutMs: 60_000,
			},
		);
		if (res.exitCode !== 0)
			throw new Error(
				`psql ${JSON.stringify(statement)} failed (exit ${res.exitCode}): ${res.stderr}`,
			);
		return res.stdout.trim();
	};
	try {
		// Accepting TCP connections comes a moment before accepting logins: retry the first statement.
		const deadline = Date.now() + 30_000;
		for (;;) {
			try {
				await psql('postgres', `CREATE DATABASE ${DATABASE}`);
				break;
			} catch (error) {
				if (Date.now() > deadline) throw error;
				await new Promise((resolve) => setTimeout(resolve, 300));
			}
		}
	} catch (error) {
		await service.stop();
		throw error;
	}
	return {
		...service,
		host: '127.0.0.1',
		port,
		user: USER,
		password: PASSWORD,
		database: DATABASE,
		sql: (statement) => psql(DATABASE, statement),
	};
}
