#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz/ and
# runs each for a bounded time on a temporary copy of its committed corpus
# (docs/fuzzing.md). Prints one line per target; exits 1 if any target
# found a crash, a hang or an out-of-memory input.
#
#   FUZZ_SECONDS=60       time per target (-max_total_time)
#   FUZZ_TARGETS="..."    targets to run (default: all of tests/fuzz/corpus)
#   FUZZ_RSS_MB=2048      -rss_limit_mb (and the malloc limit)
#   FUZZ_TIMEOUT=10       seconds one input may take (-timeout)
#   FUZZ_KEEP_CORPUS=1    merge inputs that add coverage into tests/fuzz/corpus
#   FUZZ_KEEP_GOING=1     do not stop at the first finding: libFuzzer's fork
#                         mode, one worker, saves every reproducer
#   FUZZ_ARTIFACTS=DIR    where reproducers go (default BUILD_DIR/artifacts)
#   BUILD_DIR=build-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
rss_mb=${FUZZ_RSS_MB:-2048}
timeout_s=${FUZZ_TIMEOUT:-10}
corpus_root=tests/fuzz/corpus
artifacts=${FUZZ_ARTIFACTS:-$build_dir/artifacts}
if [[ -n ${FUZZ_TARGETS:-} ]]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for dir in "$corpus_root"/*/; do
    targets+=("$(basename "$dir")")
  done
fi

CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DVMSS_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1" >/dev/null
cmake --build "$build_dir" -j2 --target "${targets[@]}"

mkdir -p "$artifacts"
work=$(mktemp -d /tmp/vmss-fuzz-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

failed=0
for name in "${targets[@]}"; do
  bin=$build_dir/tests/fuzz/$name
  seeds=$corpus_root/$name
  corpus=$work/$name/corpus
  mkdir -p "$corpus" "$work/$name/tmp"
  cp "$seeds"/* "$corpus"/
  args=(-max_total_time="$seconds" -rss_limit_mb="$rss_mb"
    -timeout="$timeout_s" -print_final_stats=1
    -artifact_prefix="$artifacts/$name-")
  if [[ -f tests/fuzz/$name.dict ]]; then
    args+=(-dict="tests/fuzz/$name.dict")
  fi
  if [[ ${FUZZ_KEEP_GOING:-0} == 1 ]]; then
    args+=(-fork=1 -ignore_crashes=1 -ignore_ooms=1 -ignore_timeouts=1)
  fi
  log=$artifacts/$name.log
  stamp=$work/$name/started
  touch "$stamp"
  start=$SECONDS
  status=0
  TMPDIR=$work/$name/tmp "$bin" "${args[@]}" "$corpus" >"$log" 2>&1 ||
    status=$?
  took=$((SECONDS - start))
  # Plain mode ends with stat:: lines; fork mode with "#RUNS: cov: ..." lines.
  last=$(grep -E '^#[0-9]+:?[[:space:]]' "$log" | tail -1 || true)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  runs=${runs:-$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$last")}
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  found=$(find "$artifacts" -maxdepth 1 -newer "$stamp" \( -name "$name-crash-*" \
    -o -name "$name-oom-*" -o -name "$name-timeout-*" -o -name "$name-leak-*" \) |
    wc -l)
  summary="${runs:-?} runs in ${took}s, cov ${cov:-?} ft ${ft:-?}"
  if [[ $found -gt 0 || $status -ne 0 ]]; then
    failed=1
    first=$(grep -E -m1 '^==[0-9]+==ERROR|^SUMMARY: |runtime error|ALARM|out-of-memory' "$log" || echo "exit $status")
    echo "$name: FOUND $found, $summary: $first (reproducers $artifacts/$name-*, log $log)"
  else
    echo "$name: ok, $summary, corpus $(ls "$corpus" | wc -l) inputs"
  fi
  if [[ ${FUZZ_KEEP_CORPUS:-0} == 1 ]]; then
    TMPDIR=$work/$name/tmp "$bin" -merge=1 -rss_limit_mb="$rss_mb" \
      -timeout="$timeout_s" "$seeds" "$corpus" >>"$log" 2>&1
  fi
done
exit $failed
