#!/usr/bin/env bash
# Sourced by setup.sh. Hoist runs and is tested on Node 24 LTS, pinned in .node-version. Where the
# machine's own Node is older, this installs the pinned Node into .runtime/node/ (git-ignored) from the
# npm registry's `node-<platform>-<arch>` package: the official binary plus its headers, so native
# modules build against it with node-gyp's --nodedir and no download from nodejs.org.
# Sets NODE_RUNTIME_DIR to that directory, or to "" when the machine's Node is new enough already.
NODE_RUNTIME_VERSION="$(tr -d '[:space:]' <.node-version)"
NODE_RUNTIME_DIR=""

# npm's own integrity check compares the tarball with the registry's record; this pins the record
# itself for the platform CI runs on, so a re-published package would be refused.
declare -A NODE_RUNTIME_INTEGRITY=(
  [linux-x64]="sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=="
)

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ensure_node_runtime() {
  local wanted_major="${NODE_RUNTIME_VERSION%%.*}"
  local dir=.runtime/node
  if command -v node >/dev/null && [ "$(node_major node)" -ge "$wanted_major" ]; then
    # An earlier setup's Node would shadow the machine's in bin/hoist: the native modules follow this one.
    rm -rf "$dir"
    return 0
  fi
  if [ -x "$dir/bin/node" ] && [ "$("$dir/bin/node" -p process.versions.node)" = "$NODE_RUNTIME_VERSION" ]; then
    NODE_RUNTIME_DIR="$PWD/$dir"
    return 0
  fi
  local platform arch
  case "$(uname -s)" in Linux) platform=linux ;; Darwin) platform=darwin ;; *) platform=unknown ;; esac
  case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) arch=unknown ;; esac
  local package="node-$platform-$arch@$NODE_RUNTIME_VERSION"
  echo "setup: this machine has Node $(node -v 2>/dev/null || echo 'none'); installing Node $NODE_RUNTIME_VERSION ($package) into $dir"
  local work
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: the trap must remove this call's directory
  trap "rm -rf '$work'" RETURN
  local packed
  if ! packed="$(npm pack "$package" --pack-destination "$work" --silent)"; then
    echo "setup: could not fetch $package from the npm registry; Hoist needs Node $wanted_major or newer" >&2
    return 1
  fi
  local expected="${NODE_RUNTIME_INTEGRITY[$platform-$arch]:-}"
  if [ -n "$expected" ]; then
    local actual
    actual="$(node -e 'const { createHash } = require("node:crypto"); const bytes = require("node:fs").readFileSync(process.argv[1]); console.log("sha512-" + createHash("sha512").update(bytes).digest("base64"))' "$work/$packed")"
    if [ "$actual" != "$expected" ]; then
      echo "setup: $package does not match the integrity pinned in scripts/node-runtime.sh ($actual)" >&2
      return 1
    fi
  fi
  tar -xzf "$work/$packed" -C "$work"
  rm -rf "$dir"
  mkdir -p "$(dirname "$dir")"
  mv "$work/package" "$dir"
  NODE_RUNTIME_DIR="$PWD/$dir"
}

# The install prefix of the `node` on PATH when its own headers sit beside it (an official release, nvm,
# another checkout's .runtime/node) and are of its very version; fails otherwise. With them as node-gyp's
# --nodedir, native modules are built for that Node: without, npm's node-gyp takes the headers it finds
# for another Node (Debian's patched node-gyp uses the system's), and they would not load in this one.
node_headers_prefix() {
  local prefix header version
  prefix="$(node -p 'require("node:path").resolve(process.execPath, "..", "..")' 2>/dev/null)" || return 1
  header="$prefix/include/node/node_version.h"
  [ -f "$header" ] || return 1
  version="$(awk '/^#define NODE_(MAJOR|MINOR|PATCH)_VERSION / { v = v (v == "" ? "" : ".") $3 } END { print v }' "$header")"
  [ "$version" = "$(node -p process.versions.node)" ] || return 1
  echo "$prefix"
}
