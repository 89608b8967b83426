#!/usr/bin/env bash
# Installs what sockd needs to build, run and test on Debian 12, from
# Debian's packages (and npm for the test clients). Safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libcaf-dev libboost1.81-dev libpqxx-dev nlohmann-json3-dev libssl-dev
  postgresql-15 postgresql-client-15
  curl ca-certificates
  coturn  # turnserver and turnutils_uclient: tests/integration/turn.test.mjs, clients/js test:call
  prometheus  # prometheus and promtool: tests/integration/metrics.test.mjs, admin.test.mjs
  openssl  # the CLI: throwaway CAs and certificates of the TLS tests
  clang libclang-rt-14-dev  # the fuzzers of fuzz/ (libFuzzer, scripts/fuzz.sh)
  systemd  # systemd-analyze verify of deploy/systemd/sockd.service
)
if [ "${SOCKD_WITH_BROWSER:-0}" = 1 ]; then
  packages+=(chromium)
fi
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
    || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
    --no-install-recommends "${missing[@]}"
fi
