/**
 * README.md's Install section agrees with the package and with itself. Its command blocks are run
 * by test/e2e/install-as-documented.test.ts, except the Docker block (no Docker engine on the test
 * machines): here each Docker command is checked to be the tested command run inside n8n's image
 * (user `node`, user folder /home/node/.n8n, container `n8n`), so the two cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	installBlock,
	packageIdentity,
	readInstallBlocks,
	readmeSection,
	README_PATH,
} from '../../support/readme-install';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
const id = packageIdentity();
const blocks = readInstallBlocks();

/** What `~` is inside n8n's Docker image: the home of user `node`. */
const CONTAINER_HOME = '/home/node';
const CONTAINER = 'n8n';

describe("README.md's Install section", () => {
	const section = readmeSection('Install');

	it('has the pack, npm, docker and uninstall blocks, each inside the Install section', () => {
		expect(Object.keys(blocks).sort()).toEqual(['docker', 'npm', 'pack', 'uninstall']);
		for (const block of Object.values(blocks)) expect(section).toContain(block.text);
	});

	it('builds from this repository with npm ci and the pack:release script', () => {
		const repoDir = path.basename(id.repositoryUrl).replace(/\.git$/, '');
		expect(installBlock('pack').commands).toEqual([
			`git clone ${id.repositoryUrl}`,
			`cd ${repoDir}`,
			'npm ci',
			'npm run pack:release',
		]);
		expect(repoDir).toBe(id.name);
		// pack:release builds, then packs: the tarball npm pack names <name>-<version>.tgz.
		expect(pkg.scripts['pack:release']).toBe('npm run build && npm pack');
	});

	it(`names the tarball of this version everywhere (${id.tarball})`, () => {
		const named = section.match(/n8n-nodes-ai-dispatcher-[0-9][^\s`/)]*\.tgz/g) ?? [];
		expect(named.length).toBeGreaterThanOrEqual(5);
		expect([...new Set(named)]).toEqual([id.tarball]);
	});

	it('installs the file into ~/.n8n/nodes with npm, leaving the peer dependencies to n8n', () => {
		expect(installBlock('npm').commands).toEqual([
			'mkdir -p ~/.n8n/nodes',
			`cp ${id.tarball} ~/.n8n/nodes/`,
			'cd ~/.n8n/nodes',
			`npm install --legacy-peer-deps --no-audit --no-fund ./${id.tarball}`,
		]);
	});

	it('runs, in Docker, the same commands inside the container as user node', () => {
		const [mkdir, cp, cd, install] = installBlock('npm').commands;
		const inContainer = (command: string) => command.replace(/~/g, CONTAINER_HOME);
		const workdir = inContainer(cd.replace(/^cd /, ''));
		expect(installBlock('docker').commands).toEqual([
			`docker exec -u node ${CONTAINER} ${inContainer(mkdir)}`,
			// docker cp has no user: the file is created as root, readable by node (mode kept).
			inContainer(cp).replace(/^cp (\S+) (\S+)$/, `docker cp $1 ${CONTAINER}:$2`),
			`docker exec -u node -w ${workdir} ${CONTAINER} ${install}`,
			`docker restart ${CONTAINER}`,
		]);
		expect(workdir).toBe('/home/node/.n8n/nodes');
	});

	it("names n8n's Docker set-up as n8n's guide does: container n8n, volume n8n_data on /home/node/.n8n, image n8nio/n8n", () => {
		expect(section).toContain('`--name n8n`');
		expect(section).toContain('`n8n_data:/home/node/.n8n`');
		expect(section).toContain('`n8nio/n8n`');
		expect(section).toContain('runs as user `node`');
	});

	it('uninstalls with npm from the same folder and removes the tarball', () => {
		expect(installBlock('uninstall').commands).toEqual([
			'cd ~/.n8n/nodes',
			`npm uninstall ${id.name}`,
			`rm ${id.tarball}`,
		]);
		expect(section).toContain('`docker exec -u node -w /home/node/.n8n/nodes n8n …`');
	});

	it('tells queue-mode users to install on every worker, with the environment variables that must allow it', () => {
		expect(section).toMatch(/\*\*and on every worker\*\*/);
		for (const name of [
			'N8N_COMMUNITY_PACKAGES_ENABLED',
			'N8N_COMMUNITY_PACKAGES_PREVENT_LOADING',
			'N8N_REINSTALL_MISSING_PACKAGES',
		]) {
			expect(section).toContain(`\`${name}\``);
		}
	});

	it('keeps the registry paths, marked as working once published', () => {
		expect(section).toContain('### Once published on the npm registry');
		expect(section).toContain(`npm install ${id.name}\``);
		expect(section).toContain('*Settings → Community Nodes → Install*');
	});

	it('says the Docker commands are not run by the tests', () => {
		expect(section).toContain('**The Docker commands are not run**');
	});

	it('says n8n 1.x is not tested, and which n8n and Node are', () => {
		expect(section).toMatch(/\| n8n 1\.x \| \*\*not tested\*\* \|/);
		expect(section).toMatch(/\| n8n 2\.40\.7 on Node 24\.21\.0 \| end to end/);
		// the runtime the e2e tests use is the one the table names
		const ensure = fs.readFileSync(path.join(REPO_ROOT, 'scripts', 'ensure-runtime.sh'), 'utf8');
		expect(ensure).toContain('N8N_VERSION="${N8N_VERSION:-2.40.7}"');
		expect(ensure).toContain('NODE24_VERSION="${NODE24_VERSION:-24.21.0}"');
		expect(fs.readFileSync(README_PATH, 'utf8')).not.toMatch(/n8n 1\.x on Node 20/);
	});
});
