/**
 * Runs the Ollama simulator as a standalone process.
 *
 *   npx tsx test/support/simulator-cli.ts --port 11434 [--time-scale 1] [--num-parallel 1]
 *     [--max-queue 512] [--max-loaded-models 3] [--keep-alive-ms 300000] [--seed 42]
 *     [--gpu-memory-bytes N] [--preload phi3:mini,llama3.2:3b]
 *
 * Prints `Ollama simulator listening on http://127.0.0.1:PORT` once ready and stops on SIGINT/SIGTERM.
 * Faults can be set at runtime through `POST /__sim/faults`.
 */
import { startOllamaSimulator, type SimulatorOptions } from './simulator';

const NUMERIC_FLAGS: Record<string, keyof SimulatorOptions> = {
	'--port': 'port',
	'--time-scale': 'timeScale',
	'--num-parallel': 'numParallel',
	'--max-queue': 'maxQueue',
	'--max-loaded-models': 'maxLoadedModels',
	'--keep-alive-ms': 'keepAliveMs',
	'--seed': 'seed',
	'--gpu-memory-bytes': 'gpuMemoryBytes',
};

/** Parses `--flag value` / `--flag=value` arguments into simulator options. */
export function parseArgs(argv: string[]): SimulatorOptions {
	const options: Record<string, unknown> = { port: 11434 };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split(/=(.*)/s, 2);
		const value = inline ?? argv[++i];
		if (value === undefined) throw new Error(`missing value for ${flag}`);
		if (flag === '--preload') {
			options.preloaded = value.split(',').filter((name) => name.length > 0);
			continue;
		}
		const key = NUMERIC_FLAGS[flag];
		if (!key) throw new Error(`unknown flag ${flag}`);
		const number = Number(value);
		if (!Number.isFinite(number))
			throw new Error(`${flag} needs a number, got ${JSON.stringify(value)}`);
		options[key] = number;
	}
	return options as SimulatorOptions;
}

async function main(): Promise<void> {
	const simulator = await startOllamaSimulator(parseArgs(process.argv.slice(2)));
	console.log(`Ollama simulator listening on ${simulator.url}`);
	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		simulator.close().then(
			() => process.exit(0),
			(error: Error) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

if (require.main === module) {
	main().catch((error: Error) => {
		console.error(`simulator-cli: ${error.message}`);
		process.exit(1);
	});
}
