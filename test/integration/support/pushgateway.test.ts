/**
 * The Pushgateway harness keeps no state outside its own temp folder: Debian's build persists its
 * groups to /var/lib/prometheus/pushgateway.data by default, which would let one test run (or anything
 * else on the machine) see another's metrics.
 */
import { startPushgateway, type PushgatewayHarness } from '../../support/prometheus';

jest.setTimeout(60_000);

const GROUP = `harness_check_${process.pid}_${Date.now()}`;

async function push(pgw: PushgatewayHarness): Promise<void> {
	const response = await fetch(`${pgw.url}/metrics/job/${GROUP}/instance/probe`, {
		method: 'PUT',
		body: '# TYPE harness_probe gauge\nharness_probe 1\n',
	});
	expect(response.status).toBe(200);
}

describe('startPushgateway', () => {
	it('does not carry a pushed group over to the next Pushgateway', async () => {
		const first = await startPushgateway();
		try {
			await push(first);
			expect(await first.metrics()).toContain(`job="${GROUP}"`);
			// A Pushgateway writes its persistence file on shutdown (SIGTERM), which stop() sends.
		} finally {
			await first.stop();
		}
		const second = await startPushgateway();
		try {
			const metrics = await second.metrics();
			expect(metrics).toContain('pushgateway_build_info');
			expect(metrics).not.toContain(`job="${GROUP}"`);
		} finally {
			await second.stop();
		}
	});
});
