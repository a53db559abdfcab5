#!/usr/bin/env bash
# Runs the server in Production on this machine against real local providers, to see what a bank's
# deployment does: e-mail over SMTP to Debian's aiosmtpd, SMS through a real Kannel (bearerbox + smsbox
# with the loopback SMSC, which hands each SMS to a recorder), the self-hosted ALTCHA captcha, fresh
# random secrets and tokens. The customers come from the bank's systems, so it imports the seed
# screens' customer through DirectoryService. Everything listens on 127.0.0.1; Ctrl+C stops it all.
#
# Usage: scripts/run-production-local.sh [port]        (default 5000; needs dotnet, python3-aiosmtpd, kannel)
# What arrived: $dir/sms.jsonl (one JSON line per SMS) and $dir/mail/new (one file per e-mail).
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/e2e/lib.sh
. tests/e2e/providers.sh
export PATH="$PATH:/usr/sbin"

port=${1:-5000}
for need in /usr/sbin/bearerbox; do [ -x "$need" ] || { echo "Kannel is needed: sudo apt-get install kannel" >&2; exit 1; }; done
"$DEBIAN_PYTHON" -c 'import aiosmtpd' 2>/dev/null || { echo "aiosmtpd is needed: sudo apt-get install python3-aiosmtpd" >&2; exit 1; }
command -v buf >/dev/null || export PATH="$PWD/.tools/node_modules/.bin:$PATH"
command -v buf >/dev/null || { echo "buf is needed to import the demo customer: npm install --prefix .tools @bufbuild/buf" >&2; exit 1; }

dir=$(mktemp -d /tmp/recovery-production.XXXXXX)
KANNEL_PIDS=; SMTP_PID=; server=
trap 'kill $server $KANNEL_PIDS $SMTP_PID 2>/dev/null || true' EXIT
start_smtp "$dir"
start_kannel "$dir"

secret() { openssl rand -base64 32; }
channel_token=$(secret); admin_token=$(secret); call_centre_token=$(secret)
dotnet build src/AuthServer -c Release -nologo -clp:ErrorsOnly -v quiet >/dev/null
env ASPNETCORE_ENVIRONMENT=Production \
  Secrets__CardLookupKey="$(secret)" Secrets__CodeKey="$(secret)" Secrets__PasswordPepper="$(secret)" \
  Channels__Tokens__web__0="$channel_token" Directory__AdminTokens__0="$admin_token" CallCentre__Tokens__0="$call_centre_token" \
  Captcha__Provider=Altcha Captcha__Altcha__HmacKey="$(secret)" \
  Notifications__Smtp__Host=127.0.0.1 Notifications__Smtp__Port="$SMTP_PORT" Notifications__Smtp__Security=None \
  Notifications__Smtp__From="Banca a Distancia <no-reply@bank.example>" \
  Notifications__Sms__Providers__0__Name=kannel Notifications__Sms__Providers__0__Dialect=Kannel \
  Notifications__Sms__Providers__0__BaseUrl="$KANNEL_URL" Notifications__Sms__Providers__0__From=BANCO \
  Notifications__Sms__Providers__0__Username="$KANNEL_USER" Notifications__Sms__Providers__0__Password="$KANNEL_PASSWORD" \
  Notifications__Sms__DeliveryReports__Urls="http://127.0.0.1:$(free_port)" \
  dotnet src/AuthServer/bin/Release/net10.0/AuthServer.dll --urls "http://127.0.0.1:$port" \
  --contentRoot "$PWD/src/AuthServer/bin/Release/net10.0" >"$dir/server.log" 2>&1 &
server=$!
wait_status "http://127.0.0.1:$port" SERVING || { tail -n 30 "$dir/server.log" >&2; exit 1; }
call "http://127.0.0.1:$port" recovery.v1.DirectoryService/UpsertCustomer '{"customer":{"customer_id":"seed-0001","user_code":"10000001",
  "display_name":"NOMBRE APELLIDO APELLIDO","email":"sbarrios@ebcc.es","phone":"+34612345331","document_id":"12345678Z",
  "birth_date":"1980-06-15","language_code":"es-ES","cards":[{"card_number":"4548812044110335","expiry":"12/29"}]}}' \
  -H "authorization: Bearer $admin_token" >/dev/null

cat <<MSG
Recovery is serving in Production on http://127.0.0.1:$port (log: $dir/server.log)
  SMTP (aiosmtpd) 127.0.0.1:$SMTP_PORT -> e-mails in $dir/mail/new
  Kannel sendsms $KANNEL_URL           -> SMS in $dir/sms.jsonl
  channel token (web):  $channel_token
  admin token:          $admin_token
  call-centre token:    $call_centre_token
Walk it with the seed customer (card 4548812044110335, 12/29, 12345678Z); AuthClient solves the captcha:
  dotnet run --project src/AuthClient -- recover --server http://127.0.0.1:$port --captcha altcha \\
    --channel-token '$channel_token' --card 4548812044110335 --expiry 12/29 --document 12345678Z
and read the codes from the SMS and e-mails above. Ctrl+C stops the server, Kannel and aiosmtpd.
MSG
wait $server
