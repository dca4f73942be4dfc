#!/usr/bin/env bash
# Installs the dev dependencies unless node_modules already holds exactly package.json +
# package-lock.json: either this script installed them (its stamp matches) or `npm install` /
# `npm ci` just did (npm's own node_modules/.package-lock.json is newer than both files). Used by
# scripts/start.sh and scripts/test.sh, so `npm install && npm start` does not install twice.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=node_modules/.ai-dispatcher-deps.sha256
want="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
if [ -x node_modules/.bin/jest ] && [ -x node_modules/.bin/tsc ]; then
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		echo "node_modules is up to date with package.json and package-lock.json"
		exit 0
	fi
	npm_lock=node_modules/.package-lock.json
	if [ -f "$npm_lock" ] && [ -f package-lock.json ] && [ "$npm_lock" -nt package.json ] && [ "$npm_lock" -nt package-lock.json ]; then
		echo "node_modules was installed by npm after the last change to package.json and package-lock.json"
		echo "$want" >"$stamp"
		exit 0
	fi
fi
if [ -L node_modules ]; then
	# npm ci empties the directory a symlink points to (another checkout's node_modules): never do that.
	echo "node_modules is a symlink to $(readlink -f node_modules) and does not match package.json + package-lock.json;" >&2
	echo "not reinstalling through the symlink: remove it (rm node_modules) to install a copy here." >&2
	exit 1
fi
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1 >"$stamp"
