#!/usr/bin/env bash
# The one command that runs every test: installs what the tests need, lints the contract, builds
# with warnings as errors, runs the unit and integration suites, then the end-to-end walks against
# a real server process. Used by .ci/run and by hand: `bash scripts/test.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step says how long the run has taken so far, so a slow CI log shows where the time went.
step() { printf '\n== %s == (%d s)\n' "$*" "$SECONDS"; }

# apt_install PACKAGE...: one apt-get update and one install for every missing package. A fresh CI machine often
# has apt busy at boot (unattended upgrades): wait for its lock instead of failing, retry a flaky mirror, and say
# what failed and where to look.
apt_install() {
  local apt=(apt-get -qq -o Acquire::Retries=3 -o DPkg::Lock::Timeout=300)
  echo "installing with apt-get: $*"
  if ! "${apt[@]}" update >/dev/null || ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y "$@" >/dev/null; then
    echo "apt-get could not install $* (its errors are above): check this machine's package mirror (/etc/apt/sources.list*) and network, or install them before running the tests" >&2
    exit 1
  fi
}

step "tools"
export PATH="$PWD/.tools/node_modules/.bin:$PATH"
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are needed (buf, and the ALTCHA compatibility tests' altcha-lib)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed by the end-to-end walk" >&2; exit 1; }
# altcha-lib: the independent ALTCHA implementation the captcha compatibility tests run with node
# (tests/AuthServer.IntegrationTests/Altcha); a missing one fails those tests, it never skips them.
if ! command -v buf >/dev/null 2>&1 || [ ! -f .tools/node_modules/altcha-lib/dist/esm/v1/index.js ]; then
  # Errors only (not --silent, which hides them too): a registry that cannot be reached must say so.
  npm install --no-audit --no-fund --loglevel=error --prefix .tools @bufbuild/buf@1.75.0 altcha-lib@2.8.0 >/dev/null || {
    echo "npm could not install @bufbuild/buf@1.75.0 and altcha-lib@2.8.0 into .tools from $(npm config get registry 2>/dev/null || echo 'its registry') (its errors are above)" >&2
    exit 1
  }
fi
buf --version

# Debian packages whose servers the tests start themselves on free loopback ports: redis-server (the Redis
# tests), python3-aiosmtpd for Debian's /usr/bin/python3 (the SMTP tests: a pyenv or venv python3 earlier on PATH
# does not see the Debian package), Kannel's bearerbox and smsbox (the SMS tests).
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1 || missing+=(python3-aiosmtpd)
command -v bearerbox >/dev/null 2>&1 || [ -x /usr/sbin/bearerbox ] || missing+=(kannel)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt_install "${missing[@]}"
    # The packages may start their own services (redis on 6379, the Kannel gateway); the tests use neither.
    for package in "${missing[@]}"; do
      case $package in redis-server|kannel) (systemctl stop "$package" || service "$package" stop || true) >/dev/null 2>&1 ;; esac
    done
  else
    echo "missing: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}; macOS: brew install redis for redis-server)" >&2
    exit 1
  fi
fi
redis-server --version
/usr/bin/python3 -c 'import aiosmtpd; print("aiosmtpd", aiosmtpd.__version__)'
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
