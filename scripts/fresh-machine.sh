#!/usr/bin/env bash
# The hard proof that a newcomer's two README commands work: each in a fresh `git clone` of this
# repository's committed HEAD (or the ref given), with an EMPTY runtime cache and an EMPTY npm cache
# (AI_DISPATCHER_CACHE and npm_config_cache pointing at new temp dirs):
#   1. `npm install && npm start`: waits until n8n answers GET /healthz and /healthz/readiness, creates the owner account and
#      checks that n8n lists the AI Dispatcher node and its credential (GET /types/nodes.json,
#      /types/credentials.json: what the editor loads), then stops it (the whole process group) and
#      checks the port is free;
#   2. `.ci/run` (= `npm test`: lint, typecheck, build, unit and e2e tests) in a second fresh clone
#      with its own empty caches, as CI on a new machine runs it.
# Prints the time of every phase, and removes the temp dirs (unless --keep).
#
#   bash scripts/fresh-machine.sh [--keep] [--shared-cache] [--only-start] [ref]
#     --shared-cache  step 2 reuses step 1's caches (what one newcomer running both commands sees)
#     --only-start    step 1 only
#
# What it cannot empty: Debian packages (prometheus, node_exporter, pushgateway, chromium, redis-server,
# postgresql) installed system-wide by an earlier run stay installed. Needs: git, system Node >= 20
# with npm, network to the npm registry. Takes 20-45 minutes on a loaded two-core machine.
set -euo pipefail
# The whole script is one block, which bash reads completely before running it: editing this file
# while a run (20-45 minutes) is under way cannot change what that run executes.
{
REPO="$(cd "$(dirname "$0")/.." && pwd)"

KEEP=0 SHARED=0 ONLY_START=0 REF=HEAD
for arg in "$@"; do
	case "$arg" in
	--keep) KEEP=1 ;;
	--shared-cache) SHARED=1 ;;
	--only-start) ONLY_START=1 ;;
	-*) echo "unknown option $arg" >&2; exit 2 ;;
	*) REF="$arg" ;;
	esac
done

COMMIT="$(git -C "$REPO" rev-parse --verify "$REF^{commit}")"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/ai-dispatcher-fresh-XXXXXX")"
T0=$SECONDS
TIMINGS=()
START_PGID=""

log() { printf '\033[1m[fresh %4ds]\033[0m %s\n' $((SECONDS - T0)) "$*"; }
fail() { printf '\033[1;31m[fresh %4ds] FAILED: %s\033[0m\n' $((SECONDS - T0)) "$*" >&2; exit 1; }
record() { TIMINGS+=("$(printf '%-58s %5ds' "$1" "$2")"); log "$1: ${2}s"; }

stop_start() {
	[ -n "$START_PGID" ] || return 0
	local pgid="$START_PGID"
	START_PGID=""
	kill -TERM -- "-$pgid" 2>/dev/null || return 0
	for _ in $(seq 1 30); do
		kill -0 -- "-$pgid" 2>/dev/null || return 0
		sleep 1
	done
	log "npm start did not stop within 30 s of SIGTERM: SIGKILL"
	kill -KILL -- "-$pgid" 2>/dev/null || true
}

summary() {
	local rc=$?
	stop_start
	echo
	echo "=== fresh-machine timings (commit ${COMMIT:0:10}, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)) ==="
	for t in "${TIMINGS[@]}"; do echo "  $t"; done
	printf '  %-58s %5ds\n' "total" $((SECONDS - T0))
	if [ "$KEEP" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
	if [ "$rc" = 0 ]; then echo "RESULT: both README commands work from a fresh clone with empty caches"; else echo "RESULT: FAILED (exit $rc)"; fi
	exit "$rc"
}
trap summary EXIT
trap 'exit 130' INT TERM

if [ -n "$(git -C "$REPO" status --porcelain --untracked-files=no)" ]; then
	log "note: $REPO has uncommitted changes; they are NOT part of this test (it clones commit ${COMMIT:0:10})"
fi

# A fresh clone at COMMIT, with its own empty caches. Prints nothing; sets CLONE.
fresh_clone() {
	local name="$1" t=$SECONDS
	CLONE="$WORK/$name"
	git clone --quiet --no-local "$REPO" "$CLONE"
	git -C "$CLONE" -c advice.detachedHead=false checkout --quiet "$COMMIT"
	record "$name: git clone" $((SECONDS - t))
}

free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# --- 1. npm install && npm start -------------------------------------------------------------------
export AI_DISPATCHER_CACHE="$WORK/cache-start/runtime" npm_config_cache="$WORK/cache-start/npm"
mkdir -p "$AI_DISPATCHER_CACHE" "$npm_config_cache"
log "work dir $WORK; step 1 caches: runtime $AI_DISPATCHER_CACHE, npm $npm_config_cache (both empty)"
fresh_clone start
PORT="$(free_port)"
START_LOG="$WORK/start.log"
log "running \`npm install && npm start\` (N8N_PORT=$PORT, OLLAMA_HOST pointing at nothing: the simulator answers); log $START_LOG"
t=$SECONDS
# setsid: npm start and everything it starts (n8n, its task runner, the simulator) in one new process
# group, whose id is setsid's PID (it execs bash), so stopping it cannot miss a process.
N8N_PORT="$PORT" OLLAMA_HOST="http://127.0.0.1:$(free_port)" \
	setsid bash -c 'cd "$1" && npm install --no-audit --no-fund && npm start' fresh-start "$CLONE" >"$START_LOG" 2>&1 </dev/null &
START_PGID=$!

healthz() { curl -fsS --max-time 5 "http://127.0.0.1:$PORT/healthz" 2>/dev/null; }
phase_seen=""
while ! body="$(healthz)"; do
	kill -0 "$START_PGID" 2>/dev/null || { tail -n 40 "$START_LOG"; fail "npm install && npm start exited before n8n answered /healthz (log above)"; }
	[ $((SECONDS - t)) -lt 3600 ] || { tail -n 40 "$START_LOG"; fail "n8n did not answer /healthz within 60 minutes"; }
	# Report the phases of start.sh as they appear in its log.
	for marker in "added [0-9]* packages" "building$" "installing Node" "installing n8n" "compiling sqlite3" "NO REAL OLLAMA FOUND" "imported workflow" "n8n with AI Dispatcher"; do
		if [[ "$phase_seen" != *"|$marker|"* ]] && grep -q -- "$marker" "$START_LOG" 2>/dev/null; then
			phase_seen="$phase_seen|$marker|"
			log "  npm start log: '$(grep -m1 -- "$marker" "$START_LOG" | sed 's/\x1b\[[0-9;]*m//g; s/^ *//' | cut -c1-90)' after $((SECONDS - t))s"
		fi
	done
	sleep 3
done
record "start: npm install && npm start until /healthz answers" $((SECONDS - t))
log "/healthz: $body"
grep -q '"status":"ok"' <<<"$body" || fail "/healthz answered '$body', expected status ok"
# /healthz answers while n8n still starts ("n8n is starting up"); /healthz/readiness once it serves.
t=$SECONDS
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$PORT/healthz/readiness")" = 200 ]; do
	kill -0 "$START_PGID" 2>/dev/null || { tail -n 40 "$START_LOG"; fail "n8n exited before it was ready (log above)"; }
	[ $((SECONDS - t)) -lt 600 ] || fail "n8n answered /healthz but not /healthz/readiness within 10 minutes"
	sleep 2
done
record "start: until /healthz/readiness answers 200" $((SECONDS - t))

t=$SECONDS
nodes="$WORK/nodes.json"
creds="$WORK/credentials.json"
# n8n 2.x serves the type lists to a signed-in user: create the owner (a fresh instance has none) as
# the setup screen does, then read them with its session cookie.
jar="$WORK/cookies"
api() { curl -fsS --max-time 30 -b "$jar" -c "$jar" -H 'browser-id: fresh-machine' "$@"; }
api -H 'content-type: application/json' -o /dev/null "http://127.0.0.1:$PORT/rest/owner/setup" \
	-d '{"email":"owner@fresh-machine.invalid","firstName":"Fresh","lastName":"Machine","password":"Fresh-Machine-2026"}' ||
	fail "POST /rest/owner/setup failed"
api "http://127.0.0.1:$PORT/types/nodes.json" -o "$nodes" || fail "GET /types/nodes.json failed"
api "http://127.0.0.1:$PORT/types/credentials.json" -o "$creds" || fail "GET /types/credentials.json failed"
node -e '
	const fs = require("fs");
	const [nodesFile, credsFile] = process.argv.slice(1);
	const nodes = JSON.parse(fs.readFileSync(nodesFile, "utf8"));
	const creds = JSON.parse(fs.readFileSync(credsFile, "utf8"));
	const node = nodes.find((n) => n.name === "n8n-nodes-ai-dispatcher.aiDispatcher");
	if (!node) { console.error(`n8n lists ${nodes.length} node types, not n8n-nodes-ai-dispatcher.aiDispatcher`); process.exit(1); }
	const cred = creds.find((c) => c.name === "aiDispatcherApi");
	if (!cred) { console.error(`n8n lists ${creds.length} credential types, not aiDispatcherApi`); process.exit(1); }
	console.log(`n8n lists the node "${node.displayName}" (${node.name}, version ${JSON.stringify(node.version)}) among ${nodes.length} node types, and the credential "${cred.displayName}"`);
' "$nodes" "$creds" || fail "the AI Dispatcher node is not listed by n8n"
grep -q 'NO REAL OLLAMA FOUND' "$START_LOG" && log "npm start started the bundled Ollama simulator (no Ollama here), as documented"
grep -q 'imported workflow examples/gmail-digest.json' "$START_LOG" || fail "npm start did not import examples/gmail-digest.json"
record "start: node and credential listed by n8n" $((SECONDS - t))

t=$SECONDS
stop_start
wait 2>/dev/null || true
if curl -fsS --max-time 3 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then fail "n8n still answers on port $PORT after stopping npm start"; fi
record "start: stop n8n (process group) and check the port is closed" $((SECONDS - t))
[ "$ONLY_START" = 1 ] && exit 0

# --- 2. .ci/run ------------------------------------------------------------------------------------
if [ "$SHARED" = 0 ]; then
	export AI_DISPATCHER_CACHE="$WORK/cache-ci/runtime" npm_config_cache="$WORK/cache-ci/npm"
	mkdir -p "$AI_DISPATCHER_CACHE" "$npm_config_cache"
	log "step 2 caches: runtime $AI_DISPATCHER_CACHE, npm $npm_config_cache (both empty)"
fi
fresh_clone ci
CI_LOG="$WORK/ci.log"
log "running .ci/run (CI=true, no stdin); log $CI_LOG"
t=$SECONDS
rc=0
(cd "$CLONE" && CI=true bash .ci/run >"$CI_LOG" 2>&1 </dev/null) || rc=$?
# The per-step times test.sh prints ("<== [n/8] title ok (Ns)").
while IFS= read -r line; do log "  .ci/run: $line"; done < <(sed 's/\x1b\[[0-9;]*m//g' "$CI_LOG" | grep -E '^(<==|!!!) |^[0-9]+ passed, [0-9]+ failed|^All [0-9]+ steps|^Tests: ')
record ".ci/run (npm test) from a fresh clone" $((SECONDS - t))
if [ "$rc" -ne 0 ]; then
	sed 's/\x1b\[[0-9;]*m//g' "$CI_LOG" | tail -n 60
	fail ".ci/run exited $rc (log above)"
fi
exit 0
}
