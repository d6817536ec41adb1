#!/usr/bin/env bash
# Registration throughput with webhook subscriptions against without: registrations as in
# bench/load.sh (16 connections, a new subject and schema per request, durable before the
# answer) for DURATION seconds on a registry with no subscription, then again with SUBSCRIPTIONS
# subscriptions to every event, delivered to a local receiver (the fixed-response server), and
# the ratio of the two. In between, the same with SUBSCRIPTIONS subscriptions to events that no
# registration raises: the outbox's own cost (each registration queues its event for every
# subscription, in its transaction; the deliverer reads and drops them), without sending. Also
# prints how long the deliveries took to catch up after the last run.
#
#   bench/webhooks.sh                  # SQLite in a temporary directory
#   bench/webhooks.sh postgres://...   # an empty PostgreSQL database of your choosing
#
# Settings (environment): DURATION (s, default 10), SUBSCRIPTIONS (10), THREADS (2).
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${1:-}
DURATION=${DURATION:-10}
SUBSCRIPTIONS=${SUBSCRIPTIONS:-10}
THREADS=${THREADS:-2}
ACCORD_PORT=18191
RECEIVER_PORT=18192

command -v wrk >/dev/null || { echo "bench/webhooks.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/bench}
cargo build --quiet --release --bin accord --example fixed_response
BIN=$CARGO_TARGET_DIR/release

WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_ready() {
  for _ in $(seq 1 2000); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.005
  done
  echo "no answer from $1" >&2; return 1
}

A=http://127.0.0.1:$ACCORD_PORT
"$BIN/accord" serve --listen 127.0.0.1:$ACCORD_PORT --database-url "${DATABASE_URL:-sqlite://$WORK/bench.db}" \
  >"$WORK/accord.log" 2>&1 &
PIDS+=("$!")
"$BIN/examples/fixed_response" 127.0.0.1:$RECEIVER_PORT 16 &
PIDS+=("$!")
wait_ready "$A/readyz"
wait_ready "http://127.0.0.1:$RECEIVER_PORT/"

register() { # NAME → registrations per second over DURATION
  wrk -t"$THREADS" -c16 -d"${DURATION}s" -s bench/register.lua "$A" -- "$1" \
    | awk '/Requests\/sec/ { print $2 }'
}
delivered() {
  curl -s "$A/metrics" | awk '/^accord_webhook_deliveries_total\{outcome="delivered"\}/ { print $2 }'
}

echo "machine: $(nproc) cores; store: ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite}; wrk -t$THREADS -c16 -d${DURATION}s"
subscribe() { # EVENTS-JSON → creates SUBSCRIPTIONS subscriptions; prints their ids
  for n in $(seq 1 "$SUBSCRIPTIONS"); do
    curl -sf -H 'Content-Type: application/json' "$A/governance/webhooks" \
      -d "{\"url\": \"http://127.0.0.1:$RECEIVER_PORT/hook-$n\", \"events\": $1}" \
      | sed -E 's/^\{"id":"([^"]+)".*/\1/'
    echo
  done
}

NONE=$(register none)
FILTERED_IDS=$(subscribe '["dev.accord.team.*"]')
FILTERED=$(register filtered)
for id in $FILTERED_IDS; do curl -sf -o /dev/null -X DELETE "$A/governance/webhooks/$id"; done
subscribe '["*"]' >/dev/null
BEFORE=$(delivered)
WITH=$(register with)
EXPECTED=$(awk -v before="${BEFORE:-0}" -v rps="$WITH" -v d="$DURATION" -v n="$SUBSCRIPTIONS" \
  'BEGIN { printf "%d", before + rps * d * n * 0.99 }')
start=$(date +%s%N)
while [ "$(delivered | awk '{ printf "%d", $1 }')" -lt "$EXPECTED" ]; do
  sleep 0.2
  if [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 600 ]; then echo "deliveries did not catch up in 600 s" >&2; break; fi
done
CATCH_UP=$(( ($(date +%s%N) - start) / 1000000 ))

RATIO=$(awk -v a="$WITH" -v b="$NONE" 'BEGIN { printf "%.2f", a / b }')
printf '%-32s %10s/s\n' "register, no subscription" "$NONE"
printf '%-32s %10s/s  (%s×)\n' "register, $SUBSCRIPTIONS not matching" "$FILTERED" \
  "$(awk -v a="$FILTERED" -v b="$NONE" 'BEGIN { printf "%.2f", a / b }')"
printf '%-32s %10s/s  (%s×)\n' "register, $SUBSCRIPTIONS subscriptions" "$WITH" "$RATIO"
printf '%-32s %10s ms after the run (%s deliveries)\n' "deliveries caught up" "$CATCH_UP" "$(delivered)"
if awk -v r="$RATIO" 'BEGIN { exit !(r >= 0.9) }'; then
  echo "target met: with $SUBSCRIPTIONS subscriptions, registrations at >= 0.9× the rate without"
else
  echo "target MISSED: with $SUBSCRIPTIONS subscriptions, registrations at $RATIO× the rate without (target 0.9×)"
fi
