/** HTTP plumbing: errors answered as `{"error": ...}`, JSON and NDJSON responses, request bodies. */
import type * as http from 'node:http';

import { CONTENT_JSON, CONTENT_NDJSON } from './texts';
import { AbortedError } from './wait';

/** An error with an HTTP status, answered as `{"error": message}`. */
export class HttpError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}

export function send(
	res: http.ServerResponse,
	status: number,
	contentType: string,
	body: string,
): void {
	if (res.headersSent || res.destroyed) return;
	res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
	res.end(body);
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
	send(res, status, CONTENT_JSON, JSON.stringify(body));
}

export function sendError(res: http.ServerResponse, status: number, message: string): void {
	sendJson(res, status, { error: message });
}

export function readBody(req: http.IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
		req.on('close', () => {
			if (!req.complete) reject(new AbortedError());
		});
	});
}

/** NDJSON response that sends its 200 headers lazily, with the first line (as Ollama does). */
export class NdjsonWriter {
	constructor(private readonly res: http.ServerResponse) {}

	get started(): boolean {
		return this.res.headersSent;
	}

	line(value: unknown): void {
		if (this.res.destroyed || this.res.writableEnded) return;
		if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': CONTENT_NDJSON });
		this.res.write(`${JSON.stringify(value)}\n`);
	}

	end(): void {
		if (!this.res.writableEnded) this.res.end();
	}
}
