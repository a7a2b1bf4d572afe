#!/usr/bin/env bash
# Prints, from one run on this machine: the wall time of `rundrill ci` on the bundled library
# with --jobs 1 and --jobs 2 (every check on), drills per second for each, and the wall time
# of the same suite run as two shards one after the other and merged, against the unsharded
# run, with whether the merged reports are byte-identical to it. Figures are only compared
# within one run: the machines are shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_TYPE=Release BUILD_TARGET=rundrill bash scripts/setup.sh build-bench >/dev/null
BUILD_TYPE=Release BUILD_TARGET=rundrill-shim bash scripts/setup.sh build-bench >/dev/null
rundrill=./build-bench/rundrill
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() {  # runs "$@" and prints its wall time in seconds; its own exit code must be 0
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; exit 1; }
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.2f}')"
}

drills=$(find scenarios -name '*.yaml' | wc -l)
one=$(seconds "$rundrill" ci --jobs 1 --out "$work/one")
two=$(seconds "$rundrill" ci --jobs 2 --out "$work/two")
s1=$(seconds "$rundrill" ci --jobs 2 --shard 1/2 --out "$work/s1")
s2=$(seconds "$rundrill" ci --jobs 2 --shard 2/2 --out "$work/s2")
merge=$(seconds "$rundrill" report merge "$work/s1" "$work/s2" --out "$work/merged")
identical=yes
diff -r "$work/two" "$work/merged" >/dev/null || identical=no

python3 - "$drills" "$one" "$two" "$s1" "$s2" "$merge" "$identical" <<'PY'
import sys
drills = int(sys.argv[1])
one, two, s1, s2, merge = map(float, sys.argv[2:7])
identical = sys.argv[7]
print(f"bundled library: {drills} drills, every verification check on")
print(f"rundrill ci --jobs 1              : {one:7.2f} s  ({drills / one:5.2f} drills/s)")
print(f"rundrill ci --jobs 2              : {two:7.2f} s  ({drills / two:5.2f} drills/s)")
print(f"speed-up --jobs 2 / --jobs 1      : {one / two:7.2f} x")
print(f"shard 1/2 + shard 2/2 (in turn)   : {s1 + s2:7.2f} s  (slowest shard {max(s1, s2):.2f} s)")
print(f"report merge                      : {merge:7.2f} s")
print(f"sharded wall on 2 machines / whole: {(max(s1, s2) + merge) / two:7.2f}")
print(f"merged reports identical to whole : {identical}")
PY
