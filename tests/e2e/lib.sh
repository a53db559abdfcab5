# Shared helpers of the end-to-end scripts (sourced, not run). Every server they start listens on a
# free loopback port; every call is buf curl using server reflection only.

# How long anything the scripts wait for (a server's health, a delivered message, a listening port) may take before
# the script fails, saying what it waited for. Generous on purpose: CI machines are shared and slow, and a deadline
# only costs time when something is really wrong. E2E_DEADLINE=120 gives a slower machine more.
E2E_DEADLINE=${E2E_DEADLINE:-60}
# The deadline of each RPC (buf curl --timeout, sent to the server as grpc-timeout).
E2E_CALL_TIMEOUT=${E2E_CALL_TIMEOUT:-30s}

# free_port: a free loopback port. The kernel may hand out a port it has just handed to an earlier call in this
# script (every port it gave was closed again at once), so the ports already given are kept in $work/.ports (the
# script's work directory, when it has one) and never given twice.
free_port() {
  local port record=${work:+$work/.ports}
  for _ in $(seq 1 50); do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    if [ -z "$record" ]; then echo "$port"; return 0; fi
    if ! grep -qx "$port" "$record" 2>/dev/null; then echo "$port" >>"$record"; echo "$port"; return 0; fi
  done
  echo "FAIL no free loopback port not already given to this script" >&2
  return 1
}

# start_server DLL URL LOG [VAR=value ...]: starts AuthServer in Development in the background; prints its pid.
start_server() {
  local dll=$1 url=$2 log=$3
  shift 3
  env ASPNETCORE_ENVIRONMENT=Development "$@" \
    dotnet "$dll" --urls "$url" --contentRoot "$(cd "$(dirname "$dll")" && pwd)" >"$log" 2>&1 &
  echo $!
}

# Headers every call sends (a script running against channel tokens sets them once).
CALL_HEADERS=()

# call URL METHOD JSON [buf curl options, e.g. -H "name: value"]
call() { buf curl --protocol grpc --http2-prior-knowledge --timeout "$E2E_CALL_TIMEOUT" "${CALL_HEADERS[@]}" "${@:4}" -d "$3" "$1/$2"; }

# The walks below read what the customer's phone and mailbox received through message_value and answer
# the captcha through captcha_token. By default both use Development's tools (the sink, the fixed token);
# a script running against real providers redefines them after sourcing this file.
SINK=
message_value() { sink_value "$SINK" "$1" "$2"; }
# The sink's line count when the current walk began: a walk reads only the messages written after it, so that a
# message still on its way through the outbox is waited for instead of an earlier walk's being taken for it.
SINK_FROM=0
sink_mark() { SINK_FROM=0; if [ -n "$SINK" ] && [ -f "$SINK" ]; then SINK_FROM=$(wc -l <"$SINK" | tr -d ' '); fi; }
captcha_token() { echo dev-ok; }

field() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }

health() { buf curl --protocol grpc --http2-prior-knowledge --timeout 5s "$1/grpc.health.v1.Health/Check" 2>/dev/null | field status 2>/dev/null; }

# wait_status URL STATUS: up to E2E_DEADLINE seconds for the health service to say STATUS.
wait_status() {
  local seen= until=$((SECONDS + E2E_DEADLINE))
  while [ $SECONDS -lt $until ]; do
    seen=$(health "$1") || seen=
    [ "$seen" = "$2" ] && return 0
    sleep 0.2
  done
  echo "FAIL $1 did not report $2 within $E2E_DEADLINE s (last answer: '${seen:-none}')" >&2
  return 1
}

# sink_value SINK TEMPLATE KEY: the last message of TEMPLATE written since the walk's sink_mark, once the background
# dispatcher wrote it (up to E2E_DEADLINE seconds). Only whole lines count: one the server is still writing is read at
# the next look.
sink_value() {
  local v until=$((SECONDS + E2E_DEADLINE))
  while [ $SECONDS -lt $until ]; do
    if [ -f "$1" ] && v=$(python3 - "$1" "$2" "$3" "$SINK_FROM" <<'PY'
import json, sys
path, template, key, skip = sys.argv[1:]
found = None
with open(path, encoding="utf-8") as f:
    for number, line in enumerate(f):
        if number < int(skip) or not line.endswith("\n") or not line.strip():
            continue
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
  echo "FAIL no $2 message in the sink $1 after line $SINK_FROM within $E2E_DEADLINE s" >&2; return 1
}

expect() { if [ "$2" != "$3" ]; then echo "FAIL $1: expected '$3', got '$2'" >&2; exit 1; fi; echo "ok   $1"; }

# walk_seed_customer SINK URL_A URL_B NEW_PASSWORD: the six steps of the seed screens for the seed
# customer, alternating between two servers (the same URL twice for one server), then a login with
# the new password. Sets TEMPORARY for the caller.
walk_seed_customer() {
  SINK=$1; sink_mark
  local a=$2 b=$3 new_password=$4
  local start recovery_id code confirm user_code login ticket meter change operation_id reference signing_code sign session
  start=$(call "$a" recovery.v1.RecoveryService/StartRecovery \
    "{\"card_number\":\"4548812044110335\",\"card_expiry\":\"12/29\",\"document_id\":\"12345678Z\",\"captcha_token\":\"$(captcha_token)\"}")
  recovery_id=$(echo "$start" | field recoveryId)
  code=$(message_value recovery-code code)
  echo "ok   1 Tu dato"

  confirm=$(call "$b" recovery.v1.RecoveryService/ConfirmRecovery "{\"recovery_id\":\"$recovery_id\",\"code\":\"$code\"}")
  expect "2 Confirmación: masked e-mail" "$(echo "$confirm" | field maskedEmail)" "sb*****@ebcc.es"
  expect "3 Selección confirmada: masked phone" "$(echo "$confirm" | field maskedPhone)" "+34 - 6*****331"
  user_code=$(message_value recovery-user-code user_code)
  TEMPORARY=$(message_value recovery-temporary-password temporary_password)

  login=$(call "$a" recovery.v1.AccessService/Login "{\"user_code\":\"$user_code\",\"password\":\"$TEMPORARY\"}")
  ticket=$(echo "$login" | field passwordChangeRequired.changeTicket)
  expect "4 Acceso: change required for" "$(echo "$login" | field passwordChangeRequired.displayName)" "NOMBRE APELLIDO APELLIDO"

  meter=$(call "$b" recovery.v1.AccessService/EvaluatePassword "{\"password\":\"$new_password\",\"change_ticket\":\"$ticket\"}")
  expect "5 meter acceptable" "$(echo "$meter" | field acceptable)" "True"
  change=$(call "$a" recovery.v1.AccessService/ChangePassword \
    "{\"change_ticket\":\"$ticket\",\"current_password\":\"$TEMPORARY\",\"new_password\":\"$new_password\",\"repeat_password\":\"$new_password\"}")
  operation_id=$(echo "$change" | field operation.operationId)
  reference=$(echo "$change" | field operation.reference)
  expect "5 Cambio de contraseña: description" "$(echo "$change" | field operation.description)" "Cambio de contraseña de Usuario de Banca Electrónica"
  expect "6 reference is 8 digits" "$(echo "$reference" | grep -cE '^[0-9]{8}$')" "1"
  expect "6 SMS names the reference" "$(message_value operation-code reference)" "$reference"
  signing_code=$(message_value operation-code code)

  sign=$(call "$b" recovery.v1.AccessService/SignOperation "{\"operation_id\":\"$operation_id\",\"code\":\"$signing_code\"}")
  expect "6 Gestión de claves: signed" "$(echo "$sign" | field state)" "OPERATION_STATE_SIGNED"

  session=$(call "$a" recovery.v1.AccessService/Login "{\"user_code\":\"$user_code\",\"password\":\"$new_password\"}")
  expect "login with the new password gives a session" "$(echo "$session" | field session.token | grep -c .)" "1"
}

# walk_phone_path SINK URL_A URL_B DEV_SETTINGS_JSON NEW_PASSWORD: step 6 by phone, as the call centre
# does it. John recovers and opens a password change on A, his SMS "never arrives"; the agent finds the
# operation by its reference on B, checks his card and gets a code on A, and the code signs on B. The
# servers need a resend cooldown under a second (Otp__ResendCooldown=00:00:01). Sets PHONE_REFERENCE.
walk_phone_path() {
  SINK=$1; sink_mark
  local a=$2 b=$3 settings=$4 new_password=$5
  local start temporary ticket change token lookup voice sign
  start=$(call "$a" recovery.v1.RecoveryService/StartRecovery \
    "{\"card_number\":\"4917610000123455\",\"card_expiry\":\"03/30\",\"document_id\":\"PAB1234567\",\"captcha_token\":\"$(captcha_token)\"}")
  call "$b" recovery.v1.RecoveryService/ConfirmRecovery \
    "{\"recovery_id\":\"$(echo "$start" | field recoveryId)\",\"code\":\"$(message_value recovery-code code)\"}" >/dev/null
  temporary=$(message_value recovery-temporary-password temporary_password)
  ticket=$(call "$a" recovery.v1.AccessService/Login "{\"user_code\":\"10000003\",\"password\":\"$temporary\"}" | field passwordChangeRequired.changeTicket)
  change=$(call "$a" recovery.v1.AccessService/ChangePassword \
    "{\"change_ticket\":\"$ticket\",\"current_password\":\"$temporary\",\"new_password\":\"$new_password\",\"repeat_password\":\"$new_password\"}")
  PHONE_REFERENCE=$(echo "$change" | field operation.reference)
  # The published Development call-centre token; refused outside Development.
  token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["CallCentre"]["Tokens"][0])' "$settings")
  lookup=$(call "$b" recovery.v1.CallCentreService/LookupOperation "{\"reference\":\"$PHONE_REFERENCE\"}" \
    -H "authorization: Bearer $token" -H "x-agent-id: agente.0042")
  expect "phone path: the agent finds the operation by its reference" "$(echo "$lookup" | field phoneLastDigits)" "123"
  sleep 1.2
  voice=$(call "$a" recovery.v1.CallCentreService/IssueOperationCodeByVoice \
    "{\"reference\":\"$PHONE_REFERENCE\",\"card_number\":\"4917610000123455\",\"card_expiry\":\"03/30\"}" \
    -H "authorization: Bearer $token" -H "x-agent-id: agente.0042")
  sign=$(call "$b" recovery.v1.AccessService/SignOperation \
    "{\"operation_id\":\"$(echo "$change" | field operation.operationId)\",\"code\":\"$(echo "$voice" | field code)\"}")
  expect "phone path: the code read out by the agent signs the operation" "$(echo "$sign" | field state)" "OPERATION_STATE_SIGNED"
}
