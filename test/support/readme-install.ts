/**
 * The install commands of README.md, read from the file itself so that the tests run what users
 * read: each command block of the Install section is a ```bash fence preceded by a marker comment
 * `<!-- install:<name> -->` (pack, npm, docker, uninstall). Also the package's identity the blocks
 * must agree with (name, version, tarball name, repository URL).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const README_PATH = path.join(REPO_ROOT, 'README.md');

export interface CommandBlock {
	/** the marker's name: `<!-- install:<name> -->` */
	name: string;
	/** the fence's text, as written */
	text: string;
	/** its commands: one per non-empty line, comments (`# …`) left out */
	commands: string[];
}

const MARKED_BLOCK = /<!-- install:([a-z0-9-]+) -->\r?\n```bash\r?\n([\s\S]*?)\r?\n```/g;

/** Every marked block of the README, by name. Throws when a name is used twice. */
export function readInstallBlocks(
	readme: string = fs.readFileSync(README_PATH, 'utf8'),
): Record<string, CommandBlock> {
	const blocks: Record<string, CommandBlock> = {};
	for (const match of readme.matchAll(MARKED_BLOCK)) {
		const [, name, text] = match;
		if (blocks[name]) throw new Error(`README.md has two blocks marked install:${name}`);
		const commands = text
			.split(/\r?\n/)
			.map((line) => line.trim())
			.filter((line) => line.length > 0 && !line.startsWith('#'));
		blocks[name] = { name, text, commands };
	}
	return blocks;
}

/** The block named `name`, or an error naming the blocks that exist. */
export function installBlock(
	name: string,
	blocks: Record<string, CommandBlock> = readInstallBlocks(),
): CommandBlock {
	const block = blocks[name];
	if (!block)
		throw new Error(
			`README.md has no \`<!-- install:${name} -->\` bash block (found: ${Object.keys(blocks).join(', ') || 'none'})`,
		);
	return block;
}

/** The README's section that starts at `## <title>` and ends before the next `## ` heading. */
export function readmeSection(
	title: string,
	readme: string = fs.readFileSync(README_PATH, 'utf8'),
): string {
	const start = readme.indexOf(`\n## ${title}\n`);
	if (start < 0) throw new Error(`README.md has no "## ${title}" section`);
	const next = readme.indexOf('\n## ', start + 1);
	return readme.slice(start + 1, next < 0 ? undefined : next + 1);
}

export interface PackageIdentity {
	name: string;
	version: string;
	/** what `npm pack` writes: `<name>-<version>.tgz` */
	tarball: string;
	/** the repository's URL without npm's `git+` prefix */
	repositoryUrl: string;
}

export function packageIdentity(): PackageIdentity {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	const repo =
		typeof pkg.repository === 'string' ? pkg.repository : String(pkg.repository?.url ?? '');
	return {
		name: pkg.name,
		version: pkg.version,
		tarball: `${pkg.name}-${pkg.version}.tgz`,
		repositoryUrl: repo.replace(/^git\+/, ''),
	};
}
