#!/usr/bin/env bash
# Shows that a change kept behaviour (DESIGN.md: an optimisation or a restructuring shows the suite's
# traces before and after): runs the scenario suite with two `rehearse` binaries, under the
# scenarios' own seeds and a few more, and compares every trace byte for byte, except the build
# name in each trace's header line. Prints the first differing trace and exits 1 on a difference.
#
#   scripts/compare-traces.sh BEFORE_REHEARSE AFTER_REHEARSE [SCENARIO_PATHS...]
#   SEEDS="1 2 3" scripts/compare-traces.sh ...   (default: the scenarios' seeds, then 7 and 42)
set -euo pipefail
if [[ $# -lt 2 ]]; then
  echo "usage: $0 BEFORE_REHEARSE AFTER_REHEARSE [SCENARIO_PATHS...]" >&2
  exit 2
fi
before=$1 after=$2
shift 2
paths=("$@")
[[ ${#paths[@]} -gt 0 ]] || paths=(scenarios)
seeds=${SEEDS:-"default 7 42"}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run_suite() {  # binary, output folder, seed
  local args=(run "${paths[@]}" --jobs 2 --quiet --report "$2")
  [[ $3 == default ]] || args+=(--seed "$3")
  # A failing scenario is a result, not an error of this script: compare the verdicts too.
  CI=true "$1" "${args[@]}" >"$2.out" 2>&1 || true
  # The build name in each header differs by construction.
  find "$2/traces" -type f -print0 | xargs -0 sed -i -E '1s/"build":"[^"]*"/"build":"-"/'
}

status=0
for seed in $seeds; do
  run_suite "$before" "$work/before-$seed" "$seed"
  run_suite "$after" "$work/after-$seed" "$seed"
  if ! diff -rq "$work/before-$seed/traces" "$work/after-$seed/traces" >"$work/diff-$seed"; then
    echo "seed $seed: traces differ:"
    head -5 "$work/diff-$seed"
    first=$(grep -m1 -oE '^Files [^ ]+ and [^ ]+' "$work/diff-$seed" | awk '{print $2, $4}' || true)
    # shellcheck disable=SC2086
    [[ -n $first ]] && diff $first | head -20
    status=1
  else
    n=$(find "$work/after-$seed/traces" -type f | wc -l)
    echo "seed $seed: $n traces byte-identical"
  fi
done
exit $status
