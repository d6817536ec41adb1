#!/usr/bin/env bash
# The heavy-registration benchmark: how much large registrations slow down reads. It measures
# GET /schemas/ids/{id} with wrk on an idle registry, then again while CLIENTS concurrent clients
# register distinct Protobuf schemas of just under 1 MiB each (examples/heavy_register.rs: ~900
# messages, ~37,000 fields) as fast as they can. It prints both read p99s and their ratio, and
# how many registrations completed and how long each took. Each registration compiles,
# renders and stores a schema of that size, so the ratio shows how much of that work gets in
# the way of requests that need none of it.
#
#   bench/heavy.sh                     # SQLite in a temporary directory, loopback only
#
# Settings (environment): DURATION (s of each measurement, default 10), CLIENTS (registering
# clients, 4), CONNECTIONS (wrk connections, 16), THREADS (wrk threads, 1), SUBJECTS (seeded
# subjects, 100, of VERSIONS 5 versions each, read back by id), PORT (18183).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CLIENTS=${CLIENTS:-4}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
SUBJECTS=${SUBJECTS:-100}
VERSIONS=${VERSIONS:-5}
PORT=${PORT:-18183}
LEAD=1 # seconds the registrations run before the loaded measurement starts

command -v wrk >/dev/null || { echo "bench/heavy.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "port $PORT is in use; choose another with PORT=..." >&2; exit 2
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/bench}
cargo build --quiet --release --bin accord --example seed --example heavy_register
BIN=$CARGO_TARGET_DIR/release

WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_ready() { # URL
  for _ in $(seq 1 2000); do
    if curl -sf -o /dev/null "$1"; then return 0; fi
    sleep 0.005
  done
  echo "no answer from $1" >&2; return 1
}

declare -A RPS P50 P99
measure() { # NAME: reads by id among the seeded schemas for DURATION seconds
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 30s --latency \
    -s bench/by_id.lua "$A" -- "$MAX_ID")
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "$1: $(grep "Non-2xx\|Socket errors" <<<"$out")" >&2; fi
  RPS[$1]=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  P50[$1]=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  P99[$1]=$(awk '$1 == "99%" { print $2 }' <<<"$out")
}

to_ms() { # wrk latency (e.g. 512.00us, 1.20ms, 2.01s) → milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

A=http://127.0.0.1:$PORT
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "store: SQLite; reads: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; registrations: $CLIENTS clients"
"$BIN/accord" serve --listen "127.0.0.1:$PORT" --database-url "sqlite://$WORK/bench.db" >"$WORK/accord.log" 2>&1 &
PIDS+=("$!")
wait_ready "$A/readyz"
"$BIN/examples/seed" "$A" "$SUBJECTS" "$VERSIONS" 16
MAX_ID=$((SUBJECTS * VERSIONS))

# One heavy schema first, alone, through curl: the registry must accept what the stream sends.
"$BIN/examples/heavy_register" body 0 >"$WORK/heavy-0.json"
read -r CODE SECONDS_ONE < <(curl -s -o "$WORK/heavy-0.out" -w '%{http_code} %{time_total}\n' \
  -H 'content-type: application/vnd.schemaregistry.v1+json' \
  --data-binary @"$WORK/heavy-0.json" "$A/subjects/heavy-0/versions")
if [ "$CODE" != 200 ]; then
  echo "the generated schema was refused: $CODE $(head -c 300 "$WORK/heavy-0.out")" >&2; exit 1
fi
ONE_MS=$(awk -v s="$SECONDS_ONE" 'BEGIN { printf "%.0f", s * 1000 }')

wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s bench/by_id.lua "$A" -- "$MAX_ID" >/dev/null # warm-up
measure alone
"$BIN/examples/heavy_register" "$A" "$CLIENTS" "$((DURATION + LEAD))" 1 >"$WORK/heavy.txt" &
HEAVY_PID=$!
PIDS+=("$HEAVY_PID")
sleep "$LEAD"
measure loaded
wait "$HEAVY_PID"
read -r _ REGISTERED _ ERRORS _ REG_P50 _ REG_P99 _ REG_MAX _ REG_PER_S _ SCHEMA_BYTES <"$WORK/heavy.txt"

echo
printf "%-22s %12s %10s %10s\n" "GET /schemas/ids/{id}" "requests/s" "p50 ms" "p99 ms"
for name in alone loaded; do
  label=$name; [ "$name" = loaded ] && label="with registrations"
  printf "%-22s %12s %10s %10s\n" "$label" "${RPS[$name]}" "$(to_ms "${P50[$name]}")" "$(to_ms "${P99[$name]}")"
done
RATIO=$(awk -v a="$(to_ms "${P99[loaded]}")" -v b="$(to_ms "${P99[alone]}")" 'BEGIN { printf "%.1f", a / b }')
echo "p99 with registrations / p99 alone: ${RATIO}×"
echo
echo "registrations of $(awk -v b="$SCHEMA_BYTES" 'BEGIN { printf "%.2f", b / 1048576 }') MiB Protobuf schemas," \
  "$CLIENTS clients, $((DURATION + LEAD)) s: $REGISTERED completed ($REG_PER_S/s), $ERRORS failed;" \
  "latency p50 $REG_P50 ms, p99 $REG_P99 ms, max $REG_MAX ms"
echo "one such registration on an idle registry: $ONE_MS ms"
