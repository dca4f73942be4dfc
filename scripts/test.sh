#!/usr/bin/env bash
# THE test command (`npm test`, also run by `.ci/run`). From a fresh clone on a fresh machine:
#   1. dependencies   scripts/install-deps.sh: npm ci (npm install when there is no lock file),
#                     skipped when node_modules already matches package.json + package-lock.json
#   2. runtime        scripts/ensure-runtime.sh --prometheus --browser --queue: Node 24 + n8n in ~/.cache
#                     (once, checked every run), Prometheus, promtool, node_exporter, Pushgateway,
#                     Chromium, Redis and PostgreSQL from Debian's packages (once), puppeteer-core
#                     checked against Chromium
#   3. lint           npm run lint, then npm run format:check (prettier, n8n's starter config)
#   4. typecheck      npm run typecheck
#   5. build          npm run build
#   5b. lint:dist     the compiled dist/**/*.js with n8n's community rules (what the scanner runs)
#   6. unit tests     jest --selectProjects unit (no external binary)
#   6b. integration   jest --selectProjects integration: real Prometheus, node_exporter and promtool
#                     (the live-signals scenarios, the Prometheus harness, the shipped alert rules)
#   7. e2e tests      jest --selectProjects e2e --runInBand (real n8n, real Prometheus, Ollama simulator;
#                     the hostile-server suite under Node 20 and Node 24); its global setup stops the
#                     run at once when the runtime is broken, its global teardown kills every process
#                     the run left alive
#   8. browser test   jest --selectProjects browser --runInBand (headless Chromium driven by
#                     puppeteer-core on the n8n editor)
# Stops at the first failing step and exits with its status.
set -euo pipefail
cd "$(dirname "$0")/.."

T0=$SECONDS
STEP=0
STEPS=10

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

ensure_runtime() {
	bash scripts/ensure-runtime.sh --prometheus --browser --queue
}

echo "n8n-nodes-ai-dispatcher tests: system node $(node --version), npm $(npm --version)"
step "dependencies (npm ci)" bash scripts/install-deps.sh
step "runtime: Node 24, n8n, Prometheus, Chromium, Redis, PostgreSQL (scripts/ensure-runtime.sh --prometheus --browser --queue)" ensure_runtime
step "lint and format (eslint, prettier --check)" bash -c 'npm run --silent lint && npm run --silent format:check'
step "typecheck" npm run --silent typecheck
step "build" npm run --silent build
step "lint dist like n8n's verification scanner" npm run --silent lint:dist
RESULTS="$(mktemp -d)"
trap 'rm -rf "$RESULTS"' EXIT
step "unit tests" npx --no-install jest --selectProjects unit --json --outputFile="$RESULTS/unit.json"
step "integration tests (real Prometheus, node_exporter, promtool)" npx --no-install jest --selectProjects integration --json --outputFile="$RESULTS/integration.json"
step "e2e tests (real n8n, real Prometheus, Ollama simulator)" npx --no-install jest --selectProjects e2e --runInBand --json --outputFile="$RESULTS/e2e.json"
step "browser test (headless Chromium on the n8n editor)" npx --no-install jest --selectProjects browser --runInBand --json --outputFile="$RESULTS/browser.json"

printf '\n\033[1;32mAll %d steps passed in %ds.\033[0m\n' "$STEPS" $((SECONDS - T0))
# One closing line over the four jest projects, in the plain form CI reads.
node -e '
let passed = 0, failed = 0;
for (const f of process.argv.slice(1)) { const r = require(f); passed += r.numPassedTests; failed += r.numFailedTests; }
if (passed === 0) { console.error("no test ran"); process.exit(1); }
console.log(`${passed} passed, ${failed} failed`);
' "$RESULTS/unit.json" "$RESULTS/integration.json" "$RESULTS/e2e.json" "$RESULTS/browser.json"
