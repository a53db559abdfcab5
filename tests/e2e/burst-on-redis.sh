#!/usr/bin/env bash
# CI load step: a 200-flow unlock burst (AuthClient burst) against a server on a real Redis, closed loop,
# then a short open loop at 5 × the capacity measured in the same run (shed calls retried after their
# RetryInfo, as a real channel does). Fails on errors (anything but explicit shedding: an UNAVAILABLE
# without ErrorInfo is one) or a server above 1 GiB, never on timings; the reports go to artifacts/.
#
# Usage: tests/e2e/burst-on-redis.sh [path/to/AuthServer.dll] [customers]
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

server_dll=${1:-src/AuthServer/bin/Release/net10.0/AuthServer.dll}
customers=${2:-200}
client_dll=src/AuthClient/bin/Release/net10.0/AuthClient.dll
work=$(mktemp -d)
mkdir -p artifacts
redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
redis=$!
url="http://127.0.0.1:$(free_port)"
# As production runs it: the load channel authenticates with its own token (AuthClient reads it from
# RECOVERY_CHANNEL_TOKEN), so the burst pays for the channel check like real traffic does.
export RECOVERY_CHANNEL_TOKEN
RECOVERY_CHANNEL_TOKEN=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
server=$(start_server "$server_dll" "$url" "$work/server.log" \
  Channels__Tokens__load-test__0="$RECOVERY_CHANNEL_TOKEN" \
  Storage__Provider=Redis Storage__Redis__Configuration="127.0.0.1:$redis_port" \
  Notifications__DevSink__Path="$work/sink.jsonl" \
  RateLimits__PerCard__Limit=1000000 RateLimits__PerDocument__Limit=1000000 \
  RateLimits__PerClientAddress__Limit=1000000 RateLimits__PerChannel__Limit=1000000)
cleanup() {
  local rc=$?
  kill "$server" "$redis" 2>/dev/null || true
  if [ $rc -ne 0 ]; then echo "--- server log ---" >&2; tail -n 40 "$work/server.log" >&2 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_status "$url" SERVING
# The published Development admin token (appsettings.Development.json); refused outside Development.
admin_token=$(python3 -c 'import json; print(json.load(open("src/AuthServer/appsettings.Development.json"))["Directory"]["AdminTokens"][0])')
dotnet "$client_dll" burst --server "$url" --customers "$customers" --concurrency 8 --dev-sink "$work/sink.jsonl" \
  --admin-token "$admin_token" --anchor-seconds 2 \
  --json artifacts/burst.json --markdown artifacts/burst.md --chart artifacts/burst.svg --no-input

# Beyond capacity: 3 s of arrivals at 5 × the measured capacity after a 2 s closed-loop baseline; every
# refusal must be explicit (exit 1 on any error), customers who give up are reported, not failed.
dotnet "$client_dll" burst --server "$url" --overload 5 --duration 3 --baseline-seconds 2 --capacity-seconds 2 \
  --dev-sink "$work/sink.jsonl" --admin-token "$admin_token" --anchor-seconds 1 \
  --json artifacts/burst-overload.json --markdown artifacts/burst-overload.md --chart artifacts/burst-overload.svg --no-input

# The server's memory through the bursts, from outside: its peak resident set (VmHWM) so far.
peak_kib=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
echo "server peak resident memory through the bursts: $((peak_kib / 1024)) MiB" | tee artifacts/burst-server-memory.txt
if [ "$peak_kib" -gt $((1024 * 1024)) ]; then echo "FAIL the server passed 1 GiB during the bursts" >&2; exit 1; fi
