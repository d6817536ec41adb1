#!/usr/bin/env bash
# Runs the whole test suite: the Rust unit and integration tests (the HTTP suite on SQLite, and
# the PostgreSQL-only tests), the HTTP suite again on PostgreSQL, then the real clients
# (confluent-kafka for Python, @kafkajs/confluent-schema-registry for Node.js) against the binary,
# Schemathesis against the OpenAPI document (scripts/schemathesis.sh), the replay of what a real
# Confluent 7.9 answered (scripts/conformance.sh), the generated code compiled and run with javac,
# tsc, Python and protoc (tests/codegen/run.sh, beside the steps that drive a server), and the web
# UI end to end in headless chromium (tests/ui/run.sh).
#
# PostgreSQL is expected on 127.0.0.1:5432 with trust authentication (ACCORD_TEST_POSTGRES
# overrides the server URL). Without it the PostgreSQL run is skipped with a message, except
# under CI (CI=true), where it is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test

# The generated code, compiled and run with the real toolchains (tests/codegen/run.sh), in the
# background while the server-driven steps below run: it needs little but the binary that
# `cargo test` built, and mostly waits on javac, tsc and protoc. Its output follows theirs.
codegen_log=$(mktemp)
ACCORD_BIN="${CARGO_TARGET_DIR:-target}/debug/accord" setsid bash tests/codegen/run.sh \
  >"$codegen_log" 2>&1 &
codegen=$!
trap 'kill -- "-$codegen" 2>/dev/null || true; rm -f "$codegen_log"' EXIT

server="${ACCORD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
hostport="${server#*@}"
host="${hostport%%:*}"
port="${hostport##*:}"
port="${port%%/*}"
if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then
  echo "== the HTTP suite again, on PostgreSQL at $host:$port"
  # multi_instance and faults already ran on PostgreSQL above. Creating a database per test
  # waits on the disk more than on the CPU, so more tests run at once than there are cores.
  ACCORD_TEST_BACKEND=postgres cargo test --test it -- --skip multi_instance:: --skip faults:: \
    --test-threads 6
elif [ "${CI:-}" = "true" ]; then
  echo "error: PostgreSQL is not reachable at $host:$port; CI must run the PostgreSQL tests" >&2
  exit 1
else
  tests=$(cargo test --test it -- --list 2>/dev/null | grep -c ': test$' || true)
  echo "SKIPPED: the HTTP suite on PostgreSQL ($tests tests of tests/it), because PostgreSQL is" \
    "not reachable at $host:$port. Start it (see docs/operations.md, 'High availability on PostgreSQL')" \
    "to run them." >&2
fi

# Schemathesis against the served OpenAPI document: no 5xx, every answer documented.
bash scripts/schemathesis.sh

# The recorded Confluent 7.9 conversation, on SQLite and PostgreSQL: no step that matched may stop.
bash scripts/conformance.sh

echo "== the generated code with the real toolchains (tests/codegen/run.sh)"
codegen_status=0
wait "$codegen" || codegen_status=$?
cat "$codegen_log"
trap - EXIT
rm -f "$codegen_log"
if [ "$codegen_status" != 0 ]; then
  echo "error: tests/codegen/run.sh failed (exit $codegen_status)" >&2
  exit 1
fi

if [ -x tests/clients/run.sh ] || [ -f tests/clients/run.sh ]; then
  bash tests/clients/run.sh
fi

bash tests/ui/run.sh
