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

# The Electron binary and Playwright's browsers cannot be downloaded here: the desktop build does
# not need the binary, and the UI tests drive Debian's Chromium.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build

# The desktop app's own build of better-sqlite3 (Electron's ABI), beside the Node one; needs the internet
# and says so in one line when it cannot (see README, Desktop app).
node scripts/electron-sqlite.mjs
