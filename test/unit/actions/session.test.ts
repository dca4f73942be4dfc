/**
 * Auto-Discover remembers a failure for a few seconds (issue 9): items of one execution do not each
 * pay for /api/tags again, and every item still fails with the reason.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import { runNode } from '../../support/node-run';

let server: http.Server;
let url = '';
let tagsRequests = 0;

beforeAll(async () => {
	server = http.createServer((req, res) => {
		if (req.url === '/api/tags') {
			tagsRequests++;
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end('{"error":"tags are broken"}');
			return;
		}
		res.writeHead(200);
		res.end('Ollama is running');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

describe('Auto-Discover failure memory', () => {
	it.each([1, 4])(
		'20 items at concurrency %i ask /api/tags once and all fail naming the HTTP error',
		async (concurrency) => {
			tagsRequests = 0;
			const prompts = Array.from({ length: 20 }, (_, i) => `Say hi ${i}`);
			const { result } = runNode({
				baseUrl: url,
				prompts,
				continueOnFail: true,
				params: { modelSource: 'auto' },
				options: { concurrency },
			});
			const [items] = await result;
			expect(items).toHaveLength(20);
			for (const [i, item] of items.entries()) {
				expect(item.pairedItem).toEqual({ item: i });
				expect(String(item.json.error)).toContain('/api/tags: HTTP 500: tags are broken');
			}
			expect(tagsRequests).toBe(1);
		},
	);
});
