#!/usr/bin/env bash
# Prints, from one run on this machine: the cost of one faked kubectl call through the shim
# against spawning /bin/true through the same executor; the wall time of a six-hour virtual
# drill and its virtual/wall ratio; and `kubectl get pods -A -o json` on 10 000 pods against
# 10. Figures are only compared within one run: the machines are shared and noisy.
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
six = runs["BM_SixHourDrill"]
six_ms = six["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[six["time_unit"]]
print(f"six-hour virtual drill, wall time    : {six_ms:9.1f} ms")
print(f"virtual time / wall time             : {six['virtual_per_wall']:9.0f} x")
pods = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]
        if b["name"].startswith("BM_KubectlGetAllPodsJson")}
def bench_us(full):
    b = pods[full]
    return b["real_time"] * {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b["time_unit"]]
p10 = bench_us("BM_KubectlGetAllPodsJson/10")
p10k = bench_us("BM_KubectlGetAllPodsJson/10000")
print(f"get pods -A -o json, 10 pods         : {p10:9.1f} us")
print(f"get pods -A -o json, 10 000 pods     : {p10k:9.1f} us")
print(f"ratio 10 000 pods / 10 pods          : {p10k / p10:9.0f} (1000 would be linear)")
PY
