#!/usr/bin/env bash
# Installs the Debian packages Rehearsal builds and tests with, only when missing.
# Idempotent and silent when everything is present; prints what it installs otherwise.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev            # Asio and Beast (header-only parts)
  nlohmann-json3-dev
  libyaml-cpp-dev
  libcli11-dev
  libssl-dev libsqlite3-dev sqlite3
  tzdata                      # the store's time zone (policy day boundaries)
  libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev
  nodejs npm                  # official SDK conformance tests (later issues)
  clang-14 libclang-rt-14-dev # the libFuzzer targets (make fuzz; tests/fuzz), with ASan and UBSan
  chromium                    # the HTML report's headless render test (Reports.HtmlRendersInHeadlessChromium)
  python3                     # the source check (scripts/check_sources.py) and the outside-pipeline tests (examples/python-pipeline)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node may come from outside Debian's packages on some machines; accept any working node+npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "setup: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
