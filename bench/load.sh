#!/usr/bin/env bash
# The public side under load, at 100,000 initiatives over 20 neighbourhoods.
#
#   bench/load.sh [N] [seconds] [connections]     (defaults: 100000 10 200)
#
# Builds the release site, seeds N initiatives into a fresh SQLite database
# (`buurtfonds seed bench`), starts the release server, and loads each public
# page and API answer with wrk from Debian (on loopback, 2 threads, the given
# connections), then a static file of the same size as /initiatives served
# by the same server. Prints p50, p99 and requests per second for each, each
# dynamic page's share of the static file's requests per second, and the
# server's peak memory (VmHWM). Results go to stdout as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
secs=${2:-10}
conns=${3:-200}
port=${BENCH_PORT:-3190}

command -v wrk >/dev/null || {
  echo "==> apt-get install wrk"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}
scripts/build-site.sh --release >/dev/null

dir=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$dir" target/site/bench-static.html
}
trap cleanup EXIT

export DATABASE_URL="sqlite://$dir/bench.db?mode=rwc" RUST_LOG=warn
echo "==> seeding $n initiatives" >&2
target/release/buurtfonds seed bench --initiatives "$n" >&2

BUURTFONDS_LISTEN_ADDR="127.0.0.1:$port" BUURTFONDS_SITE_ROOT=target/site BUURTFONDS_DATA_DIR="$dir" \
  target/release/buurtfonds serve >"$dir/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done

# A public initiative, a neighbourhood and a search word from the data itself.
id=$(curl -fs "$base/api/v1/initiatives?limit=1" | sed -E 's/.*"id":([0-9]+).*/\1/;q')
slug=$(curl -fs "$base/api/v1/neighbourhoods" | sed -E 's/[^[]*\[\{"slug":"([^"]+)".*/\1/;q')

# A static file as large as the /initiatives page.
size=$(curl -fs "$base/initiatives" | wc -c)
head -c "$size" /dev/zero | tr '\0' 'x' > target/site/bench-static.html

run() { # label path
  local out p50 p99 rps cold
  # The first request renders from the database (the cold figure); the load
  # then measures the steady state, in which the public cache answers.
  cold=$(curl -fs -o /dev/null -w '%{time_total}' "$base$2" | awk '{printf "%.0f ms", $1 * 1000}')
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$base$2")
  p50=$(awk '/^ +50%/ {print $2}' <<<"$out")
  p99=$(awk '/^ +99%/ {print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  if grep -q "Non-2xx" <<<"$out"; then
    echo "warning: $2 answered errors: $(grep Non-2xx <<<"$out")" >&2
  fi
  echo "$1|$2|$cold|$p50|$p99|$rps"
}

results=()
results+=("$(run "static file ($size bytes)" /bench-static.html)")
results+=("$(run "/initiatives" /initiatives)")
results+=("$(run "/initiatives filtered" "/initiatives?neighbourhood=$slug&kind=course&status=funded")")
results+=("$(run "/initiatives search" "/initiatives?q=repair")")
results+=("$(run "initiative page" "/initiatives/$id")")
results+=("$(run "neighbourhood page" "/neighbourhoods/$slug")")
results+=("$(run "/api/v1/initiatives" /api/v1/initiatives)")

static_rps=$(cut -d'|' -f6 <<<"${results[0]}")
echo
echo "$n initiatives, $conns connections, ${secs}s each, wrk -t2 on loopback, $(nproc) cores"
echo
echo "| what | path | first request (cold) | p50 | p99 | req/s | share of static |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for r in "${results[@]}"; do
  IFS='|' read -r label path cold p50 p99 rps <<<"$r"
  share=$(awk -v a="$rps" -v b="$static_rps" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  echo "| $label | \`$path\` | $cold | $p50 | $p99 | $rps | $share |"
done
echo
echo "server peak memory (VmHWM): $(awk '/VmHWM/ {print $2, $3}' "/proc/$server_pid/status")"
