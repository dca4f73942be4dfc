/** The generated prometheus.yml: one job per target group, plus the harness's own jobs. */
import type { ScrapeTarget } from './api';

function durationString(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export interface JobConfig {
	job_name: string;
	metrics_path?: string;
	honor_labels?: boolean;
	static_configs: Array<{ targets: string[] }>;
}

export function buildConfig(
	scrapeIntervalMs: number,
	jobs: JobConfig[],
	ruleFiles: string[] = [],
): string {
	const interval = durationString(scrapeIntervalMs);
	const timeout = durationString(Math.min(scrapeIntervalMs, 10_000));
	const cfg = {
		global: { scrape_interval: interval, scrape_timeout: timeout, evaluation_interval: interval },
		scrape_configs: jobs,
		...(ruleFiles.length > 0 ? { rule_files: ruleFiles } : {}),
	};
	// JSON is valid YAML, and sidesteps any quoting issue.
	return JSON.stringify(cfg, null, 2) + '\n';
}

export function groupTargets(targets: ScrapeTarget[], reserved: string[]): JobConfig[] {
	const byJob = new Map<string, JobConfig>();
	for (const t of targets) {
		if (!t.job || !/^\S+$/.test(t.job))
			throw new Error(`invalid job name ${JSON.stringify(t.job)}`);
		if (reserved.includes(t.job)) throw new Error(`job name "${t.job}" is reserved by the harness`);
		if (!/^[^\s/]+:\d+$/.test(t.address))
			throw new Error(`invalid target address ${JSON.stringify(t.address)} (want host:port)`);
		const metricsPath = t.metricsPath ?? '/metrics';
		const existing = byJob.get(t.job);
		if (existing) {
			if (existing.metrics_path !== metricsPath) {
				throw new Error(`job "${t.job}" has targets with different metricsPath values`);
			}
			existing.static_configs[0].targets.push(t.address);
		} else {
			byJob.set(t.job, {
				job_name: t.job,
				metrics_path: metricsPath,
				...(t.honorLabels ? { honor_labels: true } : {}),
				static_configs: [{ targets: [t.address] }],
			});
		}
	}
	return [...byJob.values()];
}

/** The scrape jobs: Prometheus itself, node_exporter when there is one, then the caller's targets. */
export function scrapeJobs(
	promAddress: string,
	nodeExporterAddress: string | undefined,
	targets: ScrapeTarget[],
): JobConfig[] {
	const jobs: JobConfig[] = [
		{ job_name: 'prometheus', static_configs: [{ targets: [promAddress] }] },
	];
	if (nodeExporterAddress)
		jobs.push({ job_name: 'node', static_configs: [{ targets: [nodeExporterAddress] }] });
	jobs.push(...groupTargets(targets, ['prometheus', 'node']));
	return jobs;
}
