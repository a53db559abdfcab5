#!/usr/bin/env bash
# Two 500-flow unlock bursts back to back against a fresh in-memory server each time: first with
# anonymous channels (the baseline), then with a channel token, so that the channel check's cost is
# read against a baseline measured in the same session. Reports: /tmp/burst-anonymous.json and
# /tmp/burst-token.json. Loopback only. Needs a Release build (dotnet build -c Release).
# Usage: benchmarks/burst-channel-pair.sh [customers]
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-500}
server_dir=$PWD/src/AuthServer/bin/Release/net10.0
client_dll=$PWD/src/AuthClient/bin/Release/net10.0/AuthClient.dll
token=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
admin=$(python3 -c 'import json; print(json.load(open("src/AuthServer/appsettings.Development.json"))["Directory"]["AdminTokens"][0])')
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

run() {
  local label=$1; shift
  rm -f /tmp/burst-sink.jsonl
  env ASPNETCORE_ENVIRONMENT=Development "$@" dotnet "$server_dir/AuthServer.dll" --contentRoot "$server_dir" \
    --urls "http://127.0.0.1:$port" --Notifications:DevSink:Path=/tmp/burst-sink.jsonl \
    --RateLimits:PerCard:Limit=100000 --RateLimits:PerDocument:Limit=100000 \
    --RateLimits:PerClientAddress:Limit=100000 --RateLimits:PerChannel:Limit=100000 >"/tmp/burst-server-$label.log" 2>&1 &
  local server=$!
  sleep 6
  dotnet "$client_dll" burst --server "http://127.0.0.1:$port" --customers "$customers" --concurrency 8 \
    --dev-sink /tmp/burst-sink.jsonl --json "/tmp/burst-$label.json" --admin-token "$admin" --no-input \
    >"/tmp/burst-client-$label.log" 2>&1 || echo "$label: client exit $?"
  kill "$server"; wait "$server" 2>/dev/null || true
}

run anonymous
export RECOVERY_CHANNEL_TOKEN=$token
run token Channels__Tokens__web__0="$token"
for label in anonymous token; do
  python3 - "$label" <<'PY'
import json, sys
d = json.load(open(f"/tmp/burst-{sys.argv[1]}.json"))
print(sys.argv[1], {k: d[k] for k in ["run_id", "flows_per_second", "flows_to_capacity", "health_rps", "start_recovery_rps", "start_recovery_to_health_ratio", "errors", "shed"]})
PY
done
