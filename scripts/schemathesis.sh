#!/usr/bin/env bash
# Runs Schemathesis (from PyPI) against the OpenAPI document the server serves: every operation
# gets generated valid and invalid requests, and every answer must be no 5xx, a documented
# status code, and a body that matches its documented schema.
#
#   scripts/schemathesis.sh [MAX_EXAMPLES]        (default: 25 per operation)
#
# Starts the debug binary on a loopback port of the system's choosing (it binds port 0 and writes
# the port it got to a file) over a fresh SQLite file, and installs
# schemathesis into target/schemathesis-venv (like tests/clients/run.sh does for its clients).
set -euo pipefail
cd "$(dirname "$0")/.."

examples="${1:-25}"
REPO="$(pwd)"
VENV="target/schemathesis-venv"

# CPython 3.11.7 has a bug ("AST constructor recursion depth mismatch") that Hypothesis trips
# over: prefer a newer Python when one is installed (PATH, or pyenv's versions).
pick_python() {
  local candidate
  for candidate in ${PYTHON:-} python3.13 python3.12 \
    "$HOME"/.pyenv/versions/3.13*/bin/python3 "$HOME"/.pyenv/versions/3.12*/bin/python3 python3; do
    if "$candidate" -c 'import sys, venv; sys.exit(sys.version_info[:3] == (3, 11, 7))' \
      >/dev/null 2>&1; then
      echo "$candidate"
      return
    fi
  done
  echo python3
}

source scripts/serve.sh
cargo build --bin accord
binary="${CARGO_TARGET_DIR:-target}/debug/accord"

if [[ -d "$VENV" ]] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  rm -rf "$VENV"
fi
if [[ ! -x "$VENV/bin/schemathesis" ]]; then
  python=$(pick_python)
  echo "== installing schemathesis with $("$python" --version)"
  "$python" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi

work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Runs schemathesis against a fresh server started with the given flags; the remaining
# arguments after `--` go to schemathesis.
run_against() {
  local flags=() name="$1"
  shift
  while [[ $# -gt 0 && "$1" != "--" ]]; do
    flags+=("$1")
    shift
  done
  shift
  start_server "$name" "sqlite://$work/$name.db" "${flags[@]}"
  echo "== schemathesis against the server $name (${examples} examples per operation)"
  # From the temporary folder, where schemathesis leaves its cache.
  (cd "$work" && "$REPO/$VENV/bin/schemathesis" run "$base/openapi.json" \
    --checks not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance \
    --max-examples "$examples" \
    --phases examples,coverage,fuzzing \
    --workers 2 \
    --request-timeout 10 \
    --generation-database none \
    --seed "${SCHEMATHESIS_SEED:-1}" \
    --no-color "$@")
  if ! kill -0 "$server" 2>/dev/null; then
    echo "error: the server died during the run; its log:" >&2
    tail -n 50 "$work/$name.log" >&2
    exit 1
  fi
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

run_against open --
run_against secured --admin-token schemathesis-admin -- \
  --header "Authorization: Bearer schemathesis-admin"
