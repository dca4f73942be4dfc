/**
 * The dependency rules are enforced by `npm run lint` (eslint.config.mjs): engine/ imports nothing from
 * n8n, transport/, adapters/ or the node's n8n-facing layers; the chat model imports nothing from the
 * AI Dispatcher node's actions/ (both nodes share adapters/). Lints probe texts as if they were files
 * at those paths, with the project's own config and ESLint's own CLI (its config loader needs native
 * ES modules, which jest's sandbox does not offer).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const ESLINT = path.join(ROOT, 'node_modules/.bin/eslint');

interface LintMessage {
	ruleId: string | null;
	line: number;
	message: string;
}

/** The `no-restricted-imports` messages ESLint reports for `code` linted as `relativePath`. */
function restrictedImports(code: string, relativePath: string): LintMessage[] {
	const run = spawnSync(ESLINT, ['--format', 'json', '--stdin', '--stdin-filename', relativePath], {
		cwd: ROOT,
		input: code,
		encoding: 'utf8',
	});
	const [result] = JSON.parse(run.stdout) as Array<{ messages: LintMessage[] }>;
	return result.messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

const PROBES: Array<[string, string]> = [
	["import { NodeOperationError } from 'n8n-workflow';", 'free of n8n'],
	["import { supplyModel } from '@n8n/ai-node-sdk';", 'free of n8n'],
	["import { ollamaGenerate } from '../../transport/ollama';", 'does not speak HTTP'],
	["import { enginePorts } from '../../adapters/ports';", 'does not know adapters'],
	["import { runOperation } from '../../actions/runOperation';", 'n8n-facing layers'],
	["import { DispatcherError } from '../errors';", ''],
];
const CODE = `${PROBES.map(([line]) => line).join('\n')}\nexport const probe = [NodeOperationError, supplyModel, ollamaGenerate, enginePorts, router, DispatcherError];\n`;

describe('engine/ dependency rule', () => {
	it('refuses n8n, transport, adapters and the n8n-facing layers in engine/, and allows engine-internal imports', () => {
		const messages = restrictedImports(CODE, 'nodes/AiDispatcher/engine/selection/probe.ts');
		const byLine = new Map(messages.map((m) => [m.line, m.message]));
		PROBES.forEach(([line, why], i) => {
			if (why)
				expect({ line, message: byLine.get(i + 1) }).toEqual({
					line,
					message: expect.stringContaining(why),
				});
			else expect({ line, message: byLine.get(i + 1) }).toEqual({ line, message: undefined });
		});
		expect(messages).toHaveLength(PROBES.filter(([, why]) => why).length);
	});

	it('applies to engine/ only: the same imports are allowed in adapters/', () => {
		expect(restrictedImports(CODE, 'nodes/AiDispatcher/adapters/probe.ts')).toEqual([]);
	});
});

describe('chat model dependency rule', () => {
	const CHAT_PROBES: Array<[string, string]> = [
		["import { openSession } from '../../AiDispatcher/actions/session';", 'adapters/'],
		["import { generateJson } from '../AiDispatcher/actions/output';", 'adapters/'],
		["import { openSession } from '../../AiDispatcher/adapters/session';", ''],
		["import { planItem } from '../../AiDispatcher/engine/plan';", ''],
	];
	const chatCode = `${CHAT_PROBES.map(([line]) => line).join('\n')}\nexport const probe = [openSession, generateJson, planItem];\n`;

	it("refuses the AI Dispatcher node's actions/ in the chat model, and allows adapters/ and engine/", () => {
		const messages = restrictedImports(chatCode, 'nodes/LmChatAiDispatcher/call/probe.ts');
		const byLine = new Map(messages.map((m) => [m.line, m.message]));
		CHAT_PROBES.forEach(([line, why], i) => {
			expect({ line, message: byLine.get(i + 1) }).toEqual({
				line,
				message: why ? expect.stringContaining(why) : undefined,
			});
		});
		expect(messages).toHaveLength(2);
	});

	it('applies to the chat model only: the AI Dispatcher node imports its own actions/', () => {
		expect(
			restrictedImports(
				"import { openSession } from '../adapters/session';\nimport { generateJson } from './output';\nexport const p = [openSession, generateJson];\n",
				'nodes/AiDispatcher/actions/probe.ts',
			),
		).toEqual([]);
	});
});
