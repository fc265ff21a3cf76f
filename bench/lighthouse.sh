#!/usr/bin/env bash
# Lighthouse (npm lighthouse@12.2.3, pinned in bench/lighthouse/, mobile:
# the default form factor with simulated slow 4G and a 4x slower CPU) with
# Debian's chromium against the release build with demo data, on
# `/`, `/initiatives`, an initiative page and `/propose` (signed in as a
# resident, through a session cookie). Prints performance and accessibility
# scores, the Speed Index and the bytes transferred (the gzipped wasm
# included) as a Markdown table.
#
#   bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3191}

command -v chromium >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
}
(cd bench/lighthouse && npm ci --no-audit --no-fund >/dev/null)
scripts/build-site.sh --release >/dev/null

dir=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT

export BUURTFONDS_DATA_DIR="$dir" RUST_LOG=warn
base="http://127.0.0.1:$port"
target/release/buurtfonds seed demo >/dev/null
BUURTFONDS_LISTEN_ADDR="127.0.0.1:$port" BUURTFONDS_SITE_ROOT=target/site BUURTFONDS_PUBLIC_URL="$base" \
  target/release/buurtfonds serve >"$dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done

# A resident's session for /propose: the CSRF cookie from the sign-in page, then sign in.
jar="$dir/cookies"
curl -fs -c "$jar" "$base/login" >/dev/null
csrf=$(awk '$6 == "bf_csrf" {print $7}' "$jar")
curl -fs -b "$jar" -c "$jar" -o /dev/null \
  --data-urlencode "email=kees@buurtfonds.test" --data-urlencode "password=buurtfonds-demo" \
  --data-urlencode "next=/" --data-urlencode "csrf_token=$csrf" "$base/sf/sign_in"
cookie=$(awk '$6 != "" && $1 !~ /^#/ {printf "%s=%s; ", $6, $7}' "$jar")

id=$(curl -fs "$base/api/v1/initiatives?limit=1" | sed -E 's/.*"id":([0-9]+).*/\1/;q')

audit() { # label path [cookie]
  local out="$dir/report.json" headers=()
  if [ -n "${3:-}" ]; then headers=(--extra-headers "{\"Cookie\": \"$3\"}"); fi
  CHROME_PATH=/usr/bin/chromium bench/lighthouse/node_modules/.bin/lighthouse "$base$2" \
    --quiet --only-categories=performance,accessibility --output=json --output-path="$out" \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run" \
    "${headers[@]}" >/dev/null 2>&1
  node -e '
    const r = require(process.argv[1]);
    const kb = (b) => (b / 1024).toFixed(0) + " KB";
    const wasm = (r.audits["network-requests"].details.items || [])
      .filter((i) => i.url.endsWith(".wasm")).reduce((s, i) => s + i.transferSize, 0);
    console.log("| " + [process.argv[2], "`" + process.argv[3] + "`",
      Math.round(r.categories.performance.score * 100),
      Math.round(r.categories.accessibility.score * 100),
      (r.audits["speed-index"].numericValue / 1000).toFixed(1) + " s",
      (r.audits["largest-contentful-paint"].numericValue / 1000).toFixed(1) + " s",
      Math.round(r.audits["total-blocking-time"].numericValue) + " ms",
      kb(r.audits["total-byte-weight"].numericValue), kb(wasm)].join(" | ") + " |");
  ' "$out" "$1" "$2"
}

echo "| page | path | performance | accessibility | Speed Index | LCP | TBT | transferred | of which wasm |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
audit "home" /
audit "initiatives" /initiatives
audit "initiative page" "/initiatives/$id"
audit "propose (signed in)" /propose "$cookie"
