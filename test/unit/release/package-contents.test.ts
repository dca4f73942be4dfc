/**
 * What `npm pack` puts in the published tarball (`npm pack --dry-run --json` on the built package):
 * only the compiled package (dist/, without source maps), README.md, LICENSE and package.json; every
 * file package.json points n8n at; no sources, tests, examples, credentials or maps; no runtime
 * dependencies. Needs `npm run build` first (npm test builds before the unit tests).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

interface PackFile {
	path: string;
	size: number;
}
interface PackInfo {
	name: string;
	version: string;
	filename: string;
	size: number;
	unpackedSize: number;
	entryCount: number;
	files: PackFile[];
	bundled: string[];
}

function dryRunPack(): PackInfo {
	const declared: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	const missing = declared.filter((f) => !fs.existsSync(path.join(REPO_ROOT, f)));
	if (missing.length > 0)
		throw new Error(
			`dist is not built (missing ${missing.join(', ')}): run \`npm run build\` first`,
		);
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	const res = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: REPO_ROOT,
		env,
		encoding: 'utf8',
	});
	if (res.status !== 0)
		throw new Error(`npm pack --dry-run failed (exit ${res.status}):\n${res.stderr}`);
	const info = JSON.parse(res.stdout.slice(res.stdout.indexOf('['))) as PackInfo[];
	expect(info).toHaveLength(1);
	return info[0];
}

describe('the package npm pack builds', () => {
	let info: PackInfo;
	let paths: string[];

	beforeAll(() => {
		info = dryRunPack();
		paths = info.files.map((f) => f.path).sort();
		console.log(
			`[package-contents] ${info.filename}: ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} kB packed, ` +
				`${(info.unpackedSize / 1024).toFixed(0)} kB unpacked`,
		);
	});

	it('is named <name>-<version>.tgz', () => {
		expect(info.filename).toBe(`${pkg.name}-${pkg.version}.tgz`);
		expect(info.name).toBe('n8n-nodes-ai-dispatcher');
	});

	it('holds only dist/, README.md, LICENSE and package.json', () => {
		const outside = paths.filter((p) => !p.startsWith('dist/'));
		expect(outside).toEqual(['LICENSE', 'README.md', 'package.json']);
	});

	it('holds every file package.json names: both nodes, the credential, main and types', () => {
		const named = [...pkg.n8n.nodes, ...pkg.n8n.credentials, pkg.main, pkg.types];
		expect(named).toEqual(
			expect.arrayContaining([
				'dist/nodes/AiDispatcher/AiDispatcher.node.js',
				'dist/nodes/LmChatAiDispatcher/LmChatAiDispatcher.node.js',
				'dist/credentials/AiDispatcherApi.credentials.js',
			]),
		);
		for (const file of named) expect(paths).toContain(file);
		// The codex files n8n reads next to each node, and the icons.
		expect(paths).toContain('dist/nodes/AiDispatcher/AiDispatcher.node.json');
		expect(paths).toContain('dist/nodes/LmChatAiDispatcher/LmChatAiDispatcher.node.json');
		expect(paths.filter((p) => p.endsWith('.svg')).length).toBeGreaterThanOrEqual(2);
	});

	it('holds compiled JavaScript, declarations, codex JSON and icons only: no sources, maps or tests', () => {
		const kinds = new Set(
			paths.filter((p) => p.startsWith('dist/')).map((p) => /(\.d\.ts|\.[a-z]+)$/.exec(p)?.[1]),
		);
		expect([...kinds].sort()).toEqual(['.d.ts', '.js', '.json', '.svg']);
		expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
		expect(paths.filter((p) => p.endsWith('.ts') && !p.endsWith('.d.ts'))).toEqual([]);
		expect(
			paths.filter((p) =>
				/(^|\/)(test|tests|__tests__|fixtures|support|bench|examples|scripts|docs)\//.test(p),
			),
		).toEqual([]);
		expect(paths.filter((p) => /\.(test|spec)\./.test(p))).toEqual([]);
	});

	it('holds no example credentials, environment files or tarballs', () => {
		expect(paths.filter((p) => /credentials\.example|\.env|\.npmrc|\.tgz$|\.n8n/.test(p))).toEqual(
			[],
		);
	});

	it('bundles nothing and declares no runtime dependency (n8n verification rule)', () => {
		expect(info.bundled).toEqual([]);
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(Object.keys(pkg.peerDependencies).sort()).toEqual(['@n8n/ai-node-sdk', 'n8n-workflow']);
	});

	it('stays small: under 400 kB packed', () => {
		expect(info.size).toBeLessThan(400 * 1024);
	});
});
