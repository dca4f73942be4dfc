/** The pushed `instance` label: the credential's Metrics Instance combined with the process's own label. */
import { instanceFor } from '../../../nodes/AiDispatcher/adapters/metrics';

describe('instanceFor', () => {
	it.each<[string, string | null, string]>([
		['empty field: the process label', null, '1a2b3c4d5e6f-0000abcd'],
		['{process} replaced', 'prod-{process}', 'prod-1a2b3c4d5e6f-0000abcd'],
		['every {process} replaced', '{process}/{process}', '1a2b3c4d5e6f-0000abcd/1a2b3c4d5e6f-0000abcd'],
		['a fixed name as it is (one n8n process)', 'n8n-main', 'n8n-main'],
	])('%s', (_name, configured, expected) => {
		expect(instanceFor(configured, '1a2b3c4d5e6f-0000abcd')).toBe(expected);
	});

	it('gives two processes sharing one credential two groups', () => {
		expect(instanceFor('prod-{process}', 'id-aaaa')).not.toBe(instanceFor('prod-{process}', 'id-bbbb'));
	});
});
