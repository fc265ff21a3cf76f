#!/usr/bin/env bash
# Builds the site the way cargo-leptos does, without needing cargo-leptos:
# the `app` crate for the browser (feature `hydrate`), wasm-bindgen into
# target/site/pkg with the names Leptos expects, wasm-opt in release, the CSS
# and public files, then the server binary.
#   scripts/build-site.sh            debug build
#   scripts/build-site.sh --release  optimised build (wasm-opt -Oz)
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug
wasm_profile_flag=()
if [ "${1:-}" = "--release" ]; then
  profile=wasm-release
  wasm_profile_flag=(--profile wasm-release)
fi

site=target/site
pkg=$site/pkg
mkdir -p "$pkg"

echo "==> wasm ($profile)"
cargo build -p app --lib --target wasm32-unknown-unknown --no-default-features --features hydrate "${wasm_profile_flag[@]}"
# Without the name section (long generic names) the debug wasm is 9 MB, not 23:
# test pages load and hydrate far faster, and panics still print their message.
wasm-bindgen --target web --no-typescript --remove-name-section --out-dir "$pkg" --out-name buurtfonds \
  "target/wasm32-unknown-unknown/$profile/app.wasm"
mv "$pkg/buurtfonds_bg.wasm" "$pkg/buurtfonds.wasm"
# What rustc emits for wasm32 today; binaryen must know all of it, or it
# rewrites the tables wasm-bindgen's glue relies on.
wasm_features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-reference-types
  --enable-sign-ext --enable-mutable-globals --enable-multivalue)
if [ "$profile" = wasm-release ]; then
  echo "==> wasm-opt"
  tools/node_modules/.bin/wasm-opt -Oz "${wasm_features[@]}" \
    -o "$pkg/buurtfonds.wasm" "$pkg/buurtfonds.wasm"
fi

echo "==> css and public files"
cp style/main.css "$pkg/buurtfonds.css"
cp -r public/. "$site/"

echo "==> server"
if [ "$profile" = wasm-release ]; then
  cargo build --release --bin buurtfonds
else
  # Tests and browser tests share this build: --workspace --all-targets keeps
  # feature unification identical, so nothing is rebuilt between them.
  cargo build --workspace --all-targets
fi
