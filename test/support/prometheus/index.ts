/**
 * Real Prometheus binaries for tests, one file per concern:
 * - start.ts        {@link startPrometheus}: Prometheus (+ node_exporter) on loopback ports, resolved once every target is up
 * - pushgateway.ts  a real Pushgateway
 * - launch.ts, processes.ts  spawning, output tails, exit hook, watchdog, killing
 * - binaries.ts     finding or installing the binaries; config.ts the prometheus.yml; query.ts the HTTP API
 * - promql.ts       PromQL for node_exporter's series; api.ts the public types and errors
 */
export * from './api';
export { ensurePrometheusBinaries, which } from './binaries';
export { pidAlive } from './processes';
export * from './promql';
export { startPushgateway, type PushgatewayHarness } from './pushgateway';
export { sumQueryRequests } from './query';
export { NODE_EXPORTER_FLAGS, startPrometheus } from './start';
