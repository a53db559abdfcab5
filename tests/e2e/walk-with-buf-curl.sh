#!/usr/bin/env bash
# Acceptance walk with an independent client: buf curl, using only server reflection and the
# development sink. Starts the built server on a free loopback port, walks the seed customer through
# all six steps, then logs in with the new password. Exits non-zero at the first unexpected answer.
#
# Usage: tests/e2e/walk-with-buf-curl.sh [path/to/AuthServer.dll]
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh

server_dll=${1:-src/AuthServer/bin/Release/net10.0/AuthServer.dll}
work=$(mktemp -d)
sink="$work/sink.jsonl"
url="http://127.0.0.1:$(free_port)"
# A 1 s resend cooldown, so that the phone path below need not wait 30 s before the agent may issue a code.
server=$(start_server "$server_dll" "$url" "$work/server.log" Notifications__DevSink__Path="$sink" Otp__ResendCooldown=00:00:01)
cleanup() {
  local rc=$?
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
  if [ $rc -ne 0 ]; then echo "--- server log ---" >&2; tail -n 60 "$work/server.log" >&2 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Start-up checks first: --help, and a Production start without secrets must refuse clearly.
dotnet "$server_dll" --help | grep -q "Notifications:DevSink:Path" || { echo "FAIL --help does not list the configuration" >&2; exit 1; }
echo "ok   --help lists the configuration"
set +e
ASPNETCORE_ENVIRONMENT=Production dotnet "$server_dll" --urls "http://127.0.0.1:0" \
  --contentRoot "$(cd "$(dirname "$server_dll")" && pwd)" >"$work/prod.log" 2>&1
prod_exit=$?
set -e
expect "Production without secrets exits 2" "$prod_exit" "2"
grep -q "Secrets:CodeKey is required" "$work/prod.log" || { cat "$work/prod.log" >&2; echo "FAIL no clear message" >&2; exit 1; }
echo "ok   Production without secrets names the missing keys"

wait_status "$url" SERVING
expect "health" "$(health "$url")" "SERVING"
buf curl --protocol grpc --http2-prior-knowledge --list-methods "$url" | grep -q "recovery.v1.RecoveryService/StartRecovery"
echo "ok   reflection lists recovery.v1"

new_password='Nube#Verde!2031'
walk_seed_customer "$sink" "$url" "$url" "$new_password"
temporary=$TEMPORARY
user_code=10000001

if call "$url" recovery.v1.AccessService/Login "{\"user_code\":\"$user_code\",\"password\":\"$temporary\"}" >/dev/null 2>"$work/err"; then
  echo "FAIL the temporary password still logs in" >&2; exit 1
fi
grep -q unauthenticated "$work/err" || { cat "$work/err" >&2; echo "FAIL the temporary password was refused, but not as unauthenticated" >&2; exit 1; }
echo "ok   the temporary password no longer works"
echo "buf curl walk: all six steps passed"

walk_phone_path "$sink" "$url" "$url" "$(dirname "$server_dll")/appsettings.Development.json" "$new_password"
if call "$url" recovery.v1.CallCentreService/LookupOperation "{\"reference\":\"$PHONE_REFERENCE\"}" -H "x-agent-id: agente.0042" >/dev/null 2>"$work/err"; then
  echo "FAIL the call centre answered without its token" >&2; exit 1
fi
grep -q unauthenticated "$work/err" || { cat "$work/err" >&2; echo "FAIL the call centre refused a call without its token, but not as unauthenticated" >&2; exit 1; }
echo "ok   phone path: no call-centre token, no answer"

# TLS when a certificate is configured: a second process on https with a throwaway certificate, and
# channel tokens, as production runs it: the channel's token travels in the TLS-protected headers.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
  tls_port=$(free_port)
  web_token=$(openssl rand -base64 32)
  ASPNETCORE_ENVIRONMENT=Development Kestrel__Certificates__Default__Path="$work/cert.pem" Kestrel__Certificates__Default__KeyPath="$work/key.pem" \
    Channels__Tokens__web__0="$web_token" \
    dotnet "$server_dll" --urls "https://127.0.0.1:$tls_port" --contentRoot "$(cd "$(dirname "$server_dll")" && pwd)" >"$work/tls.log" 2>&1 &
  tls_server=$!
  tls_status=""
  until=$((SECONDS + E2E_DEADLINE))
  while [ $SECONDS -lt $until ]; do
    tls_status=$(buf curl --protocol grpc --insecure --timeout 5s "https://127.0.0.1:$tls_port/grpc.health.v1.Health/Check" 2>/dev/null | field status 2>/dev/null) && break
    sleep 0.2
  done
  evaluate() { buf curl --protocol grpc --insecure --timeout "$E2E_CALL_TIMEOUT" "$@" -d '{"password":"Nube#Verde!2031"}' "https://127.0.0.1:$tls_port/recovery.v1.AccessService/EvaluatePassword"; }
  set +e
  evaluate >"$work/anon.out" 2>"$work/anon.err"
  anon_exit=$?
  set -e
  acceptable=$(evaluate -H "authorization: Bearer $web_token" | field acceptable) || acceptable="(failed)"
  kill $tls_server 2>/dev/null || true
  wait $tls_server 2>/dev/null || true
  expect "TLS endpoint with a configured certificate" "$tls_status" "SERVING"
  # buf curl prints ErrorInfo undecoded; its bytes hold the reason as plain text.
  [ "$anon_exit" -ne 0 ] && grep -q '"code": "unauthenticated"' "$work/anon.err" \
    && [ "$(grep '"value"' "$work/anon.err" | sed 's/.*"value": "\([^"]*\)".*/\1=/' | base64 -d 2>/dev/null | tr -c '[:print:]' ' ' | grep -o CHANNEL_TOKEN_INVALID)" = CHANNEL_TOKEN_INVALID ] \
    || { cat "$work/anon.out" "$work/anon.err" >&2; echo "FAIL a call without the channel token was not refused" >&2; exit 1; }
  echo "ok   channel tokens: a call without one is refused (UNAUTHENTICATED, CHANNEL_TOKEN_INVALID)"
  expect "channel tokens: the web channel's token is answered (EvaluatePassword)" "$acceptable" "True"
fi

# The same flow from the command line, as a channel engineer would try it: AuthClient against the
# same server process, for the Mastercard demo customer.
client_dll=$(dirname "$server_dll")/../../../../AuthClient/bin/Release/net10.0/AuthClient.dll
if [ -f "$client_dll" ]; then
  dotnet "$client_dll" recover --server "$url" --card 5403751077331015 --expiry 08/28 --document X1234567L \
    --new-password 'Lluvia#Sur!2032' --dev-sink "$sink" --sink-timeout "$E2E_DEADLINE" --no-input >"$work/client.log" 2>&1 || { cat "$work/client.log" >&2; echo "FAIL AuthClient recover" >&2; exit 1; }
  grep -q "acabado en 032" "$work/client.log" || { cat "$work/client.log" >&2; echo "FAIL AuthClient output lacks the phone's last digits" >&2; exit 1; }
  echo "ok   AuthClient recover walked the Mastercard customer (phone ending 032)"
fi
