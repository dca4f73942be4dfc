/** PromQL the tests use against node_exporter's series at the harness's 1 s scrape interval. */

/**
 * CPU busy fraction (0..1, averaged over all CPUs) that works at the default 1 s scrape interval once
 * node_exporter has been scraped twice (see {@link NODE_TWO_SCRAPES_PROMQL}). Clamped because scrape
 * jitter and the 10 ms tick granularity of /proc/stat can push `1 - idle` a hair below 0 on an idle
 * machine. Caveat: for the first ~15 s of a fresh Prometheus, `rate()` extrapolates from only a few
 * samples and reads HIGH (e.g. 0.9 on a half-busy machine); use {@link CPU_BUSY_IRATE_PROMQL} when the
 * value must be right immediately.
 */
export const CPU_BUSY_PROMQL =
	'clamp(1 - avg(rate(node_cpu_seconds_total{mode="idle"}[15s])), 0, 1)';

/** The same without the clamp, as in the reference notes (window shortened from 1m for 1 s scrapes). */
export const CPU_BUSY_PROMQL_RAW = '1 - avg(rate(node_cpu_seconds_total{mode="idle"}[15s]))';

/** CPU busy from the last two scrapes only: right as soon as two scrapes exist, but noisier. */
export const CPU_BUSY_IRATE_PROMQL =
	'clamp(1 - avg(irate(node_cpu_seconds_total{mode="idle"}[15s])), 0, 1)';

/** PromQL for "at least two scrapes of node_exporter exist", i.e. rate() over [15s] has data. */
export const NODE_TWO_SCRAPES_PROMQL =
	'count_over_time(node_cpu_seconds_total{mode="idle"}[15s]) >= 2';
