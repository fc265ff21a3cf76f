#!/usr/bin/env bash
# Seeds N initiatives (default 100,000) over 20 neighbourhoods into a fresh
# SQLite database with the release binary, and prints how long it took.
#   bench/seed.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release --bin buurtfonds
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s.%N)
DATABASE_URL="sqlite://$dir/bench.db?mode=rwc" RUST_LOG=warn \
  target/release/buurtfonds seed bench --initiatives "$n"
end=$(date +%s.%N)
echo "wall time: $(awk "BEGIN { printf \"%.1f\", $end - $start }") s (including migrations); database size: $(du -h "$dir/bench.db" | cut -f1)"
