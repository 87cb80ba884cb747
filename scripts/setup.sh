#!/usr/bin/env bash
# Installs what Hoist needs, then builds. Safe to run again.
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

# npm ci itself never downloads Electron or Playwright's browsers: it would wait on them with no deadline.
# The UI tests drive Debian's Chromium; the Electron binary is fetched below, with a bounded wait.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
fi
npm run build

# What the desktop app needs beyond the build: Electron's binary (for `npm start`) and better-sqlite3 for
# Electron's ABI. Each needs the internet, probes for it first (5 s), is skipped on CI, and otherwise
# says in one line that it could not and why; setup goes on (see README, Desktop app).
node scripts/electron-download.mjs
node scripts/electron-sqlite.mjs
