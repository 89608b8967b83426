#!/usr/bin/env bash
# Installs what is missing, builds sockd and starts it in dev mode with its
# own private PostgreSQL under ./var. Open http://127.0.0.1:8080/ in two tabs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/release --target sockd -j"$(nproc)"
exec build/release/sockd --dev=true --data_dir="${SOCKD_DATA_DIR:-./var}" "$@"
