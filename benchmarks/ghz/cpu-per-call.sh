#!/usr/bin/env bash
# What one call costs the server, not how many calls a second the shared machine allowed: for each server build given,
# an in-memory server started as run-ratios.sh starts it, a warm-up long enough for the JIT's tier-up, then rounds of
# (health check, StartRecovery) under ghz, each reporting from /proc around the run: the server's CPU per call, the part
# of it spent by the server GC's threads, the server's minor page faults per call, and ghz's own CPU per call. With two
# builds (before and after a change) the rounds alternate between them in the same minutes, so that what the machine's
# other load does falls on both. Loopback only; prints one line per run, and a mean per build and call at the end.
#
# Usage: benchmarks/ghz/cpu-per-call.sh [--rounds 2] [--duration 6s] [--warmup 12s] [--repeat 1] DLL [DLL...]
#   DLL       a Release build's AuthServer.dll (src/AuthServer/bin/Release/net10.0/AuthServer.dll)
#   --repeat  how many times the whole list of builds is gone through (each time a fresh server per build)
# ghz: as run-ratios.sh finds it (PATH, $GHZ, ../shared/tools/ghz/ghz).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

rounds=2
duration=6s
warmup=12s
repeat=1
dlls=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "cpu-per-call.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    *) dlls+=("$(realpath -m "$1")"); shift ;;
  esac
done
[ ${#dlls[@]} -gt 0 ] || { echo "cpu-per-call.sh: name at least one AuthServer.dll (see --help)" >&2; exit 2; }
for d in "${dlls[@]}"; do [ -f "$d" ] || { echo "cpu-per-call.sh: no server build at $d" >&2; exit 2; }; done

. "$repo/benchmarks/ghz/find-ghz.sh"
if ! ghz=$(find_ghz); then
  echo "cpu-per-call.sh: no ghz: not on PATH, \$GHZ unset, and no ../shared/tools/ghz/ghz beside the repository." >&2
  exit 3
fi
[ -x /usr/bin/time ] || { echo "cpu-per-call.sh: needs /usr/bin/time (apt-get install time) for ghz's own CPU" >&2; exit 2; }
echo "ghz: $ghz ($("$ghz" --version 2>&1))" >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

ticks=$(getconf CLK_TCK)
# utime + stime of a process or thread, in clock ticks (fields 14 and 15, counted after the command name's ')').
cpu_of() { sed 's/.*) //' "$1" | awk '{print $12 + $13}'; }
faults_of() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $8}'; }
gc_of() {
  local total=0 t
  for t in /proc/"$1"/task/*; do
    if grep -q "Server GC" "$t/comm" 2>/dev/null; then total=$((total + $(cpu_of "$t/stat"))); fi
  done
  echo "$total"
}

health=(--insecure --call grpc.health.v1.Health/Check -d '{}')
start=(--config start-recovery.json)
results="$work/results.txt"
: >"$results"
cd "$here" # the config's data-file is relative to this folder

measure() { # measure BUILD NAME [ghz args...]
  local build=$1 name=$2; shift 2
  local s0 g0 f0 s1 g1 f1
  s0=$(cpu_of "/proc/$server_pid/stat"); g0=$(gc_of "$server_pid"); f0=$(faults_of "$server_pid")
  /usr/bin/time -f "%U %S" -o "$work/ghz-time" "$ghz" "$@" -z "$duration" --duration-stop ignore -c 64 --connections 4 \
    -O json -o "$work/run.json" "127.0.0.1:$port" >/dev/null 2>&1
  s1=$(cpu_of "/proc/$server_pid/stat"); g1=$(gc_of "$server_pid"); f1=$(faults_of "$server_pid")
  python3 - "$work/run.json" "$work/ghz-time" "$build" "$name" "$((s1 - s0))" "$((g1 - g0))" "$((f1 - f0))" "$ticks" <<'PY' | tee -a "$results"
import json, sys
run, ghz_time, build, name, server, gc, faults, ticks = sys.argv[1:]
d = json.load(open(run)); n = d["count"]; ok = (d.get("statusCodeDistribution") or {}).get("OK", 0)
ghz_cpu = sum(float(x) for x in open(ghz_time).read().split()[:2])
us = lambda ticks_used: int(ticks_used) * 1e6 / int(ticks) / n
print(f"{build}\t{name}\tcalls={n}\tok={ok}\trps={d['rps']:.0f}\tserver_us={us(server):.1f}\tgc_us={us(gc):.1f}"
      f"\tfaults={int(faults) / n:.2f}\tghz_us={ghz_cpu * 1e6 / n:.1f}")
PY
}

for _ in $(seq 1 "$repeat"); do
  for dll in "${dlls[@]}"; do
    # The build's name: the folder holding src/ (a worktree, a clone), else the DLL's own path.
    build=$(basename "${dll%%/src/AuthServer/bin/*}")
    port=$(free_port)
    # As run-ratios.sh: Development (the dev captcha token of the config), rate limits out of the way.
    env ASPNETCORE_ENVIRONMENT=Development \
      RateLimits__PerCard__Limit=1000000 RateLimits__PerDocument__Limit=1000000 \
      RateLimits__PerClientAddress__Limit=1000000 RateLimits__PerChannel__Limit=1000000 \
      dotnet "$dll" --urls "http://127.0.0.1:$port" --contentRoot "$(dirname "$dll")" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 150); do
      if "$ghz" "${health[@]}" -n 1 -c 1 "127.0.0.1:$port" 2>/dev/null | grep -q 'OK'; then break; fi
      sleep 0.2
    done
    echo "server: $dll on 127.0.0.1:$port ($build); warming up $warmup..." >&2
    "$ghz" "${start[@]}" -z "$warmup" --duration-stop ignore -c 64 --connections 4 "127.0.0.1:$port" >/dev/null 2>&1 || true
    "$ghz" "${health[@]}" -z 4s --duration-stop ignore -c 64 --connections 4 "127.0.0.1:$port" >/dev/null 2>&1 || true
    for _ in $(seq 1 "$rounds"); do
      measure "$build" health "${health[@]}"
      measure "$build" start-recovery "${start[@]}"
    done
    kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  done
done

echo "means (µs of CPU per call; faults per call):"
python3 - "$results" <<'PY'
import sys, collections, statistics
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    f = line.rstrip("\n").split("\t")
    rows[(f[0], f[1])].append({k: float(v) for k, v in (x.split("=") for x in f[2:])})
for (build, name), rs in rows.items():
    m = lambda k: statistics.mean(r[k] for r in rs)
    print(f"  {build:12} {name:15} runs={len(rs)} server={m('server_us'):.1f} gc={m('gc_us'):.1f} faults={m('faults'):.2f} ghz={m('ghz_us'):.1f}")
PY
