#!/usr/bin/env bash
# Installs what Hoist needs (Node 24 too, where the machine's is older), then builds. Safe to run again.
#   bash scripts/setup.sh          (npm run setup)        what running Hoist needs
#   bash scripts/setup.sh test     (npm run setup:test)   + what the tests need
#   bash scripts/setup.sh bench    (npm run setup:bench)  + what the benchmarks need
# Debian packages are installed when run as root or with sudo; npm packages with native modules
# compile from source.
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"

# Running: build tools for better-sqlite3/keytar, and libsecret for keytar (the OS keychain).
APT_PACKAGES=(build-essential python3 libsecret-1-dev)
# Tests: a Secret Service (gnome-keyring + dbus) for the keychain tests, Chromium for the UI tests.
if [ "$MODE" = "test" ] || [ "$MODE" = "bench" ]; then APT_PACKAGES+=(gnome-keyring dbus dbus-x11 chromium); fi
# Benchmarks: rclone, the yardstick of the sync benchmark.
if [ "$MODE" = "bench" ]; then APT_PACKAGES+=(rclone); fi
case "$MODE" in run | test | bench) ;; *)
  echo "setup: unknown mode '$MODE' (run, test or bench)" >&2
  exit 2
  ;;
esac

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else SUDO="none"; fi
  if [ "$SUDO" = "none" ]; then
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node 24 LTS, where the machine's Node is older: installed into .runtime/node/ and first on PATH from
# here on, so npm ci builds the native modules for it (against its headers, offline).
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
ensure_node_runtime
NODEDIR_ENV=()
if [ -n "$NODE_RUNTIME_DIR" ]; then
  export PATH="$NODE_RUNTIME_DIR/bin:$PATH"
  # Only for npm ci/rebuild: the Electron build of better-sqlite3 below needs Electron's headers instead.
  NODEDIR_ENV=("npm_config_nodedir=$NODE_RUNTIME_DIR")
elif NODE_HEADERS="$(node_headers_prefix)"; then
  # A new-enough Node first on PATH that npm's node-gyp may not build for by itself (see
  # node_headers_prefix): a shell with another checkout's .runtime/node/bin first built them for Node 20.
  NODEDIR_ENV=("npm_config_nodedir=$NODE_HEADERS")
fi

# npm ci itself never downloads Electron or Playwright's browsers: it would wait on them with no deadline.
# The UI tests drive Debian's Chromium; the Electron binary is fetched below, with a bounded wait.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  env "${NODEDIR_ENV[@]}" ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
# better-sqlite3 and keytar are not N-API: a node_modules built for another Node (an earlier setup on the
# machine's Node) is rebuilt. The stamp records the ABI they load in; `hoist` reads it (cli/node-runtime).
NATIVE_ABI="$(node -p process.versions.modules)"
if [ "$(cat node_modules/.hoist-node-abi 2>/dev/null)" != "$NATIVE_ABI" ]; then
  if ! node -e "require('better-sqlite3')(':memory:').close(); require('keytar')" 2>/dev/null; then
    echo "setup: building better-sqlite3 and keytar for Node $(node -v)"
    env "${NODEDIR_ENV[@]}" npm rebuild better-sqlite3 keytar
  fi
  echo "$NATIVE_ABI" >node_modules/.hoist-node-abi
fi
# npm puts node_modules/.bin first on PATH for every `npm run`, `npm test`, `npm start` and `npx`: this
# link makes them all run on the Node the native modules were built for.
if [ -n "$NODE_RUNTIME_DIR" ]; then
  ln -sfn ../../.runtime/node/bin/node node_modules/.bin/node
elif [ -L node_modules/.bin/node ]; then
  rm node_modules/.bin/node
fi
npm run build

# What the desktop app needs beyond the build: Electron's binary (for `npm start`) and better-sqlite3 for
# Electron's ABI. Each needs the internet, probes for it first (5 s), is skipped on CI, and otherwise
# says in one line that it could not and why; setup goes on (see README, Desktop app).
node scripts/electron-download.mjs
node scripts/electron-sqlite.mjs
