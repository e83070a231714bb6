#!/usr/bin/env bash
# Installs what the end-to-end suite needs, offline (npm registry + Debian only):
# Debian chromium/ripgrep, and code-server + playwright-core + @vscode/vsce in a
# directory of their own, outside the project's dependencies.
# Idempotent: every step checks first and skips what is already there.
# Every step is bounded by `timeout` so a stuck network call fails CI instead of hanging it.
set -euo pipefail

E2E_DIR="${INFLUENCE_LENS_E2E_DIR:-$HOME/.cache/influence-lens-e2e}"
CODE_SERVER_VERSION=4.100.3      # = VS Code 1.100.3; newer releases need Node 24
PLAYWRIGHT_CORE_VERSION=1.65.1
VSCE_VERSION=3.9.2               # last @vscode/vsce line that runs on Node 20
APT_PACKAGES=(chromium ripgrep libkrb5-dev fonts-dejavu-core)
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { echo "[install-e2e] $*"; }
started=$SECONDS

# 1. Debian packages ------------------------------------------------------------
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  sudo=()
  [[ "$(id -u)" != 0 ]] && sudo=(sudo)
  log "apt-get install ${missing[*]}"
  timeout 600 "${sudo[@]}" apt-get update -q -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive timeout 1200 "${sudo[@]}" apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}"
else
  log "Debian packages present: ${APT_PACKAGES[*]}"
fi

# 2. npm packages into $E2E_DIR ---------------------------------------------------
mkdir -p "$E2E_DIR"
marker="$E2E_DIR/.installed-$CODE_SERVER_VERSION-$PLAYWRIGHT_CORE_VERSION-$VSCE_VERSION"
if [[ -f "$marker" && -f "$E2E_DIR/node_modules/code-server/out/node/entry.js" ]]; then
  log "code-server $CODE_SERVER_VERSION, playwright-core, vsce present in $E2E_DIR"
  log "done in $((SECONDS - started)) s"
  exit 0
fi

cd "$E2E_DIR"
[[ -f package.json ]] || echo '{ "name": "influence-lens-e2e-tools", "private": true }' > package.json

# code-server's installer refuses root without unsafe_perm; its nested install runs
# `npx node-gyp` (needs yes); node-gyp must use the local headers, not download them.
export npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log "npm install --ignore-scripts code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_CORE_VERSION @vscode/vsce@$VSCE_VERSION into $E2E_DIR"
timeout 900 npm install --ignore-scripts \
  "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_CORE_VERSION" "@vscode/vsce@$VSCE_VERSION"

# 3. code-server's own install step installs lib/vscode's dependencies, among them
# @vscode/ripgrep, whose postinstall downloads a binary. Seed its download cache with
# Debian's rg so that step never touches the network.
log "seeding the @vscode/ripgrep download cache with /usr/bin/rg"
timeout 300 node "$SCRIPT_DIR/seed-ripgrep-cache.mjs" "$E2E_DIR/node_modules/code-server"

# 4. Run the install scripts now: argon2's prebuilt download fails and it builds
# from source; code-server's postinstall installs lib/vscode's modules.
log "npm rebuild argon2 code-server (builds native modules; takes a few minutes)"
timeout 1500 npm rebuild argon2 code-server

test -f node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg \
  || { log "ripgrep binary missing after rebuild"; exit 1; }
node -e "require('$E2E_DIR/node_modules/argon2')" \
  || { log "argon2 does not load"; exit 1; }

touch "$marker"
log "installed into $E2E_DIR in $((SECONDS - started)) s ($(du -sh "$E2E_DIR" | cut -f1))"
