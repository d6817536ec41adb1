#!/usr/bin/env bash
# The load benchmark: Accord against a minimal axum server that returns a fixed body, on this
# machine, in one run. Prints throughput and p50/p99 latency per endpoint, each also as a ratio to
# the reference, plus start-up time and resident memory, and says which targets were met.
#
#   bench/load.sh                      # SQLite in a temporary directory
#   bench/load.sh postgres://...       # an empty PostgreSQL database of your choosing
#
# Settings (environment): DURATION (s, default 10), CONNECTIONS (64), THREADS (2), SUBJECTS
# (1000), VERSIONS (5), LARGE (100000 schemas for the start-up test; 0 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE_URL=${1:-}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
SUBJECTS=${SUBJECTS:-1000}
VERSIONS=${VERSIONS:-5}
LARGE=${LARGE:-100000}
ACCORD_PORT=18181
REFERENCE_PORT=18182

command -v wrk >/dev/null || { echo "bench/load.sh needs wrk (apt-get install wrk)" >&2; exit 2; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/bench}
cargo build --quiet --release --bin accord --example fixed_response --example seed
BIN=$CARGO_TARGET_DIR/release

WORK=$(mktemp -d)
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

wait_ready() { # URL → sets READY_MS to the milliseconds until it answers 200
  local start=$(date +%s%N)
  for _ in $(seq 1 2000); do
    if curl -sf -o /dev/null "$1"; then READY_MS=$(( ($(date +%s%N) - start) / 1000000 )); return 0; fi
    sleep 0.005
  done
  echo "no answer from $1" >&2; return 1
}

start_accord() { # DATABASE_URL [ARGS...] → starts Accord; sets ACCORD_PID and READY_MS (start-up time)
  "$BIN/accord" serve --listen 127.0.0.1:$ACCORD_PORT --database-url "$1" "${@:2}" >"$WORK/accord.log" 2>&1 &
  ACCORD_PID=$!
  PIDS+=("$ACCORD_PID")
  wait_ready "http://127.0.0.1:$ACCORD_PORT/readyz"
}

rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }

declare -A RPS P50 P99
measure() { # NAME URL [SCRIPT [SCRIPT ARGS...]]
  local name=$1 url=$2; shift 2
  local script=()
  if [ $# -gt 0 ]; then script=(-s "$1"); shift; fi
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${script[@]}" "$url" -- "$@")
  if grep -q "Non-2xx" <<<"$out"; then echo "$name: $(grep Non-2xx <<<"$out")" >&2; fi
  RPS[$name]=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
  P50[$name]=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  P99[$name]=$(awk '$1 == "99%" { print $2 }' <<<"$out")
}

to_ms() { # wrk latency (e.g. 512.00us, 1.20ms, 2.01s) → milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}

URL=${DATABASE_URL:-sqlite://$WORK/bench.db}
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
echo "store: ${DATABASE_URL:+PostgreSQL}${DATABASE_URL:-SQLite}; wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s"
start_accord "$URL"
STARTUP_EMPTY=$READY_MS
"$BIN/examples/seed" "http://127.0.0.1:$ACCORD_PORT" "$SUBJECTS" "$VERSIONS" 16 "$WORK"
RSS_SEEDED=$(rss_mb "$ACCORD_PID")
MAX_ID=$((SUBJECTS * VERSIONS))
BY_ID_BYTES=$(curl -s "http://127.0.0.1:$ACCORD_PORT/schemas/ids/1" | wc -c)

"$BIN/examples/fixed_response" 127.0.0.1:$REFERENCE_PORT "$BY_ID_BYTES" &
PIDS+=("$!")
wait_ready "http://127.0.0.1:$REFERENCE_PORT/"

A=http://127.0.0.1:$ACCORD_PORT
# The reference gets the very load of the by-id test, script included (wrk spends the same CPU
# generating it, on the same two cores as the server).
measure reference "http://127.0.0.1:$REFERENCE_PORT" bench/by_id.lua "$MAX_ID"
measure by_id "$A" bench/by_id.lua "$MAX_ID"
measure latest "$A" bench/latest.lua "$SUBJECTS"
measure lookup "$A" bench/post_body.lua /subjects/bench-0-value "$WORK/lookup.json"
measure check "$A" bench/post_body.lua /compatibility/subjects/bench-0-value/versions/latest "$WORK/check.json"
CONNECTIONS_SAVED=$CONNECTIONS; CONNECTIONS=16
measure register "$A" bench/register.lua
CONNECTIONS=$CONNECTIONS_SAVED

# On PostgreSQL: the same 16 registering clients spread over three instances sharing the
# database (6 + 5 + 5 connections, one wrk each, at once); the rate is their sum.
if [ -n "$DATABASE_URL" ]; then
  for port in 18183 18184; do
    "$BIN/accord" serve --listen 127.0.0.1:$port --database-url "$URL" >"$WORK/accord-$port.log" 2>&1 &
    PIDS+=("$!")
    wait_ready "http://127.0.0.1:$port/readyz"
  done
  WRKS=()
  for spec in "$ACCORD_PORT 6" "18183 5" "18184 5"; do
    read -r port connections <<<"$spec"
    wrk -t1 -c"$connections" -d"${DURATION}s" --latency -s bench/register.lua \
      "http://127.0.0.1:$port" -- "p$port" >"$WORK/spread-$port.txt" &
    WRKS+=("$!")
  done
  wait "${WRKS[@]}"
  RPS[register_x3]=$(cat "$WORK"/spread-*.txt | awk '/Requests\/sec/ { sum += $2 } END { printf "%.2f", sum }')
  P99[register_x3]=$(cat "$WORK"/spread-*.txt | awk '$1 == "99%" { print $2 }' | sort -h | tail -n 1)
  P50[register_x3]=$(cat "$WORK"/spread-*.txt | awk '$1 == "50%" { print $2 }' | sort -h | tail -n 1)
fi

# With authentication on (the same store, restarted with an admin token): by id and `latest`
# read with a service's Basic credential, as production serializers read, and by id with the
# `?subject=` hint deserializers send.
kill "$ACCORD_PID"; wait "$ACCORD_PID" 2>/dev/null || true
TOKEN=bench-admin-token
start_accord "$URL" --admin-token "$TOKEN"
ADMIN=(-H "authorization: Bearer $TOKEN" -H "content-type: application/json")
curl -sf "${ADMIN[@]}" -d '{"name":"bench"}' "$A/governance/teams" >/dev/null
curl -sf "${ADMIN[@]}" -d '{"name":"reader","team":"bench"}' "$A/governance/services" >/dev/null
SECRET=$(curl -sf "${ADMIN[@]}" -d '{}' "$A/governance/services/reader/credentials" |
  sed -E 's/.*"secret":"([^"]+)".*/\1/')
BASIC="Basic $(printf 'reader:%s' "$SECRET" | base64 -w0)"
measure by_id_hint "$A" bench/by_id.lua "$MAX_ID" "?subject=bench-0-value"
measure by_id_auth "$A" bench/by_id.lua "$MAX_ID" "" "$BASIC"
measure latest_auth "$A" bench/latest.lua "$SUBJECTS" "$BASIC"

# The same two reads with reads enforced: the service is granted every subject, and the store
# is asked once per subject and schema, the rest answered from memory.
kill "$ACCORD_PID"; wait "$ACCORD_PID" 2>/dev/null || true
start_accord "$URL" --admin-token "$TOKEN" --read-access enforce
for i in $(seq 0 $((SUBJECTS - 1))); do
  curl -sf "${ADMIN[@]}" -X PUT "$A/governance/subjects/bench-$i-value/consumers/reader" >/dev/null
done
measure by_id_enforce "$A" bench/by_id.lua "$MAX_ID" "" "$BASIC"
measure latest_enforce "$A" bench/latest.lua "$SUBJECTS" "$BASIC"

echo
printf "%-14s %12s %10s %10s %10s\n" endpoint "requests/s" "p50 ms" "p99 ms" "× ref"
NAMES=(reference by_id latest by_id_hint by_id_auth latest_auth by_id_enforce latest_enforce lookup
  check register)
if [ -n "${RPS[register_x3]:-}" ]; then NAMES+=(register_x3); fi
for name in "${NAMES[@]}"; do
  ratio=$(awk -v a="${RPS[$name]}" -v b="${RPS[reference]}" 'BEGIN { printf "%.2f", a / b }')
  printf "%-14s %12s %10s %10s %10s\n" "$name" "${RPS[$name]}" "$(to_ms "${P50[$name]}")" "$(to_ms "${P99[$name]}")" "$ratio"
done
echo "(by_id_hint: with ?subject=; by_id_auth and latest_auth: with a service's Basic credential;"
echo " the three with authentication on, reads open; *_enforce: the same credential, reads enforced)"
echo "(register: 16 connections, each request a new subject and schema, durable before the answer;"
echo " register_x3: the same 16 spread over three instances sharing the database, p50/p99 the worst)"
echo
echo "start-up (empty store): ${STARTUP_EMPTY} ms; resident memory after seeding $MAX_ID schemas: ${RSS_SEEDED} MB"

verdict() { if awk "BEGIN { exit !($2) }"; then echo "MET    $1"; else echo "MISSED $1"; fi; }
echo
verdict "by id ≥ 0.9× reference" "${RPS[by_id]} >= 0.9 * ${RPS[reference]}"
verdict "latest ≥ 0.9× reference" "${RPS[latest]} >= 0.9 * ${RPS[reference]}"
verdict "by id with ?subject= ≥ 0.9× reference" "${RPS[by_id_hint]} >= 0.9 * ${RPS[reference]}"
verdict "by id with a Basic credential ≥ 0.8× by id" "${RPS[by_id_auth]} >= 0.8 * ${RPS[by_id]}"
verdict "latest with a Basic credential ≥ 0.8× latest" "${RPS[latest_auth]} >= 0.8 * ${RPS[latest]}"
verdict "by id with a Basic credential, reads enforced, ≥ 0.8× by id" "${RPS[by_id_enforce]} >= 0.8 * ${RPS[by_id]}"
verdict "latest with a Basic credential, reads enforced, ≥ 0.8× latest" "${RPS[latest_enforce]} >= 0.8 * ${RPS[latest]}"
REF_P99="(the reference's own p99: $(to_ms "${P99[reference]}") ms)"
verdict "by id p99 < 2 ms $REF_P99" "$(to_ms "${P99[by_id]}") < 2"
verdict "latest p99 < 2 ms $REF_P99" "$(to_ms "${P99[latest]}") < 2"
verdict "registration ≥ 1000/s at 16 clients" "${RPS[register]} >= 1000"
if [ -n "${RPS[register_x3]:-}" ]; then
  verdict "registration over three instances ≥ 1000/s at 16 clients" "${RPS[register_x3]} >= 1000"
fi

if [ "$LARGE" -gt 0 ] && [ -z "$DATABASE_URL" ]; then
  kill "$ACCORD_PID"; wait "$ACCORD_PID" 2>/dev/null || true
  rm -f "$WORK"/bench.db*
  start_accord "$URL"
  "$BIN/examples/seed" "http://127.0.0.1:$ACCORD_PORT" "$((LARGE / 5))" 5 32 >/dev/null
  kill "$ACCORD_PID"; wait "$ACCORD_PID" 2>/dev/null || true
  start_accord "$URL"
  STARTUP_LARGE=$READY_MS
  RSS_STARTED=$(rss_mb "$ACCORD_PID")
  # Every id read at least once (each wrk thread walks them all), so all are cached.
  wrk -t2 -c8 -d"$(( LARGE / 4000 + 5 ))s" -s bench/every_id.lua "http://127.0.0.1:$ACCORD_PORT" -- "$LARGE" >/dev/null
  RSS_LARGE=$(rss_mb "$ACCORD_PID")
  echo "start-up with $LARGE stored schemas: ${STARTUP_LARGE} ms; resident memory: ${RSS_STARTED} MB" \
    "after start-up, ${RSS_LARGE} MB with every schema read and cached"
  verdict "start-up with $LARGE schemas < 3 s" "$STARTUP_LARGE < 3000"
  verdict "memory with $LARGE schemas < 300 MB" "$RSS_LARGE < 300"
fi
