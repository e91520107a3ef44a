#!/usr/bin/env bash
# Runs each libFuzzer target (tests/fuzz) for SECONDS seconds from its committed seed corpus and
# prints one line per target: seconds, runs, executions per second, result. Every target runs;
# the script exits non-zero when any found a crash, leak, timeout or out-of-memory, leaving the
# input under OUT/<target>/ and the end of its log on the terminal.
#   scripts/fuzz.sh BUILD_DIR SECONDS [OUT]
# New inputs a run finds go to OUT/<target>/corpus, never into the committed seeds.
set -euo pipefail
build=${1:?usage: scripts/fuzz.sh BUILD_DIR SECONDS [OUT]}
seconds=${2:?usage: scripts/fuzz.sh BUILD_DIR SECONDS [OUT]}
out=${3:-fuzz-out}
here=$(cd "$(dirname "$0")/.." && pwd)
targets=(http_request mock_handle shopify_graphql klaviyo_filter scenario_loader policy_loader webhook_intake)

printf '%-16s %8s %10s %8s  %s\n' target seconds runs exec/s result
status=0
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  mkdir -p "$out/$t/corpus"
  log=$out/$t/log.txt
  # -timeout: one input slower than 10 s is a finding (a hang); -rss_limit_mb bounds memory.
  if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$out/$t/" "$out/$t/corpus" "$here/tests/fuzz/corpus/$t" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-16s %8s %10s %8s  %s\n' "$t" "${took:-?}" "${runs:-?}" "${rate:-?}" "$result"
  if [[ $result != ok ]]; then grep -E "ERROR|runtime error|SUMMARY|Test unit written|^Base64" "$log" | head -8; fi
done
exit $status
