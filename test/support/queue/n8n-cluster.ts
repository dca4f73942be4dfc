/**
 * n8n in queue mode, for real: a private Redis and Postgres (see redis.ts, postgres.ts), one n8n main
 * (`n8n start`: editor, API, production webhooks; enqueues every execution) and N workers
 * (`n8n worker`), each process with its own user folder holding the packed package (as each machine
 * of a real deployment would), one shared N8N_ENCRYPTION_KEY, and its own ports (main HTTP, task
 * broker, worker health server). Workflows and credentials are imported with the main's CLI into
 * Postgres before the processes start; `publish:workflow` activates webhook workflows.
 *
 * `stop()` kills every process (their whole groups), Redis and Postgres, and removes every folder;
 * whatever fails during start stops what was already started before the error is thrown.
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

import { freePorts } from '../loopback';
import {
	createN8nInstance,
	type N8nCredential,
	type N8nInstance,
	type N8nRuntime,
} from '../n8n-harness';
import { startPostgres, type PostgresServer } from './postgres';
import { startRedis, type RedisServer } from './redis';
import { startService, type Service } from './service';

export interface QueueRuntime extends N8nRuntime {
	redisServer: string;
	postgresBin: string;
}

export interface QueueClusterOptions {
	runtime: QueueRuntime;
	/** The packed package, installed into every process's user folder. */
	tgz: string;
	workers: number;
	/** Jobs one worker runs at once (`n8n worker --concurrency`). */
	workerConcurrency: number;
	credentials: N8nCredential[];
	workflows: Array<Record<string, unknown>>;
	/** Ids of the workflows to publish (activate) before the main starts. */
	publish: string[];
}

export interface QueueWorker {
	/** 1-based, as named in logs and figures ("worker 1"). */
	index: number;
	instance: N8nInstance;
	service: Service;
	/** Execution ids this worker started, read from its log ("Worker started execution N"). */
	executions(): string[];
}

export interface QueueCluster {
	redis: RedisServer;
	postgres: PostgresServer;
	main: { instance: N8nInstance; service: Service; url: string };
	workers: QueueWorker[];
	/** Seconds each start step took, for the figures. */
	timings: Record<string, number>;
	/** The worker that started execution `id`, or undefined when none did (yet). */
	workerOf(executionId: string): QueueWorker | undefined;
	stop(): Promise<void>;
}

const STARTED = /Worker started execution (\d+)/g;

async function ok(url: string): Promise<boolean> {
	try {
		return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok;
	} catch {
		return false;
	}
}

/** Starts Redis, Postgres, imports, then the main and the workers; resolves once every process is ready. */
export async function startQueueCluster(options: QueueClusterOptions): Promise<QueueCluster> {
	const stoppers: Array<() => Promise<void>> = [];
	const timings: Record<string, number> = {};
	const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
		const t0 = Date.now();
		const value = await run();
		timings[name] = Math.round((Date.now() - t0) / 100) / 10;
		return value;
	};
	const stopAll = async () => {
		for (const stop of stoppers.reverse()) await stop().catch(() => undefined);
		stoppers.length = 0;
	};
	try {
		const redis = await step('redis', () => startRedis(options.runtime.redisServer));
		stoppers.push(() => redis.stop());
		const postgres = await step('postgres', () => startPostgres(options.runtime.postgresBin));
		stoppers.push(() => postgres.stop());

		const shared: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: redis.host,
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: postgres.host,
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_DATABASE: postgres.database,
			DB_POSTGRESDB_USER: postgres.user,
			DB_POSTGRESDB_PASSWORD: postgres.password,
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			// Executions and their data live in Postgres, where the main reads what a worker wrote.
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			// n8n 2.40's publication service registers workflows published by the CLI on a 10 s reconcile
			// tick; the classic activation registers them right after start-up and logs each one
			// ("Activated workflow …"), which the cluster waits for.
			N8N_USE_WORKFLOW_PUBLICATION_SERVICE: 'false',
		};
		const main = await createN8nInstance({
			runtime: options.runtime,
			tgz: options.tgz,
			env: shared,
		});
		stoppers.push(() => main.cleanup());
		await step('import (migrations, credentials, workflows)', async () => {
			await main.importCredentials(options.credentials);
			await main.importWorkflow(options.workflows);
			for (const id of options.publish) {
				const res = await main.run(['publish:workflow', `--id=${id}`]);
				if (res.exitCode !== 0)
					throw new Error(
						`n8n publish:workflow --id=${id} failed:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`,
					);
			}
		});

		const url = `http://127.0.0.1:${main.ports.n8n}`;
		const workerInstances: Array<{ instance: N8nInstance; healthPort: number }> = [];
		for (let i = 0; i < options.workers; i++) {
			const [healthPort] = await freePorts(1);
			const instance = await createN8nInstance({
				runtime: options.runtime,
				tgz: options.tgz,
				env: {
					...shared,
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
			});
			stoppers.push(() => instance.cleanup());
			workerInstances.push({ instance, healthPort });
		}

		const spawnN8n = (
			name: string,
			instance: N8nInstance,
			args: string[],
			ready: () => Promise<boolean>,
		) =>
			startService({
				name,
				bin: instance.runtime.node24,
				args: [instance.runtime.n8nBin, ...args],
				env: instance.env,
				dir: instance.userFolder,
				ready,
				readyTimeoutMs: 240_000,
				removeDir: false, // the instance's cleanup removes its folder
			});
		// Main and workers start together: each takes tens of seconds on a loaded machine.
		const started = await step('main and workers start', () =>
			Promise.allSettled([
				spawnN8n(
					'n8n-main',
					main,
					['start'],
					async () => (await ok(`${url}/healthz/readiness`)) && (await ok(`${url}/healthz`)),
				),
				...workerInstances.map((w, i) =>
					spawnN8n(
						`n8n-worker-${i + 1}`,
						w.instance,
						['worker', `--concurrency=${options.workerConcurrency}`],
						() => ok(`http://127.0.0.1:${w.healthPort}/healthz/readiness`),
					),
				),
			]),
		);
		for (const s of started) if (s.status === 'fulfilled') stoppers.push(() => s.value.stop());
		const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
		if (failed) throw failed.reason;
		const services = started.map((s) => (s as PromiseFulfilledResult<Service>).value);
		// The main registers published webhooks after it reports ready: wait for each activation.
		await step('webhooks registered', () => waitForActivations(services[0], options.publish));

		const workers: QueueWorker[] = workerInstances.map((w, i) => ({
			index: i + 1,
			instance: w.instance,
			service: services[i + 1],
			executions: () => [...services[i + 1].log().matchAll(STARTED)].map((m) => m[1]),
		}));
		return {
			redis,
			postgres,
			main: { instance: main, service: services[0], url },
			workers,
			timings,
			workerOf: (id) => workers.find((w) => w.executions().includes(String(id))),
			stop: stopAll,
		};
	} catch (error) {
		await stopAll();
		throw error;
	}
}

/** Waits until the main logged `Activated workflow "…" (ID: <id>)` for every id (4 min at most). */
async function waitForActivations(main: Service, ids: string[]): Promise<void> {
	const deadline = Date.now() + 240_000;
	for (;;) {
		const log = main.log();
		const missing = ids.filter(
			(id) => !new RegExp(`Activated workflow .*\\(ID: ${id}\\)`).test(log),
		);
		if (missing.length === 0) return;
		if (!main.running() || Date.now() > deadline) {
			throw new Error(
				`the n8n main did not activate ${missing.join(', ')}:\n${log.split('\n').slice(-40).join('\n')}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

/** Where a process's log lives, for messages. */
export function logPath(service: Service): string {
	return path.join(service.dir, `${service.name}.log`);
}
