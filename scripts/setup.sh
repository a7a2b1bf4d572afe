#!/usr/bin/env bash
# Installs the Debian packages rundrill needs (only those missing) and builds it.
# Usage: [BUILD_TYPE=Release] [BUILD_TARGET=name] scripts/setup.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}

packages=(
  build-essential cmake pkg-config
  libboost-dev libboost-filesystem-dev libboost-system-dev libboost-regex-dev
  libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev libsqlite3-dev
  python3 python3-httpx curl jq shellcheck
)
# What only the tests need: a browser to render report.html, xmllint to validate junit.xml
# against its schema, and a real kubectl whose flag parser the contract check consults.
if [ "${RUNDRILL_TEST_TOOLS:-0}" = 1 ]; then
  packages+=(chromium libxml2-utils)
  # Any real kubectl will do; Debian's only when the machine has none.
  command -v kubectl >/dev/null || packages+=(kubernetes-client)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Optimised without debug info by default: debug info makes the build about half as slow
# again. Set BUILD_TYPE=RelWithDebInfo to debug.
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" ${BUILD_TARGET:+--target "$BUILD_TARGET"}
