#!/usr/bin/env bash
# Acceptance: two AuthServer processes with Storage__Provider=Redis share one private redis-server;
# buf curl walks the seed customer through all six steps hopping between them, and John through step 6
# by phone (the call centre on one node, the signature on the other); then, with Redis
# stopped, StartRecovery answers UNAVAILABLE and health says NOT_SERVING; with Redis back, SERVING.
#
# Usage: tests/e2e/two-nodes-on-redis.sh [path/to/AuthServer.dll]
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

server_dll=${1:-src/AuthServer/bin/Release/net10.0/AuthServer.dll}
work=$(mktemp -d)
sink="$work/sink.jsonl"
redis_port=$(free_port)
start_redis() { redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 & redis=$!; }
start_redis
a="http://127.0.0.1:$(free_port)"
b="http://127.0.0.1:$(free_port)"
redis_env=(Storage__Provider=Redis Storage__Redis__Configuration="127.0.0.1:$redis_port" Storage__Redis__KeyPrefix="e2e:" Notifications__DevSink__Path="$sink"
  Otp__ResendCooldown=00:00:01)
node_a=$(start_server "$server_dll" "$a" "$work/a.log" "${redis_env[@]}")
node_b=$(start_server "$server_dll" "$b" "$work/b.log" "${redis_env[@]}")
cleanup() {
  local rc=$?
  kill "$node_a" "$node_b" "$redis" 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    for f in a b; do echo "--- node $f log ---" >&2; tail -n 40 "$work/$f.log" >&2 || true; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_status "$a" SERVING
wait_status "$b" SERVING
echo "ok   two nodes on one Redis are serving"

walk_seed_customer "$sink" "$a" "$b" 'Nube#Verde!2031'
echo "two nodes: the seed customer walked all six steps hopping between them"
walk_phone_path "$sink" "$a" "$b" "$(dirname "$server_dll")/appsettings.Development.json" 'Nube#Verde!2031'
echo "two nodes: the call centre's phone path hopped between them"

kill "$redis"
wait "$redis" 2>/dev/null || true
if out=$(call "$a" recovery.v1.RecoveryService/StartRecovery \
  '{"card_number":"5403751077331015","card_expiry":"08/28","document_id":"X1234567L","captcha_token":"dev-ok"}' 2>&1); then
  echo "FAIL StartRecovery succeeded with Redis stopped: $out" >&2; exit 1
fi
echo "$out" | grep -q '"code": "unavailable"' || { echo "FAIL expected unavailable, got: $out" >&2; exit 1; }
echo "ok   Redis stopped: StartRecovery answers UNAVAILABLE"
wait_status "$b" NOT_SERVING
echo "ok   Redis stopped: health NOT_SERVING"

start_redis
wait_status "$a" SERVING
echo "ok   Redis back: SERVING again without a restart"
