#!/usr/bin/env bash
# Acceptance in Production, against real providers: the server runs with ASPNETCORE_ENVIRONMENT=Production
# (no development sink, no development captcha, no demo directory), e-mail goes over SMTP to Debian's
# aiosmtpd, SMS go through a real Kannel (bearerbox + smsbox, loopback SMSC), and the captcha is the
# self-hosted ALTCHA proof of work, solved by the npm package altcha-lib. The seed customer is imported
# through DirectoryService, then walks all six seed steps with buf curl, reading the SMS code, the user
# code, the temporary password and the signing code from what Kannel delivered and what the SMTP server
# received; Kannel's delivery reports reach the server's listener.
#
# Usage: tests/e2e/production-walk.sh [path/to/AuthServer.dll] [one|redis]
#   one   (default) one node on the embedded in-memory store
#   redis two nodes sharing a private redis-server; the walk hops between them
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/providers.sh

server_dll=${1:-src/AuthServer/bin/Release/net10.0/AuthServer.dll}
mode=${2:-one}
work=$(mktemp -d)
pids=()
cleanup() {
  local rc=$?
  kill "${pids[@]}" $KANNEL_PIDS $SMTP_PID 2>/dev/null || true
  if [ $rc -ne 0 ]; then
    for f in "$work"/node-*.log "$work"/smsbox.log "$work"/smtp.log; do
      [ -f "$f" ] && { echo "--- $f ---" >&2; tail -n 40 "$f" >&2; }
    done
  fi
  rm -rf "$work"
}
KANNEL_PIDS=; SMTP_PID=
trap cleanup EXIT

start_smtp "$work"
start_kannel "$work"
echo "ok   aiosmtpd on $SMTP_PORT and Kannel at $KANNEL_URL are up"

secret() { openssl rand -base64 32; }
channel_token=$(secret); admin_token=$(secret); call_centre_token=$(secret)
card_key=$(secret); code_key=$(secret); pepper=$(secret); altcha_key=$(secret)
prod_env=(
  ASPNETCORE_ENVIRONMENT=Production
  # Every category at Trace, so that the check at the end covers every log line the server can write.
  Logging__LogLevel__Default=Trace Logging__LogLevel__Microsoft.AspNetCore=Trace Logging__LogLevel__Grpc=Trace
  Secrets__CardLookupKey="$card_key" Secrets__CodeKey="$code_key" Secrets__PasswordPepper="$pepper"
  Channels__Tokens__web__0="$channel_token" Directory__AdminTokens__0="$admin_token" CallCentre__Tokens__0="$call_centre_token"
  Captcha__Provider=Altcha Captcha__Altcha__HmacKey="$altcha_key"
  Notifications__Smtp__Host=127.0.0.1 Notifications__Smtp__Port="$SMTP_PORT" Notifications__Smtp__Security=None
  Notifications__Smtp__From="Banca a Distancia <no-reply@bank.example>"
  Notifications__Sms__Providers__0__Name=kannel Notifications__Sms__Providers__0__Dialect=Kannel
  Notifications__Sms__Providers__0__BaseUrl="$KANNEL_URL" Notifications__Sms__Providers__0__From=BANCO
  Notifications__Sms__Providers__0__Username="$KANNEL_USER" Notifications__Sms__Providers__0__Password="$KANNEL_PASSWORD"
)
if [ "$mode" = redis ]; then
  redis_port=$(free_port)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
  pids+=($!)
  prod_env+=(Storage__Provider=Redis Storage__Redis__Configuration="127.0.0.1:$redis_port" Storage__Redis__KeyPrefix="prod-e2e:")
  nodes=(a b)
else
  nodes=(a)
fi

# start_production_node NAME: one server process in Production with its own gRPC and delivery report ports.
urls=()
start_production_node() {
  local name=$1 url dlr
  url="http://127.0.0.1:$(free_port)"
  dlr="http://127.0.0.1:$(free_port)"
  env "${prod_env[@]}" Notifications__Sms__DeliveryReports__Urls="$dlr" \
    dotnet "$server_dll" --urls "$url" --contentRoot "$(cd "$(dirname "$server_dll")" && pwd)" >"$work/node-$name.log" 2>&1 &
  pids+=($!)
  urls+=("$url")
}
for n in "${nodes[@]}"; do start_production_node "$n"; done
a=${urls[0]}; b=${urls[${#urls[@]}-1]}
for u in "${urls[@]}"; do wait_status "$u" SERVING; done
grep -q "Hosting environment: Production" "$work/node-a.log" || { echo "FAIL node a is not in Production" >&2; exit 1; }
echo "ok   ${#urls[@]} node(s) serving in Production"

# Production has no demo directory: the bank's systems provide the customer (here: the seed screens' one,
# without a password, as a customer who lost their keys).
call "$a" recovery.v1.DirectoryService/UpsertCustomer '{"customer":{"customer_id":"seed-0001","user_code":"10000001",
  "display_name":"NOMBRE APELLIDO APELLIDO","email":"sbarrios@ebcc.es","phone":"+34612345331","document_id":"12345678Z",
  "birth_date":"1980-06-15","language_code":"es-ES","cards":[{"card_number":"4548812044110335","expiry":"12/29"}]}}' \
  -H "authorization: Bearer $admin_token" >/dev/null
echo "ok   the seed customer imported through DirectoryService"

CALL_HEADERS=(-H "authorization: Bearer $channel_token")
# DirectoryService takes the admin token instead of the channel's.
admin_call() ( CALL_HEADERS=(); call "$@" -H "authorization: Bearer $admin_token" )
message_value() { delivered_value "$work" "$1" "$2"; }
# The channel's widget: a challenge from the server, solved by altcha-lib (the tests' node driver).
captcha_token() {
  call "$a" recovery.v1.RecoveryService/CreateCaptchaChallenge '{}' \
    | python3 -c 'import json,sys; c=json.load(sys.stdin)
print(json.dumps({"mode":"solve","challenges":[{"algorithm":c["algorithm"],"challenge":c["challenge"],
  "maxnumber":int(c["maxNumber"]),"salt":c["salt"],"signature":c["signature"]}]}))' \
    | ALTCHA_LIB="$PWD/.tools/node_modules/altcha-lib/dist/esm/v1/index.js" node tests/AuthServer.IntegrationTests/Altcha/altcha-lib.mjs \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["payloads"][0])'
}

walk_seed_customer "" "$a" "$b" 'Nube#Verde!2031'
echo "production ($mode): the seed customer walked all six steps with real SMTP, Kannel and ALTCHA"

# Every SMS went through Kannel, and Kannel's delivery reports (SMSC ack) reached the nodes' listeners:
# the customer's delivery records say so, without the texts.
expect "three SMS delivered through Kannel" "$(wc -l <"$work/sms.jsonl" | tr -d ' ')" "3"
until=$((SECONDS + E2E_DEADLINE))
while [ $SECONDS -lt $until ]; do
  states=$(admin_call "$a" recovery.v1.DirectoryService/GetCustomerStatus '{"customer_id":"seed-0001"}' \
    | python3 -c 'import json,sys; print(" ".join(sorted(d["provider"]+":"+d["state"] for d in json.load(sys.stdin).get("recentSmsDeliveries", []))))')
  [ "$(echo "$states" | grep -o 'kannel:SMS_DELIVERY_STATE_\(ACCEPTED\|DELIVERED\)' | wc -l)" = 3 ] && break
  sleep 0.2
done
echo "$states" | tr ' ' '\n' | grep -q . || { echo "FAIL no delivery records" >&2; exit 1; }
expect "Kannel's delivery reports reached the server" "$(echo "$states" | grep -o 'kannel:SMS_DELIVERY_STATE_\(ACCEPTED\|DELIVERED\)' | wc -l | tr -d ' ')" "3"

# Nothing secret or personal in any log line of any node, at Trace for every category, through real
# SMTP, Kannel (its delivery reports included) and ALTCHA: no code, password, card, document, phone,
# e-mail, user code, token, key or provider credential.
secrets=("$TEMPORARY" "$(message_value recovery-code code)" "$(message_value operation-code code)" 'Nube#Verde!2031'
  "$KANNEL_PASSWORD" "$channel_token" "$admin_token" "$call_centre_token" "$card_key" "$code_key" "$pepper" "$altcha_key"
  4548812044110335 12345678Z 612345331 sbarrios@ebcc.es 10000001)
for i in "${!secrets[@]}"; do
  if grep -F -q -- "${secrets[$i]}" "$work"/node-*.log; then
    # Where, not what: the line itself would print the secret.
    echo "FAIL secret #$i of the list is in a server log line: $(grep -F -n -- "${secrets[$i]}" "$work"/node-*.log | cut -d: -f1,2 | head -3 | tr '\n' ' ')" >&2
    for f in "$work"/node-*.log; do cp "$f" "/tmp/production-walk-$(basename "$f")"; done
    exit 1
  fi
done
expect "no secret in $(cat "$work"/node-*.log | wc -l | tr -d ' ') log lines at Trace" "ok" "ok"
