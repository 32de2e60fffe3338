#!/usr/bin/env bash
# Payments per second with events off, relayed, and relayed with webhooks, in turn for ROUNDS rounds, each phase on a
# fresh local host after 60 s of unmeasured load (JIT tiering: with the relays' and the Durable engine's code besides
# the payments', 15 s left the JIT compiling a fifth of the time in the measured window; wrk, like wrk.sh). Off: events are written with each
# payment but no relay runs. Relayed: the relays run (event log, local event log). On: also a webhook endpoint on a
# receiver in the host's process gets every payment.succeeded; the delivery latency (the change's time to the
# receiver's arrival) is printed after each "on" phase. Relayed-bare: the relays, and each payment.succeeded sent to the
# same receiver with nothing stored or scheduled (BareDeliveries.cs): the ceiling any delivery design could reach here.
# Environment: WARMUP (seconds of unmeasured load, default 60), WARMUP_DELAY_MS (each connection waits this long between
# warm-up requests: the JIT gets its time while the in-memory emulator's data grows less; docs/PERFORMANCE.md), MODES
# (default "events-off relayed relayed-bare events-on"; "relayed" is the empty mode).
# Usage: [WARMUP=S] [WARMUP_DELAY_MS=MS] [MODES="..."] bash tests/Pipeline.Benchmarks/wrk-events.sh [SECONDS] [CONNECTIONS] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-20}
connections=${2:-16}
rounds=${3:-2}
dotnet build -c Release tests/Pipeline.Benchmarks > /dev/null
source tests/Pipeline.Benchmarks/wrk-target.sh
phase() {
  local mode=$1 folder
  folder=$(mktemp -d)
  start_target "$folder" "$mode"
  echo "== ${mode:-relayed}: POST /api/v1/payments (automatic capture)"
  cp "$folder/payments.lua" "$folder/warm-up.lua"
  if [[ -n ${WARMUP_DELAY_MS:-} ]]; then printf '\nfunction delay() return %d end\n' "$WARMUP_DELAY_MS" >> "$folder/warm-up.lua"; fi
  wrk -t2 -c"$connections" -d"${WARMUP:-60}s" -s "$folder/warm-up.lua" "$url" > /dev/null
  wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$folder/payments.lua" "$url" | grep -E "Requests/sec|Non-2xx|^ +(50|99)%"
  stop_target
}
for _ in $(seq "$rounds"); do
  for mode in ${MODES:-events-off relayed relayed-bare events-on}; do
    if [[ $mode == relayed ]]; then phase ""; else phase "$mode"; fi
  done
done
