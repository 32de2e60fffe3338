#!/usr/bin/env bash
# HTTP load with wrk (apt package "wrk") against the local host: the no-I/O baseline, transfers and payments, each
# for SECONDS with CONNECTIONS connections over 2 threads. wrk reports non-201 answers as "Non-2xx or 3xx responses".
# Usage: bash tests/Pipeline.Benchmarks/wrk.sh [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-15}
connections=${2:-16}
folder=$(mktemp -d)
dotnet build -c Release tests/Pipeline.Benchmarks > /dev/null
source tests/Pipeline.Benchmarks/wrk-target.sh
ECHO=1 start_target "$folder"
echo "== GET /api/v1/openapi.json (baseline: no I/O)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency "${url}api/v1/openapi.json"
echo "== POST /api/v1/transfers"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$folder/transfers.lua" "$url"
echo "== POST /api/v1/payments (automatic capture)"
wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$folder/payments.lua" "$url"
stop_target
