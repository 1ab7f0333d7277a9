#!/usr/bin/env bash
# Leader failover time of the fabric controller over many seeds: for each
# seed, a first run finds the leader (the last elected by 8 s); a second
# crashes the leader's host at 10 s; the failover time is from the crash to
# the first log entry the new leader commits (its own no-op of the new
# term). Prints every seed's time and the median, p99 and max.
#   bench/failover.sh [BUILD_DIR] [SEEDS]     (default build, 100)
set -euo pipefail
sim=${1:-build}/runners/vmss-sim
seeds=${2:-100}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
model='region tenants=0'
times=()
for seed in $(seq "$seeds"); do
  "$sim" run --seed "$seed" --model "$model" --until 8s --out "$dir/calm" >/dev/null
  "$sim" trace export "$dir/calm" --format jsonl -o "$dir/calm.jsonl"
  elected=$(grep '"event":"leader_elected"' "$dir/calm.jsonl" | tail -n 1)
  leader=$(sed 's/.*"entity":"\([^"]*\)\/fc".*/\1/' <<<"$elected")
  term=$(sed 's/.*"term":\([0-9]*\).*/\1/' <<<"$elected")
  "$sim" run --seed "$seed" --model "$model faults=host_crash@10s:$leader" \
    --until 30s --out "$dir/fail" >/dev/null
  # The new leader's first applied entry of a later term.
  "$sim" trace export "$dir/fail" --format jsonl -o "$dir/fail.jsonl"
  t=$(awk -v term="$term" '
    /"event":"leader_elected"/ && match($0, /"term":[0-9]+/) {
      tm = substr($0, RSTART + 7, RLENGTH - 7) + 0
      if (tm > term) { match($0, /"entity":"[^"]*"/); who = substr($0, RSTART, RLENGTH) }
    }
    who != "" && /"event":"fc_applied"/ && index($0, who) && match($0, /"term":[0-9]+/) {
      if (substr($0, RSTART + 7, RLENGTH - 7) + 0 > term) {
        match($0, /"t_ns":[0-9]+/); print substr($0, RSTART + 7, RLENGTH - 7); exit
      }
    }' "$dir/fail.jsonl")
  if [ -z "$t" ]; then echo "seed $seed: no new leader committed"; exit 1; fi
  ms=$(awk -v t="$t" 'BEGIN { printf "%.1f", (t - 10e9) / 1e6 }')
  echo "seed $seed leader $leader failover_ms $ms"
  times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -g | awk '
  { v[NR] = $1 }
  END {
    p99 = v[int(NR * 0.99 + 0.999)]; if (p99 == "") p99 = v[NR]
    printf "failover_ms seeds=%d median=%s p99=%s max=%s\n", NR, v[int((NR + 1) / 2)], p99, v[NR]
  }'
