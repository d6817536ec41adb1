#!/usr/bin/env bash
# Replays the recorded Confluent 7.9 conversation (1,553 requests; ../shared/conformance/, or
# CONFORMANCE_DIR) against a fresh server on SQLite and one on a fresh PostgreSQL database, and
# fails when fewer steps match than scripts/conformance.floor records, so that no change loses a
# step that matched. Raise the floor when more match. Skips with a message when the corpus is
# not there (a clone elsewhere), or PostgreSQL is not reachable outside CI.
#
# The replay is destructive (it deletes everything before each scenario): each run gets its own
# database.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus="${CONFORMANCE_DIR:-../shared/conformance}"
if [[ ! -f "$corpus/replay.py" ]]; then
  echo "SKIPPED: the Confluent conformance replay, because $corpus/replay.py is not there" >&2
  exit 0
fi
floor=$(cat scripts/conformance.floor)
source scripts/serve.sh
cargo build --bin accord
binary="${CARGO_TARGET_DIR:-target}/debug/accord"
pg="${ACCORD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"

work=$(mktemp -d)
server=""
database=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  if [[ -n "$database" ]]; then
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $database" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Replays the corpus against a fresh server on the database URL $2 (named $1); checks the floor.
replay() {
  local name="$1"
  start_server "$name" "$2"
  echo "== the Confluent 7.9 conformance replay, on $name"
  python3 "$corpus/replay.py" "$base" --width 160 >"$work/$name.replay" 2>&1 || true
  local summary passed
  summary=$(tail -n 1 "$work/$name.replay")
  passed=$(sed -nE 's/^([0-9]+) passed, [0-9]+ failed$/\1/p' <<<"$summary")
  echo "$summary (floor: $floor)"
  if [[ -z "$passed" || "$passed" -lt "$floor" ]]; then
    echo "error: fewer steps match Confluent than the floor; the differing steps:" >&2
    grep -E '^[a-z0-9-]+#[0-9]+ ' "$work/$name.replay" >&2 || tail -n 40 "$work/$name.replay" >&2
    exit 1
  fi
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

replay SQLite "sqlite://$work/replay.db"

hostport="${pg#*@}"
if (exec 3<>"/dev/tcp/${hostport%%:*}/$(sed -E 's/.*:([0-9]+).*/\1/' <<<"$hostport")") 2>/dev/null; then
  database="accord_conformance_$$_$RANDOM"
  psql -q "$pg/postgres" -c "CREATE DATABASE $database" >/dev/null
  replay PostgreSQL "$pg/$database"
elif [[ "${CI:-}" = "true" ]]; then
  echo "error: PostgreSQL is not reachable; CI must replay on it too" >&2
  exit 1
else
  echo "SKIPPED: the conformance replay on PostgreSQL, because it is not reachable" >&2
fi
