#!/usr/bin/env bash
# Wall time and peak memory of `routelint check` on a folder holding the 13 MB GitHub REST spec.
# Targets: under 0.5 s wall and under 200 MB peak.
set -euo pipefail
cd "$(dirname "$0")/.."
benches/fetch-octokit.sh >/dev/null
cargo build --release --quiet
runs=${RUNS:-5}
for i in $(seq "$runs"); do
  /usr/bin/time -f "run $i: %e s wall, %M KB peak" ./target/release/routelint check target/bench-data/octokit >/dev/null || true
done
