#!/usr/bin/env bash
# THE test command (`npm test`, also run by `.ci/run`). From a fresh clone on a fresh machine:
#   1. dependencies   npm ci (npm install when there is no lock file), skipped when node_modules
#                     already matches package.json + package-lock.json
#   2. runtime        scripts/ensure-runtime.sh --prometheus: Node 24 + n8n in ~/.cache (once),
#                     Prometheus + node_exporter from Debian's packages (once)
#   3. lint           npm run lint
#   4. typecheck      npm run typecheck
#   5. build          npm run build
#   5b. lint:dist     the compiled dist/**/*.js with n8n's community rules (what the scanner runs)
#   6. unit tests     jest --selectProjects unit
#   7. e2e tests      jest --selectProjects e2e --runInBand (real n8n, real Prometheus, Ollama simulator; the hostile-server suite under Node 20 and Node 24)
# Stops at the first failing step and exits with its status.
set -euo pipefail
cd "$(dirname "$0")/.."

T0=$SECONDS
STEP=0
STEPS=9

step() {
	local title="$1"
	shift
	STEP=$((STEP + 1))
	local t=$SECONDS
	printf '\n\033[1m==> [%d/%d] %s\033[0m\n' "$STEP" "$STEPS" "$title"
	local rc=0
	"$@" || rc=$?
	if [ "$rc" -ne 0 ]; then
		printf '\n\033[1;31m!!! [%d/%d] %s FAILED (exit %d) after %ds (total %ds)\033[0m\n' \
			"$STEP" "$STEPS" "$title" "$rc" $((SECONDS - t)) $((SECONDS - T0)) >&2
		exit "$rc"
	fi
	printf '\033[1;32m<== [%d/%d] %s ok (%ds)\033[0m\n' "$STEP" "$STEPS" "$title" $((SECONDS - t))
}

# Installs dev dependencies unless node_modules was installed from exactly this package.json and lock.
install_deps() {
	local stamp=node_modules/.ai-dispatcher-deps.sha256
	local want
	want="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x node_modules/.bin/jest ]; then
		echo "node_modules is up to date with package.json and package-lock.json"
		return 0
	fi
	if [ -f package-lock.json ]; then
		npm ci --no-audit --no-fund || return
	else
		npm install --no-audit --no-fund || return
	fi
	want="$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
	echo "$want" >"$stamp"
}

ensure_runtime() {
	bash scripts/ensure-runtime.sh --prometheus
}

echo "n8n-nodes-ai-dispatcher tests: system node $(node --version), npm $(npm --version)"
step "dependencies (npm ci)" install_deps
step "runtime: Node 24, n8n, Prometheus (scripts/ensure-runtime.sh --prometheus)" ensure_runtime
step "lint" npm run --silent lint
step "typecheck" npm run --silent typecheck
step "build" npm run --silent build
step "lint dist like n8n's verification scanner" npm run --silent lint:dist
RESULTS="$(mktemp -d)"
trap 'rm -rf "$RESULTS"' EXIT
step "unit tests" npx --no-install jest --selectProjects unit --json --outputFile="$RESULTS/unit.json"
step "e2e tests (real n8n, real Prometheus, Ollama simulator)" npx --no-install jest --selectProjects e2e --runInBand --json --outputFile="$RESULTS/e2e.json"
step "browser test (headless Chromium on the n8n editor)" npx --no-install jest --selectProjects browser --runInBand --json --outputFile="$RESULTS/browser.json"

printf '\n\033[1;32mAll %d steps passed in %ds.\033[0m\n' "$STEPS" $((SECONDS - T0))
# One closing line over both jest projects, in the plain form CI reads.
node -e '
let passed = 0, failed = 0;
for (const f of process.argv.slice(1)) { const r = require(f); passed += r.numPassedTests; failed += r.numFailedTests; }
if (passed === 0) { console.error("no test ran"); process.exit(1); }
console.log(`${passed} passed, ${failed} failed`);
' "$RESULTS/unit.json" "$RESULTS/e2e.json"
