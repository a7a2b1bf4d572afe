#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ with clang (ASan and UBSan) and runs each for a
# bounded time, starting from the seed corpus in tests/corpus/fuzz/<target>/.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (default: 60 s, every target)
# Inputs that crash, leak, hang or run out of memory are kept in build-fuzz/artifacts/<target>/;
# new coverage is kept in build-fuzz/corpus/<target>/ (the seed corpus is never written to).
# Exits 1 when any target failed.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(runbook scenario wire http)
build_dir=build-fuzz

# The project's own packages through setup.sh (which also builds one target: the shim, the
# cheapest), then the compiler: libFuzzer and the sanitizer runtimes come with clang's runtime
# package.
BUILD_TYPE=Release BUILD_TARGET=rundrill-shim bash scripts/setup.sh build >/dev/null
missing=()
for p in clang-14 libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "fuzz: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cxx=$(command -v clang++ || command -v clang++-14)

# -O1 and line tables only: symbolised stacks at a fraction of the compile time of -O2 -g.
cmake -S . -B "$build_dir" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
  -DRUNDRILL_FUZZ=ON >/dev/null
# At most two compile jobs: the machine is shared.
cmake --build "$build_dir" -j 2 --target "${targets[@]/%/_fuzz}"

status=0
printf '\n%-10s %8s %14s  %s\n' target seconds executions result
for t in "${targets[@]}"; do
  corpus="$build_dir/corpus/$t"
  artifacts="$build_dir/artifacts/$t"
  log="$build_dir/fuzz-$t.log"
  mkdir -p "$corpus" "$artifacts"
  set +e
  # -timeout: one input taking longer than this is a hang, kept like a crash.
  "$build_dir/fuzz/${t}_fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "tests/corpus/fuzz/$t" \
    >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    result="no crash"
  else
    result="CRASHED (exit $rc): $(ls -t "$artifacts" | head -1), see $log"
    status=1
  fi
  printf '%-10s %8s %14s  %s\n' "$t" "$seconds" "${runs:-?}" "$result"
done
exit $status
