#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite (unit and integration).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNDRILL_TEST_TOOLS=1 bash scripts/setup.sh build
ctest --test-dir build --output-on-failure -j "$(nproc)" --timeout 120
