# Real delivery providers for the end-to-end scripts (sourced, not run): an SMTP server (Debian's
# python3-aiosmtpd, saving every message into a Maildir) and an SMS gateway (Debian's kannel: bearerbox +
# smsbox with the loopback SMSC, whose catch-all service hands every message it "delivered" to a small
# HTTP recorder). Everything listens on free loopback ports under one work directory.
# Needs lib.sh (free_port) sourced first.

# Debian's own python3: the one apt installs python3-aiosmtpd for (a pyenv shim earlier on PATH lacks it).
DEBIAN_PYTHON=/usr/bin/python3

# start_smtp DIR: aiosmtpd on a free loopback port, messages kept in DIR/mail (a Maildir). Sets SMTP_PORT, SMTP_PID.
start_smtp() {
  local dir=$1
  SMTP_PORT=$(free_port)
  mkdir -p "$dir/mail/tmp" "$dir/mail/new" "$dir/mail/cur"
  "$DEBIAN_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$dir/mail" >"$dir/smtp.log" 2>&1 &
  SMTP_PID=$!
  wait_tcp "$SMTP_PORT" || { cat "$dir/smtp.log" >&2; return 1; }
}

# start_kannel DIR: bearerbox + smsbox + the recorder. Sets KANNEL_URL (smsbox's sendsms address),
# KANNEL_USER, KANNEL_PASSWORD, KANNEL_PIDS, and DIR/sms.jsonl receives one line per SMS delivered.
start_kannel() {
  local dir=$1 admin smsbox sendsms recorder
  admin=$(free_port); smsbox=$(free_port); sendsms=$(free_port); recorder=$(free_port)
  KANNEL_USER=recovery
  KANNEL_PASSWORD=$(openssl rand -hex 12)
  cat >"$dir/kannel.conf" <<CONF
group = core
admin-port = $admin
admin-password = $(openssl rand -hex 12)
admin-interface = 127.0.0.1
smsbox-port = $smsbox
smsbox-interface = 127.0.0.1
log-file = "$dir/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = loopback
smsc-id = loop

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = $smsbox
sendsms-port = $sendsms
sendsms-interface = 127.0.0.1
log-file = "$dir/smsbox.log"
log-level = 1

group = sendsms-user
username = $KANNEL_USER
password = $KANNEL_PASSWORD
max-messages = 10
concatenation = true

group = sms-service
keyword = default
catch-all = true
get-url = "http://127.0.0.1:$recorder/sms?to=%P&from=%p&charset=%C&text=%b"
max-messages = 0
CONF
  "$DEBIAN_PYTHON" - "$recorder" "$dir/sms.jsonl" >"$dir/recorder.log" 2>&1 <<'PY' &
import http.server, json, sys, urllib.parse
port, path = int(sys.argv[1]), sys.argv[2]
class Recorder(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        # %b is the message's own bytes, in the charset %C names (UTF-16BE for a UCS-2 SMS).
        q = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query, encoding="latin-1")
        charset = q.get("charset", ["UTF-8"])[0]
        text = q.get("text", [""])[0].encode("latin-1").decode("utf-16-be" if charset == "UTF-16BE" else "utf-8")
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"to": q.get("to", [""])[0], "from": q.get("from", [""])[0], "text": text}, ensure_ascii=False) + "\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", port), Recorder).serve_forever()
PY
  KANNEL_PIDS="$!"
  bearerbox "$dir/kannel.conf" >"$dir/bearerbox.out" 2>&1 &
  KANNEL_PIDS="$KANNEL_PIDS $!"
  wait_tcp "$smsbox" || { cat "$dir/bearerbox.out" >&2; return 1; }
  smsbox "$dir/kannel.conf" >"$dir/smsbox.out" 2>&1 &
  KANNEL_PIDS="$KANNEL_PIDS $!"
  wait_tcp "$sendsms" || { cat "$dir/smsbox.out" >&2; return 1; }
  KANNEL_URL="http://127.0.0.1:$sendsms"
}

# wait_tcp PORT: up to E2E_DEADLINE seconds for something to listen on 127.0.0.1:PORT.
wait_tcp() {
  local until=$((SECONDS + E2E_DEADLINE))
  while [ $SECONDS -lt $until ]; do
    python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.5).close()' "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "FAIL nothing listens on 127.0.0.1:$1 after $E2E_DEADLINE s" >&2
  return 1
}

# delivered_value DIR TEMPLATE KEY: a value of the last message of TEMPLATE that reached the customer's
# phone (DIR/sms.jsonl, through Kannel) or mailbox (DIR/mail, through SMTP), read from the text the
# customer sees, as they would read it. Waits up to E2E_DEADLINE seconds for the message to arrive.
delivered_value() {
  local v until=$((SECONDS + E2E_DEADLINE))
  while [ $SECONDS -lt $until ]; do
    if v=$("$DEBIAN_PYTHON" - "$1" "$2" "$3" <<'PY'
import json, os, re, sys
from email import policy
from email.parser import BytesParser
root, template, key = sys.argv[1:]
# What each template's es-ES text says around each value (the texts are in src/AuthServer/Texts).
patterns = {
    ("recovery-code", "code"): r"(?:nuevas claves es|request for new keys is) (\d+)\.",
    ("recovery-temporary-password", "temporary_password"): r"(?:contraseña temporal es|temporary password is) (\S+)\. (?:Válida|Valid)",
    ("operation-code", "code"): r"(?:clave|code) (\d+) (?:para firmar|to sign)",
    ("operation-code", "reference"): r"ref\. (\d{8})",
    ("recovery-user-code", "user_code"): r"(?:código de usuario de Banca a Distancia es|Banca a Distancia user code is) (\d+)",
}
pattern = re.compile(patterns[(template, key)])
texts = []
sms = os.path.join(root, "sms.jsonl")
if os.path.exists(sms):
    # Whole lines only: one the recorder is still writing is read at the next look.
    with open(sms, encoding="utf-8") as f:
        texts += [json.loads(l)["text"] for l in f if l.endswith("\n") and l.strip()]
new = os.path.join(root, "mail", "new")
if os.path.isdir(new):
    for name in sorted(os.listdir(new), key=lambda n: (os.path.getmtime(os.path.join(new, n)), n)):
        with open(os.path.join(new, name), "rb") as f:
            message = BytesParser(policy=policy.default).parse(f)
        body = message.get_body(preferencelist=("plain",))
        if body is not None:
            texts.append(body.get_content())
found = [m.group(1) for m in map(pattern.search, texts) if m]
if not found:
    sys.exit(1)
print(found[-1])
PY
    ); then echo "$v"; return 0; fi
    sleep 0.2
  done
  echo "FAIL no $2 message delivered within $E2E_DEADLINE s" >&2; return 1
}
