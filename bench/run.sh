#!/usr/bin/env bash
# Prints, from one run on this machine, the cost of one faked kubectl call through the shim,
# the cost of spawning /bin/true through the same executor, and their ratio. Figures are
# only compared within one run: the machines are shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TYPE=Release BUILD_TARGET=rundrill_bench bash scripts/setup.sh build-bench >/dev/null
json=$(mktemp)
trap 'rm -f "$json"' EXIT
./build-bench/bench/rundrill_bench --benchmark_format=json --benchmark_out="$json" \
  --benchmark_out_format=json >/dev/null
python3 - "$json" <<'PY'
import json, sys
# Names carry options ("BM_SpawnTrue/min_time:2.000"); the part before the slash is ours.
runs = {b["name"].split("/")[0]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
def us(name):
    b = runs[name]
    scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b["time_unit"]]
    return b["real_time"] * scale
true_us = us("BM_SpawnTrue")
call_us = us("BM_KubectlCall")
loop_us = us("BM_KubectlCallsInOneStep") / 50
fake_us = us("BM_KubectlInProcess")
print(f"spawn /bin/true through the executor : {true_us:9.1f} us per step")
print(f"one kubectl call through the shim    : {call_us:9.1f} us per step (shell + shim + fake)")
print(f"kubectl calls in a 50-call loop      : {loop_us:9.1f} us per call")
print(f"the fake kubectl alone, in process   : {fake_us:9.1f} us per call")
print(f"ratio kubectl step / true step       : {call_us / true_us:9.2f}")
print(f"ratio per call in loop / true step   : {loop_us / true_us:9.2f}")
PY
