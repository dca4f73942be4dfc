/**
 * `.github/workflows/release.yml` (GitHub Actions does not run here): the file is valid YAML with
 * the named steps, publishes only on a version tag, with npm provenance and the permissions it
 * needs, after the README's test command; and its version check, run here with bash, passes for
 * the tag "v" + package.json's version and fails for any other tag.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { parse } from 'yaml';

import { packageIdentity, README_PATH } from '../../support/readme-install';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const WORKFLOW = path.join(REPO_ROOT, '.github', 'workflows', 'release.yml');

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
}
interface Job {
	name?: string;
	needs?: string | string[];
	'runs-on'?: string;
	container?: string;
	permissions?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	name: string;
	on: { push?: { tags?: string[]; branches?: string[] }; [event: string]: unknown };
	permissions: Record<string, string>;
	jobs: Record<string, Job>;
}

const workflow = parse(fs.readFileSync(WORKFLOW, 'utf8'), {
	uniqueKeys: true,
	strict: true,
}) as Workflow;

function step(job: string, name: string): Step {
	const found = workflow.jobs[job]?.steps.find((s) => s.name === name);
	if (!found)
		throw new Error(
			`job "${job}" has no step named "${name}" (steps: ${workflow.jobs[job]?.steps.map((s) => s.name).join(' | ')})`,
		);
	return found;
}

/** Runs a step's `run` script as GitHub Actions would (bash -e), in the checkout, for a pushed tag. */
function runForTag(script: string, tag: string) {
	const res = spawnSync('bash', ['-e', '-c', script], {
		cwd: REPO_ROOT,
		env: {
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			HOME: process.env.HOME ?? '/tmp',
			GITHUB_REF_NAME: tag,
		},
		encoding: 'utf8',
	});
	return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

/** The README's test command: the line of its first bash block that runs the tests. */
function readmeTestCommand(): string {
	const readme = fs.readFileSync(README_PATH, 'utf8');
	const first = /```bash\n([\s\S]*?)\n```/.exec(readme)?.[1] ?? '';
	const line = first.split('\n').find((l) => /^npm (run )?test\b/.test(l.trim()));
	if (!line) throw new Error(`README.md's first bash block has no test command:\n${first}`);
	return line.replace(/#.*$/, '').trim();
}

describe('.github/workflows/release.yml', () => {
	const { version } = packageIdentity();

	it('runs only when a version tag is pushed', () => {
		expect(Object.keys(workflow.on)).toEqual(['push']);
		expect(workflow.on.push?.branches).toBeUndefined();
		expect(workflow.on.push?.tags).toEqual(['v*']);
	});

	it('reads the repository only, and gives an OIDC token to the publish job alone', () => {
		expect(workflow.permissions).toEqual({ contents: 'read' });
		expect(workflow.jobs.publish.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
		expect(workflow.jobs.test.permissions).toBeUndefined();
	});

	it('tests first, with the README test command, then publishes', () => {
		expect(Object.keys(workflow.jobs)).toEqual(['test', 'publish']);
		expect(workflow.jobs.publish.needs).toBe('test');
		expect(readmeTestCommand()).toBe('npm test');
		expect(step('test', 'Run the tests (npm test)').run?.trim()).toBe(readmeTestCommand());
		// scripts/ensure-runtime.sh installs Debian packages with apt-get: the tests run in Debian as root.
		expect(workflow.jobs.test.container).toMatch(/bookworm/);
	});

	it('has the named steps, in order, in each job', () => {
		expect(workflow.jobs.test.steps.map((s) => s.name)).toEqual([
			'Check out the tagged commit',
			"Check the tag matches package.json's version",
			'Cache the n8n runtime (Node 24 and n8n, installed once by scripts/ensure-runtime.sh)',
			'Run the tests (npm test)',
		]);
		expect(workflow.jobs.publish.steps.map((s) => s.name)).toEqual([
			'Check out the tagged commit',
			'Set up Node 24',
			"Check the tag matches package.json's version",
			'Install the build tools (npm ci)',
			'Build (npm run build)',
			'List the package contents (npm pack --dry-run)',
			'Use the NPM_TOKEN secret when there is one',
			'Publish to the npm registry with provenance',
		]);
		for (const job of Object.values(workflow.jobs)) {
			for (const s of job.steps) expect(Boolean(s.uses) !== Boolean(s.run)).toBe(true);
		}
	});

	it('publishes with provenance and public access, after the build', () => {
		expect(step('publish', 'Publish to the npm registry with provenance').run?.trim()).toBe(
			'npm publish --provenance --access public',
		);
		expect(step('publish', 'Build (npm run build)').run?.trim()).toBe('npm run build');
		expect(step('publish', 'Set up Node 24').with).toEqual({ 'node-version': '24' });
	});

	it('checks the version the same way in both jobs', () => {
		const name = "Check the tag matches package.json's version";
		expect(step('publish', name).run).toBe(step('test', name).run);
	});

	it(`the version check passes for the tag v${version}`, () => {
		const res = runForTag(
			step('test', "Check the tag matches package.json's version").run!,
			`v${version}`,
		);
		expect(res).toEqual({
			status: 0,
			out: `tag v${version} matches package.json's version ${version}\n`,
		});
	});

	it("writes the NPM_TOKEN secret as the auth token of npm's registry, and nothing without it", () => {
		const script = step('publish', 'Use the NPM_TOKEN secret when there is one').run!;
		const run = (token: string) => {
			const home = fs.mkdtempSync(path.join(os.tmpdir(), 'release-npmrc-'));
			try {
				const res = spawnSync('bash', ['-e', '-c', script], {
					cwd: home,
					env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NPM_TOKEN: token },
					encoding: 'utf8',
				});
				const npmrc = path.join(home, '.npmrc');
				return {
					status: res.status,
					out: res.stdout.trim(),
					npmrc: fs.existsSync(npmrc) ? fs.readFileSync(npmrc, 'utf8').trim() : null,
				};
			} finally {
				fs.rmSync(home, { recursive: true, force: true });
			}
		};
		const registry = spawnSync('npm', ['config', 'get', 'registry'], {
			env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' },
			encoding: 'utf8',
		}).stdout.trim();
		expect(registry).toMatch(/^https:\/\/[^/]+\/$/);
		expect(run('secret-token-123')).toEqual({
			status: 0,
			out: 'publishing with the NPM_TOKEN secret',
			npmrc: `${registry.replace(/^https:/, '')}:_authToken=secret-token-123`,
		});
		expect(run('')).toEqual({
			status: 0,
			out: 'no NPM_TOKEN secret: publishing as a trusted publisher (OIDC)',
			npmrc: null,
		});
	});

	it.each([`v${version}.1`, version, `v${version}-rc.1`, 'v0.0.0', ''])(
		'the version check fails for the tag %j',
		(tag) => {
			const res = runForTag(step('test', "Check the tag matches package.json's version").run!, tag);
			expect(res.status).toBe(1);
			expect(res.out).toContain(
				`::error::tag ${tag} does not match package.json's version ${version}`,
			);
		},
	);
});
