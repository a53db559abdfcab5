#!/usr/bin/env bash
# Acceptance walk with an independent client: buf curl, using only server reflection and the
# development sink. Starts the built server on a free loopback port, walks the seed customer through
# all six steps, then logs in with the new password. Exits non-zero at the first unexpected answer.
#
# Usage: tests/e2e/walk-with-buf-curl.sh [path/to/AuthServer.dll]
set -euo pipefail
cd "$(dirname "$0")/../.."

server_dll=${1:-src/AuthServer/bin/Release/net10.0/AuthServer.dll}
work=$(mktemp -d)
sink="$work/sink.jsonl"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"

ASPNETCORE_ENVIRONMENT=Development Notifications__DevSink__Path="$sink" \
  dotnet "$server_dll" --urls "$url" --contentRoot "$(cd "$(dirname "$server_dll")" && pwd)" >"$work/server.log" 2>&1 &
server=$!
cleanup() {
  local rc=$?
  kill $server 2>/dev/null || true
  wait $server 2>/dev/null || true
  if [ $rc -ne 0 ]; then echo "--- server log ---" >&2; tail -n 60 "$work/server.log" >&2 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

call() { buf curl --protocol grpc --http2-prior-knowledge --timeout 10s -d "$2" "$url/$1"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }
# The last sink message of a template, once the background dispatcher has written it.
sink_value() {
  for _ in $(seq 1 100); do
    if [ -f "$sink" ] && v=$(python3 - "$sink" "$1" "$2" <<'PY'
import json, sys
path, template, key = sys.argv[1:]
found = None
for line in open(path, encoding="utf-8"):
    line = line.strip()
    if line:
        m = json.loads(line)
        if m["template"] == template:
            found = m["values"][key]
if found is None:
    sys.exit(1)
print(found)
PY
    ); then echo "$v"; return 0; fi
    sleep 0.1
  done
  echo "no $1 message in the sink" >&2; return 1
}
expect() { if [ "$2" != "$3" ]; then echo "FAIL $1: expected '$3', got '$2'" >&2; exit 1; fi; echo "ok   $1"; }

# Start-up checks first: --help, and a Production start without secrets must refuse clearly.
dotnet "$server_dll" --help | grep -q "Notifications:DevSink:Path" && echo "ok   --help lists the configuration"
set +e
ASPNETCORE_ENVIRONMENT=Production dotnet "$server_dll" --urls "http://127.0.0.1:0" \
  --contentRoot "$(cd "$(dirname "$server_dll")" && pwd)" >"$work/prod.log" 2>&1
prod_exit=$?
set -e
expect "Production without secrets exits 2" "$prod_exit" "2"
grep -q "Secrets:CodeKey is required" "$work/prod.log" || { cat "$work/prod.log" >&2; echo "FAIL no clear message" >&2; exit 1; }
echo "ok   Production without secrets names the missing keys"

for _ in $(seq 1 100); do
  if buf curl --protocol grpc --http2-prior-knowledge "$url/grpc.health.v1.Health/Check" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
expect "health" "$(buf curl --protocol grpc --http2-prior-knowledge "$url/grpc.health.v1.Health/Check" | field status)" "SERVING"
buf curl --protocol grpc --http2-prior-knowledge --list-methods "$url" | grep -q "recovery.v1.RecoveryService/StartRecovery"
echo "ok   reflection lists recovery.v1"

start=$(call recovery.v1.RecoveryService/StartRecovery \
  '{"card_number":"4548812044110335","card_expiry":"12/29","document_id":"12345678Z","captcha_token":"dev-ok"}')
recovery_id=$(echo "$start" | field recoveryId)
code=$(sink_value recovery-code code)
echo "ok   1 Tu dato"

confirm=$(call recovery.v1.RecoveryService/ConfirmRecovery "{\"recovery_id\":\"$recovery_id\",\"code\":\"$code\"}")
expect "2 Confirmación: masked e-mail" "$(echo "$confirm" | field maskedEmail)" "sb*****@ebcc.es"
expect "3 Selección confirmada: masked phone" "$(echo "$confirm" | field maskedPhone)" "+34 - 6*****331"
user_code=$(sink_value recovery-user-code user_code)
temporary=$(sink_value recovery-temporary-password temporary_password)

login=$(call recovery.v1.AccessService/Login "{\"user_code\":\"$user_code\",\"password\":\"$temporary\"}")
ticket=$(echo "$login" | field passwordChangeRequired.changeTicket)
expect "4 Acceso: change required for" "$(echo "$login" | field passwordChangeRequired.displayName)" "NOMBRE APELLIDO APELLIDO"

new_password='Nube#Verde!2031'
meter=$(call recovery.v1.AccessService/EvaluatePassword "{\"password\":\"$new_password\",\"change_ticket\":\"$ticket\"}")
expect "5 meter acceptable" "$(echo "$meter" | field acceptable)" "True"
change=$(call recovery.v1.AccessService/ChangePassword \
  "{\"change_ticket\":\"$ticket\",\"current_password\":\"$temporary\",\"new_password\":\"$new_password\",\"repeat_password\":\"$new_password\"}")
operation_id=$(echo "$change" | field operation.operationId)
reference=$(echo "$change" | field operation.reference)
expect "5 Cambio de contraseña: description" "$(echo "$change" | field operation.description)" "Cambio de contraseña de Usuario de Banca Electrónica"
expect "6 reference is 8 digits" "$(echo "$reference" | grep -cE '^[0-9]{8}$')" "1"
expect "6 SMS names the reference" "$(sink_value operation-code reference)" "$reference"
signing_code=$(sink_value operation-code code)

sign=$(call recovery.v1.AccessService/SignOperation "{\"operation_id\":\"$operation_id\",\"code\":\"$signing_code\"}")
expect "6 Gestión de claves: signed" "$(echo "$sign" | field state)" "OPERATION_STATE_SIGNED"

session=$(call recovery.v1.AccessService/Login "{\"user_code\":\"$user_code\",\"password\":\"$new_password\"}")
expect "login with the new password gives a session" "$(echo "$session" | field session.token | grep -c .)" "1"

if call recovery.v1.AccessService/Login "{\"user_code\":\"$user_code\",\"password\":\"$temporary\"}" >/dev/null 2>"$work/err"; then
  echo "FAIL the temporary password still logs in" >&2; exit 1
fi
grep -q unauthenticated "$work/err" && echo "ok   the temporary password no longer works"
echo "buf curl walk: all six steps passed"

# TLS when a certificate is configured: a second process on https with a throwaway certificate.
if command -v openssl >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 1 \
    -subj "/CN=localhost" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
  tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  ASPNETCORE_ENVIRONMENT=Development Kestrel__Certificates__Default__Path="$work/cert.pem" Kestrel__Certificates__Default__KeyPath="$work/key.pem" \
    dotnet "$server_dll" --urls "https://127.0.0.1:$tls_port" --contentRoot "$(cd "$(dirname "$server_dll")" && pwd)" >"$work/tls.log" 2>&1 &
  tls_server=$!
  tls_status=""
  for _ in $(seq 1 100); do
    tls_status=$(buf curl --protocol grpc --insecure "https://127.0.0.1:$tls_port/grpc.health.v1.Health/Check" 2>/dev/null | field status 2>/dev/null) && break
    sleep 0.2
  done
  kill $tls_server 2>/dev/null || true
  wait $tls_server 2>/dev/null || true
  expect "TLS endpoint with a configured certificate" "$tls_status" "SERVING"
fi

# The same flow from the command line, as a channel engineer would try it: AuthClient against the
# same server process, for the Mastercard demo customer.
client_dll=$(dirname "$server_dll")/../../../../AuthClient/bin/Release/net10.0/AuthClient.dll
if [ -f "$client_dll" ]; then
  dotnet "$client_dll" recover --server "$url" --card 5403751077331015 --expiry 08/28 --document X1234567L \
    --new-password 'Lluvia#Sur!2032' --dev-sink "$sink" --no-input >"$work/client.log" 2>&1 || { cat "$work/client.log" >&2; echo "FAIL AuthClient recover" >&2; exit 1; }
  grep -q "acabado en 032" "$work/client.log" || { cat "$work/client.log" >&2; echo "FAIL AuthClient output lacks the phone's last digits" >&2; exit 1; }
  echo "ok   AuthClient recover walked the Mastercard customer (phone ending 032)"
fi
