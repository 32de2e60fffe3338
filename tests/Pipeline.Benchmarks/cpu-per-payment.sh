#!/usr/bin/env bash
# CPU per payment by process (the host, the Cosmos DB emulator, Azurite) at a fixed rate, for one events mode of
# wrk-events.sh: events-off, relayed (an empty argument), relayed-bare or events-on. 45 s of full load (warm-up), then
# 30 s paced (each of 16 connections waits 25 ms between requests: about 450 payments/s, below saturation, so every
# mode does the same work per second), with the processes' user + system time from /proc before and after.
# Settings: WARMUP (seconds, default 45): the warm-up's length — the JIT is still tiering up the relays' and the
# Durable engine's code for well over a minute with events on (docs/PERFORMANCE.md), so steady state needs about 150;
# WARMUP_DELAY_MS (default none: full load): each connection's wait between warm-up requests; DELAY_MS (default 25):
# the measured window's, 0 for full load (CPU per payment at saturation).
# Usage: [WARMUP=S] [WARMUP_DELAY_MS=MS] [DELAY_MS=MS] bash tests/Pipeline.Benchmarks/cpu-per-payment.sh [MODE]
# (after a Release build of tests/Pipeline.Benchmarks)
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:-}
folder=$(mktemp -d)
source tests/Pipeline.Benchmarks/wrk-target.sh
start_target "$folder" "$mode"
cp "$folder/payments.lua" "$folder/paced.lua"
cp "$folder/payments.lua" "$folder/warm-up.lua"
printf '\nfunction delay() return %d end\n' "${DELAY_MS:-25}" >> "$folder/paced.lua"
if [[ -n ${WARMUP_DELAY_MS:-} ]]; then printf '\nfunction delay() return %d end\n' "$WARMUP_DELAY_MS" >> "$folder/warm-up.lua"; fi
wrk -t2 -c16 -d"${WARMUP:-45}s" -s "$folder/warm-up.lua" "$url" > /dev/null
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
host=$(pgrep -n -f "wrk-target $folder")
cosmos=$(pgrep -f "cosmos/server.js" | head -1)
azurite=$(pgrep -f "azurite.js" | head -1)
before=("$(ticks "$host")" "$(ticks "$cosmos")" "$(ticks "$azurite")")
out=$(wrk -t2 -c16 -d30s -s "$folder/paced.lua" "$url")
after=("$(ticks "$host")" "$(ticks "$cosmos")" "$(ticks "$azurite")")
requests=$(echo "$out" | awk '/requests in/ {print $1}')
per() { echo "scale=3; ($2 - $1) * 1000 / $(getconf CLK_TCK) / $requests" | bc; }
echo "${mode:-relayed}: $requests payments in 30 s; CPU ms per payment: host $(per "${before[0]}" "${after[0]}"), cosmos emulator $(per "${before[1]}" "${after[1]}"), azurite $(per "${before[2]}" "${after[2]}")"
stop_target > /dev/null
