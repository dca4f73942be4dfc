#!/usr/bin/env bash
# `npm start`: a local n8n (the pinned 2.x under Node 24) with this package installed as a community
# package and the examples imported, talking to Ollama, or to the bundled simulator when no Ollama
# answers.
#
#   OLLAMA_HOST   Ollama to use; default http://127.0.0.1:11434 (`host:port` without scheme is fine)
#   N8N_PORT      n8n's port, default 5678 (bound to 127.0.0.1)
#   SIMULATOR_TIME_SCALE   latency multiplier of the simulator, default 1 (realistic CPU speeds)
#
# n8n keeps its data in .n8n-start/ (git-ignored); `rm -rf .n8n-start` starts from scratch.
# Every start reinstalls the freshly built package and re-imports the credential "AI Dispatcher
# account" (pointing at the Ollama or simulator found now). An example workflow is imported again only
# when its file changed, so edits made in the editor survive restarts.
# Ctrl-C stops n8n and the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$(pwd)"
USER_FOLDER="$REPO/.n8n-start"
PKG_NAME="$(node -p "require('./package.json').name")"

YELLOW=$'\033[1;33m' GREEN=$'\033[1;32m' RESET=$'\033[0m'
log() { printf '\033[1m[start]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[start] %s\033[0m\n' "$*" >&2; exit 1; }

free_port() {
	node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
port_in_use() {
	node -e "const s=require('net').createServer();s.once('error',()=>process.exit(0));s.listen(Number(process.argv[1]),'127.0.0.1',()=>s.close(()=>process.exit(1)))" "$1"
}

# --- 1. dependencies --------------------------------------------------------------------------------
log "dev dependencies"
bash scripts/install-deps.sh

# --- 2. runtime: Node 24 + n8n (checked before anything else is built or started) ----------------------
# ensure-runtime.sh installs (once) or repairs the runtime and fails unless sqlite3 loads under Node 24
# and `n8n --version` answers: stop here with its message rather than let n8n fail on its database.
runtime_env="$(bash scripts/ensure-runtime.sh)" ||
	die "the n8n runtime is broken (scripts/ensure-runtime.sh failed, see its messages above); nothing was started. Deleting ${AI_DISPATCHER_CACHE:-~/.cache/n8n-nodes-ai-dispatcher} makes the next run install it from scratch."
NODE24="" N8N_BIN=""
while IFS='=' read -r key value; do
	case "$key" in
	NODE24) NODE24="$value" ;;
	N8N_BIN) N8N_BIN="$value" ;;
	esac
done <<<"$runtime_env"
[ -x "$NODE24" ] && [ -f "$N8N_BIN" ] || die "scripts/ensure-runtime.sh did not provide Node 24 and n8n"

log "building"
npm run --silent build

# --- 3. Ollama, or the simulator --------------------------------------------------------------------
normalize_ollama() {
	local h="${1%/}" scheme rest hostport path
	case "$h" in http://* | https://*) ;; *) h="http://$h" ;; esac
	scheme="${h%%://*}"
	rest="${h#*://}"
	hostport="${rest%%/*}"
	path="${rest#"$hostport"}"
	case "$hostport" in :*) hostport="127.0.0.1$hostport" ;; esac
	case "$hostport" in 0.0.0.0* ) hostport="127.0.0.1${hostport#0.0.0.0}" ;; esac
	if [ "$scheme" = http ] && [[ "$hostport" != *:* || "$hostport" == *"]" ]]; then hostport="$hostport:11434"; fi
	printf '%s://%s%s' "$scheme" "$hostport" "$path"
}
ollama_answers() {
	node -e "
		fetch(process.argv[1] + '/api/tags', { signal: AbortSignal.timeout(2000) })
			.then(async (r) => process.exit(r.ok && Array.isArray((await r.json()).models) ? 0 : 1))
			.catch(() => process.exit(1));" "$1"
}

OLLAMA="$(normalize_ollama "${OLLAMA_HOST:-http://127.0.0.1:11434}")"
SIM_PID=""
cleanup_on_error() {
	if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; fi
}
trap cleanup_on_error EXIT

mkdir -p "$USER_FOLDER"
if ollama_answers "$OLLAMA"; then
	BASE_URL="$OLLAMA"
	log "using Ollama at $OLLAMA"
else
	sim_port="$(free_port)"
	sim_log="$USER_FOLDER/simulator.log"
	# One process (no npx/tsx wrapper), so signals reach the simulator itself.
	node --import tsx test/support/simulator-cli.ts --port "$sim_port" --time-scale "${SIMULATOR_TIME_SCALE:-1}" \
		>"$sim_log" 2>&1 </dev/null &
	SIM_PID=$!
	BASE_URL=""
	for _ in $(seq 1 150); do
		if line="$(grep -m1 -o 'Ollama simulator listening on http://[0-9.:]*' "$sim_log" 2>/dev/null)"; then
			BASE_URL="${line##* on }"
			break
		fi
		kill -0 "$SIM_PID" 2>/dev/null || break
		sleep 0.2
	done
	[ -n "$BASE_URL" ] || die "the Ollama simulator did not start; see $sim_log"
	cat <<BANNER

${YELLOW}################################################################################
##
##   NO REAL OLLAMA FOUND at $OLLAMA (no answer to GET /api/tags within 2 s).
##
##   ANSWERS COME FROM THE BUNDLED OLLAMA SIMULATOR at $BASE_URL
##   (canned replies: "[model] <first words of the prompt>", simulated latencies).
##
##   For real answers start Ollama (ollama serve; ollama pull phi3:mini llama3.2:3b
##   qwen2.5:7b) or point OLLAMA_HOST at it, then run npm start again.
##
################################################################################${RESET}

BANNER
fi

# --- 4. install the package the way users get it ------------------------------------------------------
pack_dir="$(mktemp -d)"
npm pack --ignore-scripts --silent --pack-destination "$pack_dir" >/dev/null
tgz="$(ls "$pack_dir"/*.tgz)"
pkg_dir="$USER_FOLDER/.n8n/nodes/node_modules/$PKG_NAME"
rm -rf "$pkg_dir"
mkdir -p "$pkg_dir"
tar -xzf "$tgz" -C "$pkg_dir" --strip-components=1
rm -rf "$pack_dir"
manifest="$USER_FOLDER/.n8n/nodes/package.json"
node -e "
	const fs = require('fs');
	const [file, name, version] = process.argv.slice(1);
	const m = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { name: 'installed-nodes', private: true, dependencies: {} };
	m.dependencies = { ...(m.dependencies || {}), [name]: version };
	fs.writeFileSync(file, JSON.stringify(m, null, 2) + '\n');" "$manifest" "$PKG_NAME" "$(node -p "require('./package.json').version")"
log "installed $(basename "$tgz") into $pkg_dir"

# --- 5. n8n environment -------------------------------------------------------------------------------
N8N_PORT="${N8N_PORT:-5678}"
if port_in_use "$N8N_PORT"; then die "port $N8N_PORT is in use; set N8N_PORT to a free port"; fi
export N8N_USER_FOLDER="$USER_FOLDER"
export N8N_PORT
export N8N_LISTEN_ADDRESS=127.0.0.1
export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-$(free_port)}"
export N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
export N8N_DIAGNOSTICS_ENABLED="${N8N_DIAGNOSTICS_ENABLED:-false}"
export N8N_VERSION_NOTIFICATIONS_ENABLED="${N8N_VERSION_NOTIFICATIONS_ENABLED:-false}"
export N8N_PERSONALIZATION_ENABLED="${N8N_PERSONALIZATION_ENABLED:-false}"
export PATH="$(dirname "$NODE24"):$PATH"
unset NODE_OPTIONS NODE_PATH
n8n() { "$NODE24" "$N8N_BIN" "$@"; }

# --- 6. credential and example workflows ----------------------------------------------------------------
creds="$USER_FOLDER/credentials.json"
node -e "
	const fs = require('fs');
	const [src, out, baseUrl] = process.argv.slice(1);
	const creds = JSON.parse(fs.readFileSync(src, 'utf8'));
	for (const c of creds) if (c.type === 'aiDispatcherApi') c.data.baseUrl = baseUrl;
	fs.writeFileSync(out, JSON.stringify(creds, null, 2));" examples/credentials.example.json "$creds" "$BASE_URL"
n8n import:credentials --input="$creds" >"$USER_FOLDER/import.log" 2>&1 || { cat "$USER_FOLDER/import.log"; die "importing the credential failed"; }
log "credential \"AI Dispatcher account\" -> $BASE_URL"

mkdir -p "$USER_FOLDER/imported"
for wf in examples/*.json; do
	node -e "const j=require(process.argv[1]); process.exit(!Array.isArray(j) && Array.isArray(j.nodes) ? 0 : 1)" "$REPO/$wf" || continue
	sum="$(sha256sum "$wf" | cut -d' ' -f1)"
	mark="$USER_FOLDER/imported/$(basename "$wf").sha256"
	if [ -f "$mark" ] && [ "$(cat "$mark")" = "$sum" ]; then
		log "workflow $wf unchanged since its last import (keeping your copy)"
		continue
	fi
	n8n import:workflow --input="$wf" >>"$USER_FOLDER/import.log" 2>&1 || { tail -20 "$USER_FOLDER/import.log"; die "importing $wf failed"; }
	echo "$sum" >"$mark"
	log "imported workflow $wf"
done

# --- 7. n8n ----------------------------------------------------------------------------------------------
if [ -n "$SIM_PID" ]; then
	# After `exec` this shell's PID is n8n's: stop the simulator as soon as n8n is gone.
	(
		trap '' INT
		while kill -0 "$$" 2>/dev/null; do sleep 1; done
		kill "$SIM_PID" 2>/dev/null || true
	) </dev/null >/dev/null 2>&1 &
fi
trap - EXIT
cat <<READY

${GREEN}  n8n with AI Dispatcher: http://127.0.0.1:$N8N_PORT
  Ollama: $BASE_URL$([ -n "$SIM_PID" ] && echo "  (SIMULATOR)")
  Open the workflow "Gmail digest with AI Dispatcher" and click "Execute workflow".
  Ctrl-C stops n8n$([ -n "$SIM_PID" ] && echo " and the simulator").${RESET}

READY
exec "$NODE24" "$N8N_BIN" start
