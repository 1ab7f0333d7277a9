#!/usr/bin/env bash
# Runs the issue's benchmark set and prints the median of RUNS runs of each
# (machines are noisy: compare medians, and ratios measured in one run).
#   bench/run_all.sh [BUILD_DIR]      (RUNS=3, REGION_DAY_HOURS=1 by default)
set -euo pipefail
sim=${1:-build}/runners/vmss-sim
runs=${RUNS:-3}
trace_dir=$(mktemp -d)
trap 'rm -rf "$trace_dir"' EXIT

# median FIELD LINE... : the median of key FIELD over the given result lines
median() {
  local key=$1; shift
  printf '%s\n' "$@" | sed -n "s/.*[ #]$key=\([0-9.]*\).*/\1/p" | sort -g \
    | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}

# bench NAME ARGS...: runs `vmss-sim bench ARGS` RUNS times, prints medians
bench() {
  local name=$1; shift
  local lines=() details=()
  for _ in $(seq "$runs"); do
    local out
    out=$("$sim" bench "$@" 2>&1) || {
      echo "FAILED: $name"; tail -n 5 <<<"$out"; exit 1; }
    lines+=("$(grep -E '^(w[12]_|region_)' <<<"$out" | tail -n 1)")
    details+=("$(grep '^# setup_s' <<<"$out")")
    grep -q 'check=ok' <<<"${lines[-1]}" || { echo "FAILED: $name: ${lines[-1]}"; exit 1; }
  done
  local wall windows
  wall=$(median wall_s "${lines[@]}")
  windows=$(median windows "${details[@]}")
  printf '%-34s msgs_per_s=%-10s wall_s=%-7s rss_kb=%-8s windows=%s windows_per_s=%s\n' \
    "$name" "$(median msgs_per_s "${lines[@]}")" "$wall" \
    "$(median rss_kb "${lines[@]}")" "$windows" \
    "$(awk -v w="$windows" -v s="$wall" 'BEGIN {printf "%.0f", w / s}')"
}

echo "# cores=$(nproc) runs=$runs $(date -u +%FT%TZ)"
for n in 1 2 3; do
  bench "W1 pingpong nodes=$n" pingpong --nodes "$n"
done
bench "W1 pingpong nodes=2 same-node-pairs" pingpong --nodes 2 --same-node-pairs
for n in 1 2 3; do
  bench "W2 heartbeat H=10000 nodes=$n" heartbeat --nodes "$n"
done
for n in 1 2 3; do
  bench "W2 heartbeat H=100000 nodes=$n" heartbeat --hosts 100000 --nodes "$n"
done
bench "W2 heartbeat H=100000 T=1 (memory)" heartbeat --hosts 100000 --seconds 1
bench "empty windows nodes=2" pingpong --pairs 1 --rounds 10000 --nodes 2
# Issue 3: the region preset (4,800 hosts, 201,600 VM slots), 1 virtual hour.
bench "region preset 1h nodes=1" region --seconds 3600
# Issue 14: region-day (docs/benchmarks.md), REGION_DAY_HOURS virtual hours
# (default 1; 24 is the whole day), and its CI variant on 1 and 3 nodes.
day_hours=${REGION_DAY_HOURS:-1}
bench "region-day ${day_hours}h nodes=1" region-day --hours "$day_hours"
for n in 1 3; do
  bench "region-day CI variant nodes=$n" region-day --nodes "$n" \
    --scenario "$(dirname "$0")/../scenarios/region-day-ci.json"
done

# Tracing cost: plain and traced runs interleaved, medians compared.
plain=() traced=() bytes=()
for _ in $(seq "$runs"); do
  plain+=("$("$sim" bench pingpong --threads 1 | tail -n 1)")
  out=$("$sim" bench pingpong --threads 1 --trace "$trace_dir/w1")
  traced+=("$(tail -n 1 <<<"$out")")
  bytes+=("$(grep '^# setup_s' <<<"$out")")
done
p=$(median wall_s "${plain[@]}")
t=$(median wall_s "${traced[@]}")
printf 'W1 trace every delivery: wall_s plain=%s traced=%s overhead=%s%% bytes_per_record=%s\n' \
  "$p" "$t" "$(awk -v p="$p" -v t="$t" 'BEGIN {printf "%.0f", (t / p - 1) * 100}')" \
  "$(median bytes_per_record "${bytes[@]}")"
