/**
 * Before the integration tests: the file that records the processes they spawn (Prometheus,
 * node_exporter, Pushgateway, watchdogs), so that the shared teardown (test/e2e/global-teardown.ts)
 * kills whatever a failed test left running. The binaries themselves are installed on demand by the
 * Prometheus harness (scripts/ensure-runtime.sh --prometheus).
 */
import { createPidFile } from '../support/process-registry';

export default async function globalSetup(): Promise<void> {
	createPidFile();
}
