#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need, lints the contract, builds
# with warnings as errors, runs the unit and integration suites, then the end-to-end walks against
# a real server process. Used by .ci/run and by hand: `bash scripts/test.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s ==\n' "$*"; }

step "tools"
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
# altcha-lib: the independent ALTCHA implementation the captcha compatibility tests run with node
# (tests/AuthServer.IntegrationTests/Altcha); a missing one fails those tests, it never skips them.
if ! command -v buf >/dev/null 2>&1 || [ ! -f .tools/node_modules/altcha-lib/dist/esm/v1/index.js ]; then
  npm install --silent --no-audit --no-fund --prefix .tools @bufbuild/buf@1.75.0 altcha-lib@2.8.0 >/dev/null
fi
buf --version
command -v node >/dev/null || { echo "node is needed by the ALTCHA compatibility tests" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed by the end-to-end walk" >&2; exit 1; }
# The Redis tests start their own redis-server processes on free loopback ports; they need the binary.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    # The package starts a system service on 6379; the tests do not use it.
    (systemctl stop redis-server || service redis-server stop || true) >/dev/null 2>&1
  else
    echo "redis-server is needed: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)" >&2
    exit 1
  fi
fi
redis-server --version
# The SMTP tests start their own aiosmtpd with Debian's /usr/bin/python3 (a pyenv or venv python3
# earlier on PATH does not see the Debian package).
if ! /usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-aiosmtpd >/dev/null
  else
    echo "python3-aiosmtpd is needed: install it (Debian/Ubuntu: sudo apt-get install python3-aiosmtpd)" >&2
    exit 1
  fi
fi
/usr/bin/python3 -c 'import aiosmtpd; print("aiosmtpd", aiosmtpd.__version__)'
# The SMS tests start their own Kannel (bearerbox + smsbox, loopback SMSC) on free loopback ports.
if ! command -v bearerbox >/dev/null 2>&1 && ! [ -x /usr/sbin/bearerbox ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kannel >/dev/null
    # The package may start its own gateway service; the tests do not use it.
    (systemctl stop kannel || service kannel stop || true) >/dev/null 2>&1
  else
    echo "Kannel is needed: install it (Debian/Ubuntu: sudo apt-get install kannel)" >&2
    exit 1
  fi
fi
export PATH="$PATH:/usr/sbin"
dpkg-query -W kannel 2>/dev/null || true

step "buf lint"
buf lint

step "build (warnings are errors)"
dotnet build Recovery.sln -c Release -warnaserror -nologo -clp:ErrorsOnly

step "unit and integration tests"
results=$(mktemp -d)
status=0
dotnet test Recovery.sln -c Release --no-build --nologo --logger "trx" --results-directory "$results" || status=$?

# One closing line for any reader: totals over every test assembly, from the TRX files.
python3 - "$results" <<'PY' || status=1
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed")); failed += int(c.get("failed")) + int(c.get("error")); skipped += int(c.get("notExecuted"))
print(f"dotnet: {passed} passed, {failed} failed, {skipped} skipped")
# A run that executed nothing proves nothing.
sys.exit(1 if passed == 0 else 0)
PY
rm -rf "$results"
[ $status -eq 0 ] || exit $status

mkdir -p artifacts
step "benchmarks: short BenchmarkDotNet job of the hot-path suites (fails on errors, never on timings)"
dotnet run -c Release --no-build --project benchmarks/Recovery.Benchmarks -- \
  --filter '*OtpVerifyBenchmarks*' '*PasswordHashingBenchmarks*' --job short --artifacts artifacts/benchmarks >artifacts/benchmarks.log 2>&1 \
  || { tail -n 40 artifacts/benchmarks.log >&2; exit 1; }
cat artifacts/benchmarks/results/*-report-github.md

step "load: concurrent ChangePassword burst (fails on errors or memory, never on timings)"
dotnet run -c Release --no-build --project benchmarks/Recovery.Benchmarks -- change-password-burst --calls 1000 --json artifacts/change-password-burst.json

step "load: a 200-flow unlock burst (AuthClient burst) on a real Redis (fails on errors, never on timings)"
bash tests/e2e/burst-on-redis.sh src/AuthServer/bin/Release/net10.0/AuthServer.dll 200

step "end-to-end: buf curl and AuthClient against a real server"
bash tests/e2e/walk-with-buf-curl.sh src/AuthServer/bin/Release/net10.0/AuthServer.dll

step "end-to-end: two server processes sharing one Redis"
bash tests/e2e/two-nodes-on-redis.sh src/AuthServer/bin/Release/net10.0/AuthServer.dll

step "end-to-end: Production with real providers (SMTP to aiosmtpd, SMS through Kannel, ALTCHA solved by altcha-lib)"
bash tests/e2e/production-walk.sh src/AuthServer/bin/Release/net10.0/AuthServer.dll one
bash tests/e2e/production-walk.sh src/AuthServer/bin/Release/net10.0/AuthServer.dll redis
