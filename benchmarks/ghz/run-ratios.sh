#!/usr/bin/env bash
# ghz as a second client: the three configurations of this folder (EvaluatePassword, StartRecovery, Login) and a
# health-check anchor against ONE server, the same concurrency and duration each, and the ratios rps ÷ health rps.
# The anchor runs first and last: their mean is the divisor, and their spread says how much the shared machine moved
# during the run. Loopback only. Writes ghz-ratios.md and ghz-ratios.json (and each ghz report) into --out.
#
# Usage: benchmarks/ghz/run-ratios.sh [--server HOST:PORT | --redis] [--concurrency 64] [--connections 4]
#                                     [--duration 8s] [--warmup 2s] [--out DIR] [--server-dll PATH]
#   --server HOST:PORT  measure a server already running (loopback, Development, rate limits raised: README.md);
#                       without it the script starts one from the Release build (dotnet build -c Release first),
#                       in memory, or on a private redis-server on a free loopback port with --redis.
# ghz: the first of `ghz` on PATH, $GHZ, ../shared/tools/ghz/ghz next to the repository (or next to the main
# worktree of a git worktree); the script says which, and stops with a clear message when there is none.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

server=""
redis=0
concurrency=64
connections=4
duration=8s
warmup=2s
out="$repo/artifacts/ghz"
server_dll="$repo/src/AuthServer/bin/Release/net10.0/AuthServer.dll"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --redis) redis=1; shift ;;
    --concurrency) concurrency=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --server-dll) server_dll=$(realpath -m "$2"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "run-ratios.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [ -n "$server" ] && [ "$redis" = 1 ]; then echo "run-ratios.sh: --redis starts its own server; not with --server" >&2; exit 2; fi
case "${server%%:*}" in ""|127.0.0.1|localhost|::1|"[::1]") ;; *) echo "run-ratios.sh: loopback servers only, not '$server'" >&2; exit 2 ;; esac

. "$repo/benchmarks/ghz/find-ghz.sh"
if ! ghz=$(find_ghz); then
  echo "run-ratios.sh: no ghz: not on PATH, \$GHZ unset, and no ../shared/tools/ghz/ghz beside the repository." >&2
  echo "Install ghz 0.120.0 (https://ghz.sh) or point GHZ at its binary; benchmarks/ghz/h2load/ is the fallback without it." >&2
  exit 3
fi
echo "ghz: $ghz ($("$ghz" --version 2>&1))" >&2

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

store=external
if [ -z "$server" ]; then
  [ -f "$server_dll" ] || { echo "run-ratios.sh: no server build at $server_dll (dotnet build -c Release)" >&2; exit 2; }
  settings=()
  store=memory
  if [ "$redis" = 1 ]; then
    command -v redis-server >/dev/null || { echo "run-ratios.sh: --redis needs redis-server (apt-get install redis-server)" >&2; exit 2; }
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
    pids+=($!)
    settings+=(Storage__Provider=Redis Storage__Redis__Configuration="127.0.0.1:$redis_port")
    store=redis
  fi
  port=$(free_port)
  server="127.0.0.1:$port"
  # Development (reflection on, the dev captcha token of the configs), rate limits out of the way: one client
  # address on one channel hammering a few thousand cards would otherwise measure the limiter (README.md).
  env ASPNETCORE_ENVIRONMENT=Development "${settings[@]}" \
    RateLimits__PerCard__Limit=1000000 RateLimits__PerDocument__Limit=1000000 \
    RateLimits__PerClientAddress__Limit=1000000 RateLimits__PerChannel__Limit=1000000 \
    RateLimits__Login__PerChannel__Limit=1000000 RateLimits__Login__PerClientAddress__Limit=1000000 \
    dotnet "$server_dll" --urls "http://$server" --contentRoot "$(dirname "$server_dll")" >"$work/server.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 150); do
    if "$ghz" --insecure --call grpc.health.v1.Health/Check -d '{}' -n 1 -c 1 "$server" 2>/dev/null | grep -q 'OK'; then break; fi
    sleep 0.2
  done
  echo "server: $server_dll on $server ($store store; log $work/server.log while it runs)" >&2
else
  echo "server: $server (started elsewhere)" >&2
fi

mkdir -p "$out"
# --duration-stop ignore: the calls still in flight when the time is up are left out, not counted as the
# UNAVAILABLE/CANCELLED that closing their connections would make them.
ghz_run() { "$ghz" "$@" -c "$concurrency" --connections "$connections" --duration-stop ignore; }
run() { # run NAME [ghz args...]: one measured ghz run of $duration
  local name=$1; shift
  ghz_run "$@" -z "$duration" -O json -o "$out/$name.json" "$server"
  echo "  $name: $(python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["rps"]))' "$out/$name.json") rps" >&2
}
health=(--insecure --call grpc.health.v1.Health/Check -d '{}')
cd "$here" # the configs' data-file is relative to this folder
if [ "$warmup" != 0 ] && [ "$warmup" != 0s ]; then
  # Unmeasured: JIT, connection set-up and the server's first allocations are not what the ratios are about.
  echo "warming up ($warmup of each call)..." >&2
  for config in evaluate-password start-recovery login; do ghz_run --config "$config.json" -z "$warmup" -O json -o /dev/null "$server" >/dev/null 2>&1 || true; done
  ghz_run "${health[@]}" -z "$warmup" -O json -o /dev/null "$server" >/dev/null 2>&1 || true
fi
echo "measuring at concurrency $concurrency over $connections connections, $duration each..." >&2
run health-before "${health[@]}"
run evaluate-password --config evaluate-password.json
run start-recovery --config start-recovery.json
run login --config login.json
run health-after "${health[@]}"

python3 - "$out" "$store" "$concurrency" "$connections" "$duration" "$ghz" <<'PY'
import json, sys, datetime
out, store, concurrency, connections, duration, ghz = sys.argv[1:]
def load(name):
    d = json.load(open(f"{out}/{name}.json"))
    p99 = next((l["latency"] for l in d.get("latencyDistribution") or [] if l["percentage"] == 99), 0) / 1e6
    return {"rps": d["rps"], "count": d["count"], "average_ms": d["average"] / 1e6, "p99_ms": p99,
            "status": d.get("statusCodeDistribution") or {}, "errors": d.get("errorDistribution") or {}}
runs = {n: load(n) for n in ["health-before", "evaluate-password", "start-recovery", "login", "health-after"]}
# Login answers UNAUTHENTICATED by design (unknown user codes: one Argon2 verify each), and at this concurrency the
# Argon2 gate sheds what it cannot hash within its latency target (RESOURCE_EXHAUSTED, documented back-pressure);
# the others should all be OK. "good rps" counts only the expected answers; the ratio is taken on it.
expected = {"evaluate-password": {"OK"}, "start-recovery": {"OK"}, "login": {"Unauthenticated"}}
tolerated = {"login": {"ResourceExhausted"}}
goals = {"evaluate-password": 0.5, "start-recovery": 0.8 if store == "redis" else 0.9}
report = {"generated_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"), "store": store,
          "concurrency": int(concurrency), "connections": int(connections), "duration": duration, "ghz": ghz,
          "runs": {}}
def good_rps(name, r):
    total = sum(r["status"].values())
    good = sum(c for s, c in r["status"].items() if s in expected.get(name, {"OK"}))
    return r["rps"] * good / total if total else 0.0
anchor = (good_rps("health-before", runs["health-before"]) + good_rps("health-after", runs["health-after"])) / 2
drift = abs(good_rps("health-before", runs["health-before"]) - good_rps("health-after", runs["health-after"])) / anchor
report["health_rps"], report["health_drift"] = round(anchor, 1), round(drift, 3)
rows = []
for name, r in runs.items():
    good = good_rps(name, r)
    ratio = good / anchor
    allowed = expected.get(name, {"OK"}) | tolerated.get(name, set())
    unexpected = sum(c for s, c in r["status"].items() if s not in allowed)
    report["runs"][name] = {**r, "good_rps": round(good, 1), "ratio_to_health": round(ratio, 3), "unexpected_statuses": unexpected}
    goal = goals.get(name)
    rows.append(f"| {name} | {r['rps']:,.0f} | {good:,.0f} | {ratio:.2f} | {'≥ %.1f' % goal if goal else '–'} | {r['average_ms']:.2f} | {r['p99_ms']:.2f} | "
                f"{', '.join(f'{s} {c}' for s, c in sorted(r['status'].items()))} |")
md = [f"# ghz ratios ({store} store, concurrency {concurrency}, {connections} connections, {duration} each)", "",
      f"Health anchor {anchor:,.0f} rps (mean of before and after; they differ by {drift:.0%}: the machine's drift during the run).", "",
      "| run | rps | good rps | ÷ health | goal | mean ms | p99 ms | statuses |", "|---|---:|---:|---:|---|---:|---:|---|", *rows, ""]
open(f"{out}/ghz-ratios.json", "w").write(json.dumps(report, indent=2) + "\n")
open(f"{out}/ghz-ratios.md", "w").write("\n".join(md))
print("\n".join(md))
bad = {n: r["unexpected_statuses"] for n, r in report["runs"].items() if r["unexpected_statuses"]}
if bad:
    print(f"unexpected statuses (see each run's JSON): {bad}", file=sys.stderr)
    sys.exit(1)
PY
