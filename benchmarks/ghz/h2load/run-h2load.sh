#!/usr/bin/env bash
# Drive the Recovery gRPC server with h2load (nghttp2-client) on machines without ghz.
#
# h2load speaks HTTP/2 but not gRPC: it POSTs a fixed body (-d) built by make-frames.py, with the
# two headers a gRPC server requires (content-type: application/grpc, te: trailers). h2load counts
# HTTP statuses only; the gRPC status travels in trailers, which h2load does not report, so a
# "2xx" means "the server answered", not "the call succeeded". Check one call's grpc-status with
# buf curl (or curl -D -, see README.md) before trusting a run.
#
# Usage: run-h2load.sh [RPC...]          RPC: evaluate-password start-recovery login health (default:
#                                         evaluate-password start-recovery)
# Environment (defaults in brackets):
#   TARGET       [http://127.0.0.1:5099]  h2c only: http:// with prior knowledge, no TLS
#   REQUESTS     [2000]                   -n, total requests per RPC
#   CLIENTS      [8]                      -c, HTTP/2 connections
#   STREAMS      [16]                     -m, concurrent streams per connection
#   THREADS      [1]                      -t, h2load threads (≤ CLIENTS)
#   FRAMES_DIR   [<this dir>/frames]      where make-frames.py wrote the bodies
#   H2LOAD_EXTRA []                       more h2load options, e.g. "--rps 500" or "-D 30"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TARGET="${TARGET:-http://127.0.0.1:5099}"
REQUESTS="${REQUESTS:-2000}"
CLIENTS="${CLIENTS:-8}"
STREAMS="${STREAMS:-16}"
THREADS="${THREADS:-1}"
FRAMES_DIR="${FRAMES_DIR:-$here/frames}"
H2LOAD_EXTRA="${H2LOAD_EXTRA:-}"

command -v h2load >/dev/null || { echo "h2load not found: apt-get install -y nghttp2-client" >&2; exit 2; }

if [[ ! -f "$FRAMES_DIR/evaluate-password.bin" ]]; then
  python3 "$here/make-frames.py" --out-dir "$FRAMES_DIR"
fi

path_of() {
  case "$1" in
    evaluate-password) echo "recovery.v1.AccessService/EvaluatePassword" ;;
    start-recovery)    echo "recovery.v1.RecoveryService/StartRecovery" ;;
    login)             echo "recovery.v1.AccessService/Login" ;;
    health)            echo "grpc.health.v1.Health/Check" ;;
    *) echo "unknown RPC '$1' (evaluate-password, start-recovery, login, health)" >&2; return 2 ;;
  esac
}

body_of() {
  case "$1" in
    health) echo "$FRAMES_DIR/health-check.bin" ;;
    *)      echo "$FRAMES_DIR/$1.bin" ;;
  esac
}

rpcs=("$@")
[[ ${#rpcs[@]} -gt 0 ]] || rpcs=(evaluate-password start-recovery)

for rpc in "${rpcs[@]}"; do
  url="${TARGET%/}/$(path_of "$rpc")"
  body="$(body_of "$rpc")"
  echo "=== $rpc: $url (-n $REQUESTS -c $CLIENTS -m $STREAMS -t $THREADS)"
  # shellcheck disable=SC2086  # H2LOAD_EXTRA is meant to split into options
  h2load "$url" \
    -n "$REQUESTS" -c "$CLIENTS" -m "$STREAMS" -t "$THREADS" \
    -d "$body" \
    -H 'content-type: application/grpc' \
    -H 'te: trailers' \
    $H2LOAD_EXTRA
  echo
done
