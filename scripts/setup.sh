#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Buurtfonds needs and is
# missing. Every step is guarded, so a second run takes a second.
#   scripts/setup.sh         the wasm32 target, wasm-bindgen CLI, binaryen's wasm-opt (npm)
#   scripts/setup.sh --test  also Chromium and the browser tests' npm packages
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen pin in Cargo.toml
want_test=false
[ "${1:-}" = "--test" ] && want_test=true

apt_updated=false
apt_install() {
  if [ "$apt_updated" = false ]; then
    echo "==> apt-get update"
    $SUDO apt-get update -qq
    apt_updated=true
  fi
  echo "==> apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
SUDO=""
[ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO=sudo

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION\$"; then
  echo "==> cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # Not --locked: a locked dependency of this version is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# wasm-opt from npm's binaryen (pinned in tools/package.json): Debian's
# binaryen 108 produces a wasm whose tables wasm-bindgen's glue cannot fill.
if ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
if [ ! -x tools/node_modules/.bin/wasm-opt ] || [ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]; then
  echo "==> npm ci (tools: binaryen)"
  (cd tools && npm ci --no-audit --no-fund)
fi

if [ "$want_test" = true ]; then
  if ! cargo nextest --version >/dev/null 2>&1; then
    echo "==> cargo install cargo-nextest (a few minutes)"
    cargo install cargo-nextest --locked
  fi
  command -v chromium >/dev/null || apt_install chromium
  if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -d tests/browser/node_modules/axe-core ] \
     || [ tests/browser/package-lock.json -nt tests/browser/node_modules/.package-lock.json ]; then
    echo "==> npm ci (tests/browser)"
    (cd tests/browser && npm ci --no-audit --no-fund)
  fi
fi
