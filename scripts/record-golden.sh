#!/usr/bin/env bash
# Brings the golden traces (scenarios/golden/) up to date with this build: a trace whose replay
# diverges is rewritten (`rehearse replay --accept`), a scripted scenario without one gets one, a
# trace whose scenario is gone is removed. Review the diff before committing it: every changed line
# is a change of behaviour. Traces are recorded from the repository's root, so they name their
# scenario by a relative path and replay anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
REHEARSE=${REHEARSE:-build/apps/rehearse/rehearse}
GOLDEN=scenarios/golden
FOLDERS=(scenarios/workflows scenarios/quirks scenarios/faults scenarios/regressions)
mkdir -p "$GOLDEN"

for trace in "$GOLDEN"/*.jsonl; do
  [ -e "$trace" ] || continue
  scenario=$(sed -n '1s/.*"scenario":"\([^"]*\)".*/\1/p' "$trace")
  if [ ! -e "$scenario" ]; then echo "removed $trace (its scenario $scenario is gone)"; rm "$trace"; fi
done
if compgen -G "$GOLDEN/*.jsonl" >/dev/null; then
  "$REHEARSE" replay --accept --quiet "$GOLDEN" || [ $? -eq 1 ]
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$REHEARSE" run --quiet --report "$tmp" "${FOLDERS[@]}" >/dev/null || true
scenario_of() { sed -n '1s/.*"scenario":"\([^"]*\)".*/\1/p' "$1"; }
recorded=$(for trace in "$GOLDEN"/*.jsonl; do [ -e "$trace" ] && scenario_of "$trace"; done; true)
for trace in "$tmp"/traces/*.jsonl; do
  scenario=$(scenario_of "$trace")
  grep -qxF "$scenario" <<<"$recorded" && continue
  # Named after the scenario file: scenarios/workflows/wismo-healthy.yaml -> workflows--wismo-healthy.jsonl
  name=$(sed -e 's|^scenarios/||' -e 's|\.ya\?ml$||' -e 's|/|--|g' <<<"$scenario").jsonl
  cp "$trace" "$GOLDEN/$name"
  echo "added $GOLDEN/$name"
done
